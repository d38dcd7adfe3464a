package org.quant4j.onnxruntime.quantize;

import org.quant4j.onnx.quantize.CalibratedRanges;
import org.quant4j.onnx.quantize.QdqPlan;
import org.quant4j.calibration.data.UniformNoiseDataset;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantParams;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorRange;
import org.quant4j.api.data.Batch;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.onnxruntime.ArrayDataset;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

class ActivationCalibrationTest {

    private static final QuantizationConfig MIN_MAX = QuantizationConfig.builder().build();

    /** input [N, 1, 4, 4] -> Conv 1x1 computing 2x - 1 -> Relu -> out. */
    private static Graph convRelu() {
        GraphBuilder b = GraphBuilder.create("conv_relu");
        String x = b.input("input", -1, 1, 4, 4);
        String conv = b.conv(x, FloatTensor.filled(2f, 1, 1, 1, 1), FloatTensor.vector(-1f), ConvOptions.DEFAULT);
        b.output(b.relu(conv), "out");
        return b.graph();
    }

    private static CalibrationPass context(QuantizationConfig config, Dataset data, int batch,
            ProgressListener listener) {
        return new CalibrationPass(config, data, batch, listener, RunnerOptions.defaults());
    }

    /** Smallest and largest value of all samples, computed directly from the data. */
    private static float[] dataMinMax(Dataset data) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        Iterator<Batch> it = data.batches(16);
        while (it.hasNext()) {
            for (float v : it.next().data()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        return new float[] {min, max};
    }

    @Test
    void observesConvOutputBeforeTheReluThatOnnxRuntimeCouldFuse() {
        Graph g = convRelu();
        Dataset data = new UniformNoiseDataset(64, new int[] {1, 4, 4}, 3, 0f, 1f);
        CalibratedRanges r = ActivationCalibration.calibrate(g, List.of("input", "Conv_out", "out"),
                t -> QuantScheme.UINT8_ASYMMETRIC, context(MIN_MAX, data, 16, ProgressListener.NONE));
        float[] x = dataMinMax(data);
        assertEquals(new TensorRange(x[0], x[1]), r.ranges().get("input"));
        TensorRange conv = r.ranges().get("Conv_out");
        // Fused into FusedConv with the Relu, the pre-activation would have no negative values.
        assertEquals(2.0 * x[0] - 1, conv.min(), 1e-6);
        assertEquals(2.0 * x[1] - 1, conv.max(), 1e-6);
        assertTrue(conv.min() < -0.9, "pre-activation keeps its negative values: " + conv);
        TensorRange relu = r.ranges().get("out");
        assertEquals(0.0, relu.min());
        assertEquals(conv.max(), relu.max(), 1e-6);
        assertEquals(64, r.samples());
        assertFalse(r.time().isNegative());
    }

    @Test
    void symmetricSchemeGivesSymmetricRanges() {
        Dataset data = new UniformNoiseDataset(32, new int[] {1, 4, 4}, 5, 0f, 1f);
        CalibratedRanges r = ActivationCalibration.calibrate(convRelu(), List.of("Conv_out"),
                t -> QuantScheme.INT8_SYMMETRIC, context(MIN_MAX, data, 8, ProgressListener.NONE));
        TensorRange conv = r.ranges().get("Conv_out");
        float[] x = dataMinMax(data);
        double amax = Math.max(Math.abs(2.0 * x[0] - 1), Math.abs(2.0 * x[1] - 1));
        assertEquals(-amax, conv.min(), 1e-6);
        assertEquals(amax, conv.max(), 1e-6);
    }

    @Test
    void progressCountsSamplesAfterEachBatch() {
        Dataset data = new UniformNoiseDataset(10, new int[] {1, 4, 4}, 1, 0f, 1f);
        List<String> events = new ArrayList<>();
        ActivationCalibration.calibrate(convRelu(), List.of("out"), t -> QuantScheme.UINT8_ASYMMETRIC,
                context(MIN_MAX, data, 4, (stage, done, total) -> events.add(stage + " " + done + "/" + total)));
        assertEquals(List.of("calibration 0/10", "calibration 4/10", "calibration 8/10", "calibration 10/10"), events);
    }

    @Test
    void sampleShapeMismatchIsRejectedBeforeAnyRun() {
        Graph g = OnnxModel.of(ReferenceGraphs.smallCnn(1)).graph();
        Dataset data = new UniformNoiseDataset(8, new int[] {3, 32, 32}, 1, 0f, 1f);
        List<String> events = new ArrayList<>();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ActivationCalibration.calibrate(g, List.of("input"), t -> QuantScheme.UINT8_ASYMMETRIC,
                        context(MIN_MAX, data, 4, (stage, done, total) -> events.add(stage))));
        assertTrue(e.getMessage().startsWith("Calibration data has samples of shape [3, 32, 32] but model input"
                + " 'input' expects [N, 1, 28, 28]"), e.getMessage());
        assertEquals(List.of(), events);
    }

