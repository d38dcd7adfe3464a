package org.quant4j.onnxruntime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.TensorOverride;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.CalibrationRequest;
import org.quant4j.api.calibration.ModelCalibrator;
import org.quant4j.api.calibration.ModelCalibrators;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.evaluate.EvaluationRequest;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.evaluate.FidelityRequest;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.api.quantize.ProgressStages;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.api.quantize.Quantizers;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnxruntime.quantize.QuantizationTestSupport;

/**
 * Every long library operation reports named stages through the API's {@link ProgressListener}, in
 * the order it runs them, each with counts that never decrease and end at its total.
 */
class ProgressReportingTest {

    @TempDir
    Path dir;

    /** Records every report and checks the stage runs. */
    private static final class Recorder implements ProgressListener {
        private final List<String> stages = new ArrayList<>();
        private final List<long[]> counts = new ArrayList<>();

        @Override
        public synchronized void onProgress(String stage, long done, long total) {
            stages.add(stage);
            counts.add(new long[] {done, total});
        }

        /**
         * The stages in order, one entry per run of consecutive reports of a stage, after checking
         * that within each run the total stays the same, the counts never decrease and the last
         * equals the total.
         */
        List<String> runs() {
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < stages.size(); i++) {
                String stage = stages.get(i);
                boolean first = i == 0 || !stages.get(i - 1).equals(stage);
                boolean last = i == stages.size() - 1 || !stages.get(i + 1).equals(stage);
                long[] c = counts.get(i);
                assertTrue(c[1] >= 0 && c[0] >= 0 && c[0] <= c[1], stage + ": " + c[0] + "/" + c[1]);
                if (first) {
                    runs.add(stage);
                } else {
                    long[] before = counts.get(i - 1);
                    assertEquals(before[1], c[1], stage + ": the total changed");
                    assertTrue(c[0] >= before[0], stage + ": " + before[0] + " then " + c[0]);
                }
                if (last) {
                    assertEquals(c[1], c[0], stage + " ends at " + c[0] + " of " + c[1]);
                }
            }
            return runs;
        }
    }

    private static Dataset images(int count) {
        return new UniformNoiseDataset(count, new int[] {1, 28, 28}, 5, 0f, 1f);
    }

    private Path cnn() {
        return QuantizationTestSupport.write(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
    }

    private static Recorder quantize(Path model, Path output, QuantizationConfig config, Dataset data) {
        Recorder recorder = new Recorder();
        try (Quantizer q = Quantizers.get("onnxruntime")) {
            q.quantize(QuantizationRequest.builder().model(model).output(output).config(config)
                    .calibrationData(data).batchSize(16).listener(recorder).build());
        }
        return recorder;
    }

    @Test
    void staticQuantizationReportsPreparationCalibrationAndWeights() {
        Recorder r = quantize(cnn(), dir.resolve("static.onnx"), QuantizationConfig.builder().build(), images(40));
        assertEquals(List.of(ProgressStages.PREPARE, ProgressStages.CALIBRATION, ProgressStages.WEIGHTS), r.runs());
        // 40 samples in batches of 16.
        assertEquals(List.of(0L, 16L, 32L, 40L), doneOf(r, ProgressStages.CALIBRATION));
        assertEquals(List.of(0L, 1L, 2L, 3L), doneOf(r, ProgressStages.PREPARE));
    }

    @Test
    void dynamicQuantizationReportsPreparationAndWeights() {
        Recorder r = quantize(cnn(), dir.resolve("dynamic.onnx"),
                QuantizationConfig.builder().mode(QuantizationMode.DYNAMIC).build(), null);
        assertEquals(List.of(ProgressStages.PREPARE, ProgressStages.WEIGHTS), r.runs());
        // Two Conv and one Gemm are considered: one report per node after the first.
        assertEquals(List.of(0L, 1L, 2L, 3L), doneOf(r, ProgressStages.WEIGHTS));
    }

    @Test
    void fp16WithDataReportsItsRangePassConversionAndOutputCheck() {
        Recorder r = quantize(cnn(), dir.resolve("fp16.onnx"),
                QuantizationConfig.builder().mode(QuantizationMode.FP16).build(), images(20));
        assertEquals(List.of(ProgressStages.PREPARE, ProgressStages.CALIBRATION, ProgressStages.FP16_WEIGHTS,
                ProgressStages.FP16_CHECK), r.runs());
        assertEquals(List.of(0L, 16L, 20L), doneOf(r, ProgressStages.FP16_CHECK));
    }

    /**
     * A Conv whose vnni-target weights can saturate on AVX2 (see SaturationAnalysisTest): the
     * quantizer runs the saturation probe on the calibration samples and says so.
     */
    @Test
    void aVnniModelThatCanSaturateReportsTheSaturationCheck() {
        Path model = org.quant4j.onnx.saturation.SaturationAnalysisTest.writePairConv(dir.resolve("pair.onnx"));
        float[][] samples = new float[3][8];
        java.util.Arrays.fill(samples[0], 2.55f);
        java.util.Arrays.fill(samples[1], 1f);
        java.util.Arrays.fill(samples[2], 0.5f);
        Recorder r = quantize(model, dir.resolve("vnni.onnx"), QuantizationConfig.builder()
                .kernelTarget(KernelTarget.VNNI)
                .tensorOverride("input", TensorOverride.withRange(new TensorRange(0, 2.55))).build(),
                ArrayDataset.unlabelled(samples, 2, 2, 2));
        assertEquals(List.of(ProgressStages.PREPARE, ProgressStages.CALIBRATION, ProgressStages.WEIGHTS,
                ProgressStages.SATURATION), r.runs());
        assertEquals(List.of(0L, 3L), doneOf(r, ProgressStages.SATURATION));
    }

    @Test
    void calibrationReportsItsSamples() {
        Recorder r = new Recorder();
        try (ModelCalibrator c = ModelCalibrators.get("onnxruntime")) {
            c.calibrate(CalibrationRequest.builder().model(cnn()).data(images(24)).batchSize(16)
                    .config(QuantizationConfig.builder().build()).listener(r).build());
        }
        assertEquals(List.of(ProgressStages.CALIBRATION), r.runs());
        assertEquals(List.of(0L, 16L, 24L), doneOf(r, ProgressStages.CALIBRATION));
    }

    @Test
    void evaluationAndFidelityReportTheirSamples() {
        Path model = cnn();
        Recorder evaluation = new Recorder();
        Recorder fidelity = new Recorder();
        try (Evaluator e = Evaluators.get("onnxruntime")) {
            e.evaluate(EvaluationRequest.builder().model(model).data(QuantizationTestSupport.fashionMnist(0, 50))
                    .batchSize(32).threads(1).listener(evaluation).build());
            e.fidelity(FidelityRequest.builder().model(model).reference(model).data(images(10)).batchSize(4)
                    .threads(1).bootstrapResamples(50).listener(fidelity).build());
        }
        assertEquals(List.of(ProgressStages.EVALUATION), evaluation.runs());
        assertEquals(List.of(0L, 32L, 50L), doneOf(evaluation, ProgressStages.EVALUATION));
        assertEquals(List.of(ProgressStages.FIDELITY), fidelity.runs());
        assertEquals(List.of(0L, 4L, 8L, 10L), doneOf(fidelity, ProgressStages.FIDELITY));
    }

    private static List<Long> doneOf(Recorder r, String stage) {
        List<Long> done = new ArrayList<>();
        for (int i = 0; i < r.stages.size(); i++) {
            if (r.stages.get(i).equals(stage)) {
                done.add(r.counts.get(i)[0]);
            }
        }
        return done;
    }
}
