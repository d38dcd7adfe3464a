package org.quant4j.onnxruntime;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.Map;
import java.util.SplittableRandom;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

/** Helpers shared by tests that run models on ONNX Runtime. */
public final class OrtTestSupport {

    private OrtTestSupport() {
    }

    /** Runs a single-input model once and returns all float outputs. */
    public static Map<String, FloatTensor> run(ModelProto model, FloatTensor input, OptimizationLevel level) {
        RunnerOptions options = RunnerOptions.builder().optimization(level).intraOpThreads(1).build();
        try (OrtRunner runner = OrtRunner.open(OnnxModel.of(model), options)) {
            return runner.run(Map.of(runner.inputNames().get(0), input));
        }
    }

    /** Runs a single-input, single-output model with optimisations disabled. */
    public static FloatTensor runOnly(ModelProto model, FloatTensor input) {
        Map<String, FloatTensor> out = run(model, input, OptimizationLevel.DISABLED);
        if (out.size() != 1) {
            throw new IllegalStateException("Expected one output, got " + out.keySet());
        }
        return out.values().iterator().next();
    }

    /** Uniform values in [-1, 1) of the given shape. */
    public static FloatTensor random(long seed, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(FloatTensor.elementCount(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (2 * r.nextDouble() - 1);
        }
        return new FloatTensor(shape, v);
    }

    /**
     * Asserts that two single-output models give outputs within {@code tolerance} (max abs) on
     * {@code input}, run with ONNX Runtime's own optimisations disabled.
     */
    public static void assertSameOutputs(ModelProto expected, ModelProto actual, FloatTensor input, double tolerance) {
        double diff = maxAbsDiff(runOnly(expected, input), runOnly(actual, input));
        if (!(diff <= tolerance)) {
            throw new AssertionError("Outputs differ by up to " + diff + ", more than " + tolerance);
        }
    }

    /**
     * Signal-to-quantization-noise ratio of {@code actual} against {@code reference} in dB:
     * {@code 10 log10(sum(ref^2) / sum((ref - actual)^2))}; infinite when they are equal.
     */
    public static double sqnrDb(FloatTensor reference, FloatTensor actual) {
        if (!java.util.Arrays.equals(reference.shape(), actual.shape())) {
            throw new AssertionError("Shapes differ: " + reference + " vs " + actual);
        }
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < reference.size(); i++) {
            double r = reference.get(i);
            double e = r - actual.get(i);
            signal += r * r;
            noise += e * e;
        }
        return 10 * Math.log10(signal / noise);
    }

    /** Largest absolute difference between two tensors of the same shape. */
    public static double maxAbsDiff(FloatTensor a, FloatTensor b) {
        if (!java.util.Arrays.equals(a.shape(), b.shape())) {
            throw new AssertionError("Shapes differ: " + a + " vs " + b);
        }
        double max = 0;
        for (int i = 0; i < a.size(); i++) {
            max = Math.max(max, Math.abs(a.get(i) - b.get(i)));
        }
        return max;
    }
}