    @Test
    void tensorsThatAreNotFloatGetNoRange() {
        GraphBuilder b = GraphBuilder.create("shape_and_conv");
        String x = b.input("input", -1, 1, 4, 4);
        String shape = b.op("Shape", List.of(x));
        b.output(b.op("Cast", List.of(shape), Attributes.integer("to", TensorProto.DataType.FLOAT_VALUE)), "dims");
        b.output(b.conv(x, FloatTensor.filled(1f, 1, 1, 1, 1), null, ConvOptions.DEFAULT), "out");
        Dataset data = new UniformNoiseDataset(4, new int[] {1, 4, 4}, 2, 0f, 1f);
        Map<String, TensorRange> ranges = ActivationCalibration.calibrate(b.graph(), List.of(shape, "out"),
                t -> QuantScheme.UINT8_ASYMMETRIC, context(MIN_MAX, data, 4, ProgressListener.NONE)).ranges();
        assertEquals(List.of("out"), List.copyOf(ranges.keySet()));
    }

    @Test
    void observerSeesEveryBatchOfEveryTensorInOrder() {
        Dataset data = new UniformNoiseDataset(10, new int[] {1, 4, 4}, 7, -1f, 1f);
        Map<String, List<float[]>> seen = new ConcurrentHashMap<>();
        ActivationCalibration.calibrate(convRelu(), List.of("input", "Conv_out", "out"),
                t -> QuantScheme.UINT8_ASYMMETRIC, new CalibrationPass(MIN_MAX, data, 4, ProgressListener.NONE,
                        RunnerOptions.defaults(), (tensor, values, offset, length) -> seen.computeIfAbsent(tensor,
                                k -> new ArrayList<>()).add(Arrays.copyOfRange(values, offset, offset + length))));
        assertEquals(Set.of("input", "Conv_out", "out"), seen.keySet());
        List<float[]> inputs = new ArrayList<>();
        data.batches(4).forEachRemaining(b -> inputs.add(b.data()));
        for (String t : seen.keySet()) {
            assertEquals(List.of(64, 64, 32), seen.get(t).stream().map(a -> a.length).toList(), t);
        }
        for (int b = 0; b < inputs.size(); b++) {
            float[] x = inputs.get(b);
            assertArrayEquals(x, seen.get("input").get(b));
            for (int i = 0; i < x.length; i++) {
                // The Conv computes 2x - 1, the Relu max(2x - 1, 0).
                assertEquals(2.0 * x[i] - 1, seen.get("Conv_out").get(b)[i], 1e-6);
                assertEquals(Math.max(2.0 * x[i] - 1, 0), seen.get("out").get(b)[i], 1e-6);
            }
        }
    }

    /** Ranges from the values of every tensor: an observer makes calibration copy them out. */
    private static Map<String, TensorRange> fromValues(Graph g, List<String> tensors, QuantizationConfig config,
            Dataset data, int batch) {
        return ActivationCalibration.calibrate(g, tensors, t -> QuantScheme.UINT8_ASYMMETRIC,
                new CalibrationPass(config, data, batch, ProgressListener.NONE, RunnerOptions.defaults(),
                        (tensor, values, offset, length) -> { })).ranges();
    }

