package org.quant4j.onnxruntime.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.ModelException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.NodeDecision.Action;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.quantize.Fp16Converter;
import org.quant4j.onnx.quantize.GraphQuantization;
import org.quant4j.onnx.quantize.QuantizationContext;
import org.quant4j.onnxruntime.OrtTestSupport;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

/** FP16 with calibration data keeps the nodes whose values leave the float16 range in float32. */
class Fp16RangeTest {

    private static final QuantizationConfig FP16 = QuantizationConfig.builder().mode(QuantizationMode.FP16).build();
    private static final RunnerOptions ONE_THREAD = RunnerOptions.builder().intraOpThreads(1).build();

    @TempDir
    Path dir;

    /**
     * {@code x [N, 256]} in [-1, 1) times weights of magnitude up to 20000 (each representable in
     * float16) gives activations of a few 1e5 up to about 1e6, doubled by a Mul, brought back to
     * about 1 by a Div by 1e6, then a small MatMul to 4 outputs.
     */
    private static OnnxModel largeActivationModel() {
        SplittableRandom r = new SplittableRandom(3);
        float[] w = new float[256 * 16];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (20000 * (2 * r.nextDouble() - 1));
        }
        float[] w2 = new float[16 * 4];
        for (int i = 0; i < w2.length; i++) {
            w2[i] = (float) (2 * r.nextDouble() - 1);
        }
        GraphBuilder b = GraphBuilder.create("large_activation");
        String x = b.input("x", -1, 256);
        String h = b.matMul(x, new FloatTensor(new long[] {256, 16}, w));
        String doubled = b.mul(h, b.initializer("two", FloatTensor.scalar(2f)));
        String back = b.op("Div", List.of(doubled, b.initializer("million", FloatTensor.scalar(1e6f))));
        b.output(b.matMul(back, new FloatTensor(new long[] {16, 4}, w2)), "y");
        return OnnxModel.of(b.build());
    }

    private static UniformNoiseDataset data() {
        return new UniformNoiseDataset(96, new int[] {256}, 7, -1f, 1f);
    }

    private static FloatTensor run(OnnxModel model, FloatTensor input) {
        try (OrtRunner runner = OrtRunner.open(model, ONE_THREAD)) {
            return runner.run(Map.of("x", input)).get("y");
        }
    }

    private static long nonFinite(FloatTensor t) {
        long n = 0;
        for (int i = 0; i < t.size(); i++) {
            n += Float.isFinite(t.get(i)) ? 0 : 1;
        }
        return n;
    }

    private static FloatTensor input() {
        float[] v = new float[32 * 256];
        UniformNoiseDataset d = data();
        for (int i = 0; i < 32; i++) {
            d.read(i, v, i * 256);
        }
        return new FloatTensor(new long[] {32, 256}, v);
    }

    @Test
    void withoutRangesTheLargeActivationOverflowsToInfAndTheResultSaysNothingWasChecked() {
        OnnxModel fp32 = largeActivationModel();
        FloatTensor reference = run(fp32, input());
        assertEquals(0, nonFinite(reference));
        Graph g = fp32.graph();
        GraphQuantization result = new Fp16Converter().quantize(g, QuantizationContext.withoutData(FP16));
        assertTrue(result.decisions().stream().allMatch(d -> d.action() == Action.QUANTIZED), result.toString());
        assertEquals(1, result.warnings().size());
        assertTrue(result.warnings().get(0).startsWith("Float16 ranges were not checked"), result.warnings().get(0));
        FloatTensor half = run(g.toModel(), input());
        assertTrue(nonFinite(half) > half.size() / 2, "non-finite values: " + nonFinite(half) + " of " + half.size());

        ModelException e = assertThrows(ModelException.class,
                () -> Fp16OutputCheck.check(fp32, g.toModel(), data(), 32, ONE_THREAD,
                        org.quant4j.api.quantize.ProgressListener.NONE));
        assertTrue(e.getMessage().contains("'y': "), e.getMessage());
        assertTrue(e.getMessage().contains("No file was written"), e.getMessage());
    }

    @Test
    void withDataTheNodesAroundTheLargeActivationStayFloat32AndTheOutputIsCloseToFloat32() throws Exception {
        Path model = dir.resolve("large.onnx");
        largeActivationModel().write(model);
        Path out = dir.resolve("large-fp16.onnx");
        QuantizationResult result;
        try (OnnxRuntimeQuantizer q = new OnnxRuntimeQuantizer()) {
            result = q.quantize(QuantizationRequest.builder().model(model).output(out).config(FP16)
                    .calibrationData(data()).batchSize(32).threads(1).build());
        }
        Map<String, NodeDecision> byNode = new java.util.HashMap<>();
        result.decisions().forEach(d -> byNode.put(d.nodeName(), d));
        // MatMul writes ~1e6, Mul reads and writes it, Div reads 2e6: float32. The last MatMul is float16.
        for (String kept : List.of("MatMul", "Mul", "Div")) {
            NodeDecision d = byNode.get(kept);
            assertEquals(Action.SKIPPED, d.action(), d.toString());
            assertTrue(d.reason().startsWith("float16 range: "), d.reason());
            assertTrue(d.reason().contains("beyond 1/8 of the float16 range (|x| <= 8188)"), d.reason());
        }
        assertEquals(Action.QUANTIZED, byNode.get("MatMul_1").action(), byNode.toString());
        assertTrue(result.warnings().isEmpty(), result.warnings().toString());
        assertTrue(Files.isRegularFile(out));

        FloatTensor reference = run(largeActivationModel(), input());
        FloatTensor half = run(OnnxModel.read(out), input());
        assertEquals(0, nonFinite(half));
        double sqnr = OrtTestSupport.sqnrDb(reference, half);
        assertTrue(sqnr > 50, "SQNR " + sqnr);
        assertFalse(Double.isNaN(sqnr));
    }
}
