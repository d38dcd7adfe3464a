package org.quant4j.onnx.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.onnxruntime.OrtTestSupport.random;
import static org.quant4j.onnxruntime.OrtTestSupport.sqnrDb;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quant4j.api.ModelException;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.NodeDecision.Action;
import org.quant4j.onnxruntime.OrtTestSupport;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnx.graph.TensorProtos;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;
import org.quant4j.onnxruntime.runtime.OptimizedOps;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.quant4j.onnx.transform.TransformPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class DynamicQuantizerTest {

    private static final Logger LOG = LoggerFactory.getLogger(DynamicQuantizerTest.class);

    @TempDir
    Path dir;

    /** The default (portable) target: 7-bit weights [-64, 64]. */
    private static QuantizationContext context(boolean perChannel) {
        return context(perChannel, KernelTarget.PORTABLE);
    }

    private static QuantizationContext context(boolean perChannel, KernelTarget target) {
        return QuantizationContext.withoutData(QuantizationConfig.builder().mode(QuantizationMode.DYNAMIC)
                .perChannel(perChannel).kernelTarget(target).build());
    }

    /** The model as the caller hands it over: after Identity/Dropout removal and BN folding. */
    private static Graph prepared(ModelProto model) {
        Graph g = OnnxModel.of(model).graph();
        TransformPipeline.inference().apply(g);
        return g;
    }

    private OptimizedOps optimizedOps(OnnxModel model, OptimizationLevel level) {
        Path file = dir.resolve("model-" + level + ".onnx");
        model.write(file);
        return OptimizedOps.list(file, RunnerOptions.builder().optimization(level).intraOpThreads(1).build());
    }

    private static FloatTensor output(ModelProto model, FloatTensor input) {
        return OrtTestSupport.run(model, input, OptimizationLevel.ALL).get(ReferenceGraphs.OUTPUT);
    }

    private static byte[] int8Values(Graph g, String name) {
        TensorProto t = g.initializer(name).orElseThrow();
        assertEquals(TensorProto.DataType.INT8_VALUE, t.getDataType(), name);
        return t.getRawData().toByteArray();
    }

    private static Node only(Graph g, String opType) {
        List<Node> found = g.nodes().stream().filter(n -> n.opType().equals(opType)).toList();
        assertEquals(1, found.size(), opType + " in " + g.nodes());
        return found.get(0);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void mlpRunsOnDynamicQuantizeMatMulCloseToFloat(boolean perChannel) {
        ModelProto fp32 = ReferenceGraphs.mlp(7);
        Graph g = prepared(fp32);
        GraphQuantization result = new DynamicQuantizer().quantize(g, context(perChannel));

        assertEquals(List.of("MatMul", "Gemm"), result.decisions().stream().map(NodeDecision::nodeName).toList());
        assertTrue(result.decisions().stream().allMatch(d -> d.action() == Action.QUANTIZED), result.toString());
        OnnxModel quantized = g.toModel();
        OptimizedOps optimized = optimizedOps(quantized, OptimizationLevel.ALL);
        LOG.info("MLP dynamic ({}): ONNX Runtime runs {}", perChannel ? "per channel" : "per tensor", optimized.counts());
        assertEquals(2, optimized.count("DynamicQuantizeMatMul"), optimized.toString());
        for (String floatOp : List.of("MatMul", "Gemm", "FusedGemm", "FusedMatMul", "MatMulInteger")) {
            assertFalse(optimized.contains(floatOp), floatOp + " in " + optimized);
        }
        OptimizedOps unfused = optimizedOps(quantized, OptimizationLevel.DISABLED);
        assertEquals(2, unfused.count("MatMulInteger"), unfused.toString());
        assertEquals(2, unfused.count("DynamicQuantizeLinear"), unfused.toString());

        FloatTensor input = random(11, 32, 1, 28, 28);
        double sqnr = sqnrDb(output(fp32, input), output(quantized.proto(), input));
        LOG.info("MLP dynamic ({}): SQNR {} dB", perChannel ? "per channel" : "per tensor", String.format("%.2f", sqnr));
        assertTrue(sqnr >= 30, "SQNR " + sqnr);

        Node first = g.node("MatMul_MatMulInteger").orElseThrow();
        TensorProto scale = g.initializer(first.input(1).replace("_quantized", "_scale")).orElseThrow();
        assertArrayEquals(perChannel ? new long[] {64} : new long[0], TensorProtos.dims(scale));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void tinyMatMulStoresRoundOfWeightOverAmaxOver127(boolean perChannel) {
        float[] w = {0.5f, -1.27f, 0.3f, 0.01f, 0.9f, -0.2f};
        GraphBuilder b = GraphBuilder.create("tiny");
        String x = b.input("x", -1, 2);
        b.output(b.matMul(x, new FloatTensor(new long[] {2, 3}, w)), "y");
        Graph g = b.graph();
        new DynamicQuantizer().quantize(g, context(perChannel, KernelTarget.VNNI));

        // Per tensor: amax = 1.27, scale 0.01. Per column: amax 0.5, 1.27, 0.3.
        byte[] expected = perChannel ? new byte[] {127, -127, 127, 3, 90, -85} : new byte[] {50, -127, 30, 1, 90, -20};
        double[] amax = perChannel ? new double[] {0.5, 1.27, 0.3} : new double[] {1.27, 1.27, 1.27};
        for (int i = 0; i < w.length; i++) {
            assertEquals(expected[i], Math.round(w[i] / (amax[i % 3] / 127)), "formula at " + i);
        }
        Node mmi = only(g, "MatMulInteger");
        assertArrayEquals(expected, int8Values(g, mmi.input(1)));
        assertArrayEquals(new long[] {2, 3}, TensorProtos.dims(g.initializer(mmi.input(1)).orElseThrow()));
        assertArrayEquals(new byte[perChannel ? 3 : 1], int8Values(g, mmi.input(3)));
        FloatTensor scales = g.floatInitializer(mmi.input(1).replace("_quantized", "_scale")).orElseThrow();
        for (int i = 0; i < scales.size(); i++) {
            assertEquals(amax[i] / 127, scales.get(i), 1e-9);
        }
        assertTrue(g.initializers().values().stream().noneMatch(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE
                && TensorProtos.dims(t).length == 2), "the float weight is removed");

        FloatTensor input = new FloatTensor(new long[] {1, 2}, new float[] {1f, -0.5f});
        FloatTensor y = OrtTestSupport.run(g.toProto(), input, OptimizationLevel.ALL).get("y");
        float[] exact = {0.5f - 0.005f, -1.27f - 0.45f, 0.3f + 0.1f};
        for (int i = 0; i < 3; i++) {
            assertEquals(exact[i], y.get(i), 0.02, "output " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void tinyMatMulForThePortableTargetScalesByTheLargestPair(boolean perChannel) {
        float[] w = {0.5f, -1.27f, 0.3f, 0.01f, 0.9f, -0.2f};
        GraphBuilder b = GraphBuilder.create("tiny");
        String x = b.input("x", -1, 2);
        b.output(b.matMul(x, new FloatTensor(new long[] {2, 3}, w)), "y");
        Graph g = b.graph();
        new DynamicQuantizer().quantize(g, context(perChannel, KernelTarget.PORTABLE));

        // K = 2, so each column is one pair. Per column: (0.5, 0.01) pairs to 0.51 > amax 0.5, so scale
        // 0.51 / 127: 124.5 -> 125 and 2.49 -> 2; (-1.27, 0.9) and (0.3, -0.2) keep amax / 127. Per
        // tensor the largest pair, 1.27, is the amax: as for vnni.
        byte[] expected = perChannel ? new byte[] {125, -127, 127, 2, 90, -85} : new byte[] {50, -127, 30, 1, 90, -20};
        Node mmi = only(g, "MatMulInteger");
        assertArrayEquals(expected, int8Values(g, mmi.input(1)));
        FloatTensor input = new FloatTensor(new long[] {1, 2}, new float[] {1f, -0.5f});
        FloatTensor y = OrtTestSupport.run(g.toProto(), input, OptimizationLevel.ALL).get("y");
        float[] exact = {0.5f - 0.005f, -1.27f - 0.45f, 0.3f + 0.1f};
        for (int i = 0; i < 3; i++) {
            assertEquals(exact[i], y.get(i), 0.02, "output " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void lstmBecomesDynamicQuantizeLstmCloseToFloat(boolean perChannel) {
        ModelProto fp32 = ReferenceGraphs.lstm(5);
        Graph g = prepared(fp32);
        FloatTensor w = g.floatInitializer(only(g, "LSTM").input(1)).orElseThrow();
        GraphQuantization result = new DynamicQuantizer().quantize(g, context(perChannel));

        assertEquals(List.of(Action.QUANTIZED, Action.QUANTIZED),
                result.decisions().stream().map(NodeDecision::action).toList());
        Node lstm = only(g, "DynamicQuantizeLSTM");
        assertEquals(DynamicQuantizer.MS_DOMAIN, lstm.domain());
        assertEquals(1L, g.opsetImports().get(DynamicQuantizer.MS_DOMAIN));
        assertEquals(12, lstm.inputs().size());
        assertEquals(32, lstm.intAttribute("hidden_size", 0));
        assertArrayEquals(new long[] {1, 16, 128}, TensorProtos.dims(g.initializer(lstm.input(1)).orElseThrow()));
        assertArrayEquals(new long[] {1, 32, 128}, TensorProtos.dims(g.initializer(lstm.input(2)).orElseThrow()));
        long[] paramShape = perChannel ? new long[] {1, 128} : new long[] {1};
        for (int i = 8; i <= 11; i++) {
            assertArrayEquals(paramShape, TensorProtos.dims(g.initializer(lstm.input(i)).orElseThrow()), "input " + i);
        }
        // W_q[0, c, g] = round(W[0, g, c] / scale), scale per gate row or over all of W.
        byte[] wq = int8Values(g, lstm.input(1));
        double tensorAmax = 0;
        for (int i = 0; i < w.size(); i++) {
            tensorAmax = Math.max(tensorAmax, Math.abs(w.get(i)));
        }
        // Portable: a row's range is at least its largest pair (c, c + 1) of same-sign weights.
        double tensorPair = 0;
        for (int r = 0; r < 128; r++) {
            tensorPair = Math.max(tensorPair, largestPair(w, r));
        }
        for (int row : new int[] {0, 37, 127}) {
            double amax = 0;
            for (int c = 0; c < 16; c++) {
                amax = Math.max(amax, Math.abs(w.get(row * 16 + c)));
            }
            double scale = (perChannel ? Math.max(amax, largestPair(w, row))
                    : Math.max(tensorAmax, tensorPair)) / 127;
            for (int c = 0; c < 16; c++) {
                assertEquals(Math.round(w.get(row * 16 + c) / scale), wq[c * 128 + row], "row " + row + ", col " + c);
            }
        }

        OnnxModel quantized = g.toModel();
        OptimizedOps optimized = optimizedOps(quantized, OptimizationLevel.ALL);
        LOG.info("LSTM dynamic ({}): ONNX Runtime runs {}", perChannel ? "per channel" : "per tensor", optimized.counts());
        assertEquals(1, optimized.count("DynamicQuantizeLSTM"), optimized.toString());
        assertFalse(optimized.contains("LSTM"), optimized.toString());
        FloatTensor input = random(13, 8, 16, 16);
        double sqnr = sqnrDb(output(fp32, input), output(quantized.proto(), input));
        LOG.info("LSTM dynamic ({}): SQNR {} dB", perChannel ? "per channel" : "per tensor", String.format("%.2f", sqnr));
        assertTrue(sqnr >= 30, "SQNR " + sqnr);
    }

    /** The largest sum of the positive, or of the negative, weights of a pair (c, c + 1) of a 16-wide row. */
    private static double largestPair(FloatTensor w, int row) {
        double largest = 0;
        for (int c = 0; c < 16; c += 2) {
            double a = w.get(row * 16 + c);
            double d = w.get(row * 16 + c + 1);
            largest = Math.max(largest, Math.max(Math.max(a, 0) + Math.max(d, 0), Math.max(-a, 0) + Math.max(-d, 0)));
        }
        return largest;
    }

    /** Direction 1's weights are ten times direction 0's, so a mixed-up direction layout or scale shows. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void bidirectionalLstmQuantizesEachDirectionWithItsOwnScale(boolean perChannel) {
        int hidden = 4;
        int features = 3;
        SplittableRandom r = new SplittableRandom(9);
        float[] w = new float[2 * 4 * hidden * features];
        float[] rec = new float[2 * 4 * hidden * hidden];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextDouble() - 0.5) * (i < w.length / 2 ? 0.1f : 1f);
        }
        for (int i = 0; i < rec.length; i++) {
            rec[i] = (float) (r.nextDouble() - 0.5) * (i < rec.length / 2 ? 0.1f : 1f);
        }
        GraphBuilder b = GraphBuilder.create("bilstm");
        String x = b.input("x", 5, -1, features);
        String wName = b.initializer("W", new FloatTensor(new long[] {2, 4 * hidden, features}, w));
        String rName = b.initializer("R", new FloatTensor(new long[] {2, 4 * hidden, hidden}, rec));
        b.graph().addNode(Node.of("LSTM", "LSTM", Node.DEFAULT_DOMAIN, List.of(x, wName, rName), List.of("y"),
                List.of(Attributes.integer("hidden_size", hidden), Attributes.string("direction", "bidirectional"))));
        b.output("y");
        ModelProto fp32 = b.build();
        Graph g = OnnxModel.of(fp32).graph();
        new DynamicQuantizer().quantize(g, context(perChannel));

        Node lstm = only(g, "DynamicQuantizeLSTM");
        assertEquals("bidirectional", lstm.stringAttribute("direction", ""));
        FloatTensor wScale = g.floatInitializer(lstm.input(8)).orElseThrow();
        assertArrayEquals(perChannel ? new long[] {2, 16} : new long[] {2}, wScale.shape());
        assertTrue(wScale.get(wScale.size() - 1) > 3 * wScale.get(0), "direction 1 has the larger scale");
        FloatTensor input = random(19, 5, 3, features);
        FloatTensor expected = OrtTestSupport.run(fp32, input, OptimizationLevel.DISABLED).get("y");
        double sqnr = sqnrDb(expected, OrtTestSupport.run(g.toProto(), input, OptimizationLevel.ALL).get("y"));
        LOG.info("Bidirectional LSTM dynamic ({}): SQNR {} dB", perChannel ? "per channel" : "per tensor",
                String.format("%.2f", sqnr));
        assertTrue(sqnr >= 30, "SQNR " + sqnr);
    }

    private static ModelProto gemm(boolean transB) {
        SplittableRandom r = new SplittableRandom(transB ? 3 : 4);
        float[] w = new float[6 * 5];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextDouble() - 0.5);
        }
        GraphBuilder b = GraphBuilder.create("gemm");
        String x = b.input("x", -1, 6);
        String weights = b.initializer("B", new FloatTensor(transB ? new long[] {5, 6} : new long[] {6, 5}, w));
        String bias = b.initializer("C", FloatTensor.vector(0.1f, -0.2f, 0.3f, 0f, 0.05f));
        b.graph().addNode(Node.of("Gemm", "Gemm", Node.DEFAULT_DOMAIN, List.of(x, weights, bias), List.of("y"),
                List.of(Attributes.floating("alpha", 0.5f), Attributes.floating("beta", 2f),
                        Attributes.integer("transB", transB ? 1 : 0))));
        b.output("y");
        return b.build();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void gemmHonoursTransBAlphaAndBeta(boolean transB) {
        ModelProto fp32 = gemm(transB);
        Graph g = OnnxModel.of(fp32).graph();
        new DynamicQuantizer().quantize(g, context(true));
        assertFalse(g.nodes().stream().anyMatch(n -> n.is("Gemm")));
        assertArrayEquals(new long[] {6, 5}, TensorProtos.dims(g.initializer(only(g, "MatMulInteger").input(1))
                .orElseThrow()));
        OnnxModel quantized = g.toModel();
        OptimizedOps optimized = optimizedOps(quantized, OptimizationLevel.ALL);
        assertEquals(Map.of("com.microsoft:DynamicQuantizeMatMul", 1L), optimized.counts());

        FloatTensor input = random(17, 64, 6);
        FloatTensor expected = OrtTestSupport.run(fp32, input, OptimizationLevel.DISABLED).get("y");
        for (OptimizationLevel level : List.of(OptimizationLevel.DISABLED, OptimizationLevel.ALL)) {
            double sqnr = sqnrDb(expected, OrtTestSupport.run(quantized.proto(), input, level).get("y"));
            LOG.info("Gemm transB={} dynamic at {}: SQNR {} dB", transB ? 1 : 0, level, String.format("%.2f", sqnr));
            assertTrue(sqnr >= 30, "SQNR " + sqnr + " at " + level);
        }
    }

    @Test
    void excludedMatMulKeepsItsFloatWeights() {
        Graph g = prepared(ReferenceGraphs.mlp(7));
        QuantizationContext ctx = QuantizationContext.withoutData(QuantizationConfig.builder()
                .mode(QuantizationMode.DYNAMIC).excludeNode("MatMul").build());
        GraphQuantization result = new DynamicQuantizer().quantize(g, ctx);

        assertEquals(new NodeDecision("MatMul", "MatMul", Action.SKIPPED, "excluded by node name"),
                result.decisions().get(0));
        assertEquals(Action.QUANTIZED, result.decisions().get(1).action());
        Node matMul = g.node("MatMul").orElseThrow();
        assertTrue(matMul.is("MatMul"));
        assertEquals(TensorProto.DataType.FLOAT_VALUE, g.initializer(matMul.input(1)).orElseThrow().getDataType());
        assertEquals(1, g.nodes().stream().filter(n -> n.is("MatMulInteger")).count());
        try (OrtRunner runner = OrtRunner.open(g.toModel(), RunnerOptions.defaults())) {
            FloatTensor y = runner.run(Map.of("input", random(1, 3, 1, 28, 28))).get(ReferenceGraphs.OUTPUT);
            assertArrayEquals(new long[] {3, 10}, y.shape());
        }
    }

    @Test
    void weightComputedAtRunTimeIsSkippedAndAloneIsAnError() {
        GraphBuilder b = GraphBuilder.create("two_inputs");
        String x = b.input("x", -1, 4);
        String w = b.input("w", 4, 3);
        b.output(b.matMul(x, w), "y");
        Graph alone = b.graph();
        ModelException e = assertThrows(ModelException.class,
                () -> new DynamicQuantizer().quantize(alone, context(true)));
        assertTrue(e.getMessage().contains("no MatMul, Gemm, LSTM or Conv with constant weights to quantize dynamically"),
                e.getMessage());
        assertTrue(e.getMessage().contains(DynamicQuantizer.NOT_CONSTANT), e.getMessage());

        GraphBuilder mixed = GraphBuilder.create("mixed");
        String in = mixed.input("x", -1, 4);
        String dynamicWeight = mixed.input("w", 4, 4);
        String h = mixed.matMul(in, dynamicWeight);
        mixed.output(mixed.matMul(h, FloatTensor.filled(0.25f, 4, 2)), "y");
        GraphQuantization r = new DynamicQuantizer().quantize(mixed.graph(), context(true));
        assertEquals(List.of(Action.SKIPPED, Action.QUANTIZED), r.decisions().stream().map(NodeDecision::action).toList());
        assertEquals(DynamicQuantizer.NOT_CONSTANT, r.decisions().get(0).reason());
        assertTrue(mixed.graph().inputs().stream().map(TensorInfo::name).toList().contains("w"));
    }

    @Test
    void dynamicMlpIsUnderAThirdOfTheFloatSize() {
        ModelProto fp32 = ReferenceGraphs.mlp(7);
        Graph g = prepared(fp32);
        new DynamicQuantizer().quantize(g, context(true));
        double ratio = (double) g.toModel().toBytes().length / fp32.toByteArray().length;
        LOG.info("MLP dynamic size: {} of float32", String.format("%.3f", ratio));
        assertTrue(ratio < 0.35, "size ratio " + ratio);
    }

    /** Conv only: 1 -> 8 channels with a bias, 8 -> 16 with stride 2, and a depthwise 16-group Conv with a bias. */
    private static ModelProto convOnly(long seed) {
        org.quant4j.onnx.builder.HeInitializer init = new org.quant4j.onnx.builder.HeInitializer(seed);
        GraphBuilder b = GraphBuilder.create("conv_only");
        String x = b.input(ReferenceGraphs.INPUT, -1, 1, 28, 28);
        String c1 = b.relu(b.conv(x, init.convWeights(8, 1, 3, 3), init.uniform(-0.1f, 0.1f, 8),
                org.quant4j.onnx.builder.ConvOptions.of(1, 1)));
        String c2 = b.relu(b.conv(c1, init.convWeights(16, 8, 3, 3), null, org.quant4j.onnx.builder.ConvOptions.of(2, 1)));
        String c3 = b.conv(c2, init.he(9, 16, 1, 3, 3), init.uniform(-0.1f, 0.1f, 16),
                new org.quant4j.onnx.builder.ConvOptions(new long[] {1, 1}, new long[] {1, 1, 1, 1},
                        new long[] {1, 1}, 16));
        b.output(c3, ReferenceGraphs.OUTPUT);
        return b.build();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void convOnlyModelRunsOnConvIntegerCloseToFloat(boolean perChannel) {
        ModelProto fp32 = convOnly(5);
        Graph g = prepared(fp32);
        GraphQuantization result = new DynamicQuantizer().quantize(g, context(perChannel));

        assertEquals(3, result.decisions().size(), result.toString());
        assertTrue(result.decisions().stream().allMatch(d -> d.action() == Action.QUANTIZED), result.toString());
        OnnxModel quantized = g.toModel();
        assertTrue(g.initializers().values().stream().noneMatch(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE
                && t.getDimsCount() == 4), "float Conv weights left: " + g.initializers().keySet());
        for (OptimizationLevel level : List.of(OptimizationLevel.DISABLED, OptimizationLevel.ALL)) {
            OptimizedOps ops = optimizedOps(quantized, level);
            LOG.info("Conv-only dynamic ({}, {}): ONNX Runtime runs {}", perChannel ? "per channel" : "per tensor",
                    level, ops.counts());
            assertEquals(3, ops.count("ConvInteger"), ops.toString());
            assertFalse(ops.contains("Conv"), ops.toString());
        }
        // uint8 weights: int8 levels shifted by 128, so 128 stands for 0 and no level is below 1.
        Node first = g.node("Conv_ConvInteger").orElseThrow();
        TensorProto w = g.initializer(first.input(1)).orElseThrow();
        assertEquals(TensorProto.DataType.UINT8_VALUE, w.getDataType());
        TensorProto zp = g.initializer(first.input(3)).orElseThrow();
        assertEquals(128, zp.getRawData().byteAt(0) & 0xff);
        assertEquals(72, w.getRawData().size());

        FloatTensor input = random(13, 16, 1, 28, 28);
        double sqnr = sqnrDb(output(fp32, input), output(quantized.proto(), input));
        LOG.info("Conv-only dynamic ({}): SQNR {} dB", perChannel ? "per channel" : "per tensor",
                String.format("%.2f", sqnr));
        assertTrue(sqnr >= 30, "SQNR " + sqnr);
    }

    @Test
    void convStaysFloatBesideAGemmUnlessDynamicConvIsAsked() {
        ModelProto fp32 = ReferenceGraphs.smallCnn(3);
        Graph byDefault = prepared(fp32);
        GraphQuantization r = new DynamicQuantizer().quantize(byDefault, context(true));
        for (NodeDecision d : r.decisions()) {
            if (d.opType().equals("Conv")) {
                assertEquals(Action.SKIPPED, d.action(), d.toString());
                assertEquals(DynamicQuantizer.CONV_LEFT_FLOAT, d.reason());
            } else {
                assertEquals(Action.QUANTIZED, d.action(), d.toString());
            }
        }
        assertEquals(2, byDefault.nodes().stream().filter(n -> n.is("Conv")).count());

        Graph asked = prepared(fp32);
        QuantizationContext withConv = QuantizationContext.withoutData(QuantizationConfig.builder()
                .mode(QuantizationMode.DYNAMIC).dynamicConv(true).build());
        GraphQuantization all = new DynamicQuantizer().quantize(asked, withConv);
        assertTrue(all.decisions().stream().allMatch(d -> d.action() == Action.QUANTIZED), all.toString());
        assertEquals(2, asked.nodes().stream().filter(n -> n.is("ConvInteger")).count());
        FloatTensor input = random(17, 8, 1, 28, 28);
        double sqnr = sqnrDb(output(fp32, input), output(asked.toModel().proto(), input));
        assertTrue(sqnr >= 30, "SQNR " + sqnr);
    }
}