    @Test
    void extremesReducedInTheGraphGiveTheRangesOfTheValues() {
        Graph g = OnnxModel.of(ReferenceGraphs.smallCnn(5)).graph();
        org.quant4j.onnx.transform.TransformPipeline.inference().apply(g);
        List<String> tensors = new ArrayList<>(QdqPlan.candidateTensors(g, MIN_MAX));
        Dataset data = new UniformNoiseDataset(40, new int[] {1, 28, 28}, 11, -1f, 1f);
        for (String method : List.of("minmax", "moving-average-minmax")) {
            QuantizationConfig config = QuantizationConfig.builder()
                    .calibrationMethod(org.quant4j.api.CalibrationMethod.fromId(method)).build();
            Map<String, TensorRange> values = fromValues(g, tensors, config, data, 16);
            Map<String, TensorRange> extremes = ActivationCalibration.calibrate(g, tensors,
                    t -> QuantScheme.UINT8_ASYMMETRIC, context(config, data, 16, ProgressListener.NONE)).ranges();
            assertEquals(values.keySet(), extremes.keySet(), method);
            assertEquals(tensors.size(), extremes.size(), method);
            for (String t : tensors) {
                TensorRange v = values.get(t);
                TensorRange e = extremes.get(t);
                double tol = 1e-5 * (v.amax() + 1);
                assertEquals(v.max(), e.max(), tol, method + " " + t);
                // A tensor that cannot be negative is reduced to its maximum; its minimum counts as 0.
                double min = e.min() == 0 && v.min() >= 0 ? 0 : v.min();
                assertEquals(min, e.min(), tol, method + " " + t);
                assertEquals(QuantParams.forRange(v, QuantScheme.UINT8_ASYMMETRIC).zeroPoint(0),
                        QuantParams.forRange(e, QuantScheme.UINT8_ASYMMETRIC).zeroPoint(0), method + " " + t);
            }
        }
    }

    @Test
    void batchesWithNaNOrInfinityAreObservedByTheirValues() {
        float[][] rows = new float[12][16];
        java.util.Random random = new java.util.Random(3);
        for (float[] r : rows) {
            for (int i = 0; i < 16; i++) {
                r[i] = random.nextFloat();
            }
        }
        rows[1][5] = Float.NaN; // inside a tensor: the reductions may skip it
        rows[6][0] = Float.POSITIVE_INFINITY;
        rows[10][15] = Float.NaN;
        Dataset data = ArrayDataset.unlabelled(rows, 1, 4, 4);
        List<String> tensors = List.of("input", "Conv_out", "out");
        Map<String, TensorRange> values = fromValues(convRelu(), tensors, MIN_MAX, data, 4);
        Map<String, TensorRange> extremes = ActivationCalibration.calibrate(convRelu(), tensors,
                t -> QuantScheme.UINT8_ASYMMETRIC, context(MIN_MAX, data, 4, ProgressListener.NONE)).ranges();
        assertEquals(values, extremes);
        // Independently: the finite inputs, and the Conv's 2x - 1 of them.
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float[] r : rows) {
            for (float v : r) {
                if (Float.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        assertEquals(new TensorRange(lo, hi), extremes.get("input"));
        assertEquals(2.0 * lo - 1, extremes.get("Conv_out").min(), 1e-6);
        assertEquals(2.0 * hi - 1, extremes.get("Conv_out").max(), 1e-6);
    }

    @Test
    void tensorsOnnxRuntimeCannotReduceAreObservedByTheirValues() {
        // A bool tensor among the observed ones: ReduceMin does not take bool, so the reducing session
        // cannot open and calibration falls back to the values; the bool tensor is simply not float.
        GraphBuilder b = GraphBuilder.create("bool_and_conv");
        String x = b.input("input", -1, 1, 4, 4);
        String positive = b.op("Greater", List.of(x, b.initializer("zero", FloatTensor.scalar(0f))));
        b.output(b.op("Cast", List.of(positive), Attributes.integer("to", TensorProto.DataType.FLOAT_VALUE)), "mask");
        b.output(b.conv(x, FloatTensor.filled(2f, 1, 1, 1, 1), FloatTensor.vector(-1f), ConvOptions.DEFAULT), "out");
        Dataset data = new UniformNoiseDataset(8, new int[] {1, 4, 4}, 2, 0f, 1f);
        Map<String, TensorRange> ranges = ActivationCalibration.calibrate(b.graph(), List.of(positive, "out"),
                t -> QuantScheme.UINT8_ASYMMETRIC, context(MIN_MAX, data, 4, ProgressListener.NONE)).ranges();
        assertEquals(List.of("out"), List.copyOf(ranges.keySet()));
        float[] in = dataMinMax(data);
        assertEquals(2.0 * in[0] - 1, ranges.get("out").min(), 1e-6);
        assertEquals(2.0 * in[1] - 1, ranges.get("out").max(), 1e-6);
    }
}
