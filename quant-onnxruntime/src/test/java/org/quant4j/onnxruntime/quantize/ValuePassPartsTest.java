package org.quant4j.onnxruntime.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.calibration.TensorObserver;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.quantize.CalibratedRanges;
import org.quant4j.onnxruntime.ArrayDataset;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

/**
 * The value pass splits a batch into runs of a few samples when the observed tensors of a whole
 * batch are many times its largest, and the ranges stay exactly those of whole batches.
 */
class ValuePassPartsTest {

    private static final int STAGES = 8;
    private static final int BATCH = 8;

    /** input [N, 1, 4, 4] -> 8 x (Conv 1x1 -> Relu): 16 observed tensors of 16 values a sample. */
    private static Graph chain(List<String> observed) {
        GraphBuilder b = GraphBuilder.create("chain");
        String x = b.input("input", -1, 1, 4, 4);
        for (int k = 0; k < STAGES; k++) {
            String conv = b.conv(x, FloatTensor.filled(1.1f + 0.1f * k, 1, 1, 1, 1), FloatTensor.vector(-0.05f * k),
                    ConvOptions.DEFAULT);
            observed.add(conv);
            x = b.relu(conv);
            if (k < STAGES - 1) {
                observed.add(x);
            }
        }
        observed.add(b.output(x, "out"));
        return b.graph();
    }

    /** 40 samples, each on its own scale, so that the largest value of a batch lies in one of its parts. */
    private static Dataset data() {
        SplittableRandom random = new SplittableRandom(16);
        float[][] rows = new float[40][16];
        for (int s = 0; s < rows.length; s++) {
            double scale = 1 + (s * 5) % 11;
            for (int i = 0; i < 16; i++) {
                rows[s][i] = (float) (random.nextGaussian() * scale);
            }
        }
        return ArrayDataset.unlabelled(rows, 1, 4, 4);
    }

    private static CalibratedRanges calibrate(Graph g, List<String> tensors, CalibrationMethod method, int batch,
            TensorObserver observer) {
        QuantizationConfig config = QuantizationConfig.builder().calibrationMethod(method).build();
        return ActivationCalibration.calibrate(g, tensors, t -> QuantScheme.UINT8_ASYMMETRIC,
                new CalibrationPass(config, data(), batch, ProgressListener.NONE, RunnerOptions.defaults(), observer));
    }

    @ParameterizedTest
    @ValueSource(strings = {"entropy", "percentile", "mse"})
    void runsOfFewSamplesGiveTheRangesOfWholeBatches(String name) {
        CalibrationMethod method = CalibrationMethod.of(name);
        List<String> tensors = new ArrayList<>();
        Graph g = chain(tensors);
        // 16 outputs of 16 values a sample, the largest 16: runs of 1 sample keep a run within
        // 2 x 16 x 8 values, so the batches of 8 go through in 8 runs each.
        assertEquals(2, ActivationCalibration.BUDGET_LARGEST);
        assertEquals(1, ActivationCalibration.samplesPerRun(Collections.nCopies(tensors.size(), 16), BATCH));
        CalibratedRanges parts = calibrate(g, tensors, method, BATCH, null);
        // An observer wants whole batches: the pass then runs each batch at once.
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        CalibratedRanges whole = calibrate(g, tensors, method, BATCH, (t, v, o, n) -> seen.add(t));
        assertEquals(tensors.size() * 40 / BATCH, seen.size());
        assertEquals(tensors.size(), whole.ranges().size());
        assertEquals(whole.ranges(), parts.ranges());
        // The data tell batch groupings apart: whole batches of 2 give other ranges.
        assertNotEquals(whole.ranges(), calibrate(g, tensors, method, 2, null).ranges());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 7, 12, 16})
    void runsTakeADivisorOfTheBatchWithinTheBudget(int batch) {
        List<Integer> sizes = List.of(100, 100, 100, 100, 100, 100, 100, 100, 100, 100);
        int samples = ActivationCalibration.samplesPerRun(sizes, batch);
        assertEquals(0, batch % samples);
        // At most 2 x 100 x batch values a run, and no larger divisor fits.
        assertEquals(true, samples == 1 || samples * 1000 <= 200 * batch);
        for (int d = samples + 1; d <= batch; d++) {
            assertEquals(true, batch % d != 0 || d * 1000 > 200 * batch, "divisor " + d + " of " + batch);
        }
        assertEquals(batch, ActivationCalibration.samplesPerRun(List.of(100, 100), batch));
    }
}
