package org.quant4j.onnx.quantize;

import org.quant4j.onnxruntime.quantize.QuantizationTestSupport;
import org.quant4j.onnxruntime.quantize.CalibrationPass;
import org.quant4j.calibration.data.UniformNoiseDataset;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.onnxruntime.quantize.QuantizationTestSupport.assertCount;
import static org.quant4j.onnxruntime.quantize.QuantizationTestSupport.optimizedOps;
import static org.quant4j.onnxruntime.quantize.QuantizationTestSupport.quantize;
import static org.quant4j.onnxruntime.quantize.QuantizationTestSupport.write;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorOverride;
import org.quant4j.api.TensorRange;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.NodeDecision.Action;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;
import org.quant4j.onnxruntime.runtime.OptimizedOps;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.quant4j.onnx.transform.TransformPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class StaticQdqQuantizerTest {

    private static final Logger LOG = LoggerFactory.getLogger(StaticQdqQuantizerTest.class);

    @TempDir
    Path dir;

    private static Dataset images(int count, long seed) {
        return new UniformNoiseDataset(count, new int[] {1, 28, 28}, seed, 0f, 1f);
    }

    private static NodeDecision decision(QuantizationResult r, String node) {
        return r.decisions().stream().filter(d -> d.nodeName().equals(node)).findFirst().orElseThrow();
    }

    /** The first node of type {@code op}. */
    private static Node first(Graph g, String op) {
        return g.nodes().stream().filter(n -> n.is(op)).findFirst().orElseThrow();
    }

    /** Quantizes a graph with input [N, 1, 8, 8] calibrated on 32 seeded samples in [-1, 1). */
    private QuantizationResult quantize8x8(GraphBuilder b, QuantizationConfig config) {
        Path model = write(b.build(), dir.resolve(b.graph().name() + ".onnx"));
        return quantize(model, dir.resolve(b.graph().name() + "-int8.onnx"), config,
                new UniformNoiseDataset(32, new int[] {1, 8, 8}, 9, -1f, 1f));
    }

    private QuantizationResult quantizeSmallCnn(QuantizationConfig config, Dataset data) {
        Path model = write(ReferenceGraphs.smallCnn(7), dir.resolve("cnn.onnx"));
        return quantize(model, dir.resolve("cnn-int8.onnx"), config, data);
    }

    /** {@link ReferenceGraphs#wideHeadCnn}: keeping some convolutions float still gives a smaller file. */
    private QuantizationResult quantizeWideHeadCnn(QuantizationConfig config, Dataset data) {
        Path model = write(ReferenceGraphs.wideHeadCnn(7), dir.resolve("wide.onnx"));
        return quantize(model, dir.resolve("wide-int8.onnx"), config, data);
    }

    @ParameterizedTest
    @EnumSource(value = OptimizationLevel.class, names = {"EXTENDED", "ALL"})
    void smallCnnRunsOnIntegerKernelsInOnnxRuntime(OptimizationLevel level) {
        QuantizationResult r = quantizeSmallCnn(QuantizationConfig.builder().build(),
                QuantizationTestSupport.fashionMnist(0, 256));
        OptimizedOps ops = optimizedOps(r.output(), level);
        LOG.info("smallCnn, uint8 activations, per-channel weights, ONNX Runtime {}: {}", level, ops.counts());
        assertCount(ops, 2, "QLinearConv");
        assertCount(ops, 0, "Conv", "FusedConv");
        assertCount(ops, 1, "QGemm");
        assertCount(ops, 0, "Gemm", "FusedGemm");
        assertCount(ops, 1, "QLinearAdd");
        assertCount(ops, 1, "QLinearGlobalAveragePool");
        assertCount(ops, 0, "Relu");
        assertEquals(Action.QUANTIZED, decision(r, "Conv").action());
        assertEquals(Action.FOLDED, decision(r, "Relu").action());
        assertEquals(Action.FOLDED, decision(r, "BatchNormalization").action());
        assertEquals(Action.QUANTIZED, decision(r, "Flatten").action());
    }

    @Test
    void excludedNodeStaysFloatAndSaysWhy() {
        QuantizationResult r = quantizeWideHeadCnn(QuantizationConfig.builder().excludeNode("Conv_1").build(),
                images(64, 1));
        NodeDecision conv1 = decision(r, "Conv_1");
        assertEquals(Action.SKIPPED, conv1.action());
        assertEquals("excluded by node name", conv1.reason());
        assertEquals(Action.QUANTIZED, decision(r, "Conv").action());
        OptimizedOps ops = optimizedOps(r.output(), OptimizationLevel.EXTENDED);
        LOG.info("wide-head CNN with Conv_1 excluded: {}", ops.counts());
        assertCount(ops, 1, "QLinearConv");
        assertCount(ops, 1, "Conv", "FusedConv");
    }

    @Test
    void excludedOpTypeKeepsEveryConvFloat() {
        QuantizationResult r = quantizeWideHeadCnn(QuantizationConfig.builder().excludeOpType("Conv").build(),
                images(64, 2));
        for (String conv : List.of("Conv", "Conv_1")) {
            assertEquals(new NodeDecision(conv, "Conv", Action.SKIPPED, "excluded by op type Conv"), decision(r, conv));
        }
        assertEquals(Action.QUANTIZED, decision(r, "Gemm").action());
        OptimizedOps ops = optimizedOps(r.output(), OptimizationLevel.EXTENDED);
        assertCount(ops, 0, "QLinearConv");
        assertCount(ops, 2, "Conv", "FusedConv");
        assertCount(ops, 1, "QGemm");
    }

    /** input [N, 1, 3, 3] -> Conv 2x2 with two output channels and a bias -> out. */
    private Path handCheckableConv() {
        GraphBuilder b = GraphBuilder.create("one_conv");
        String x = b.input("input", -1, 1, 3, 3);
        FloatTensor w = new FloatTensor(new long[] {2, 1, 2, 2},
                new float[] {0.4f, -1.0f, 0.25f, 0.7f, 0.1f, 0.2f, -0.3f, 0.05f});
        b.output(b.conv(x, w, FloatTensor.vector(0.5f, -0.25f), ConvOptions.DEFAULT), "out");
        return write(b.build(), dir.resolve("conv.onnx"));
    }

    /**
     * Fixes the input range to [0, 2.55], so the uint8 input scale is exactly 0.01 with zero point 0;
     * full-range weights (the vnni target), whose levels the tests compute by hand.
     */
    private static QuantizationConfig.Builder fixedInputRange() {
        return QuantizationConfig.builder().tensorOverride("input", TensorOverride.withRange(new TensorRange(0, 2.55)))
                .kernelTarget(KernelTarget.VNNI);
    }

    /**
     * Portable weights: each channel's scale is its largest pair of same-sign weights over 127 when
     * that exceeds max|w| / 127. One input channel and a 2x2 kernel: pairs are kernel positions
     * (0, 1) and (2, 3). Channel 0 (0.6, 0.9 | -0.2, 0.1): pair 1.5 > amax 0.9, scale 1.5 / 127.
     * Channel 1 (0.5, -0.5 | 0.25, 0.25): largest pair 0.5 = amax, scale 0.5 / 127 as for vnni.
     */
    @Test
    void portableTargetScalesEachChannelByItsLargestPair() {
        GraphBuilder b = GraphBuilder.create("pairs");
        String x = b.input("input", -1, 1, 3, 3);
        FloatTensor w = new FloatTensor(new long[] {2, 1, 2, 2},
                new float[] {0.6f, 0.9f, -0.2f, 0.1f, 0.5f, -0.5f, 0.25f, 0.25f});
        b.output(b.conv(x, w, FloatTensor.vector(0.5f, -0.25f), ConvOptions.DEFAULT), "out");
        Path model = write(b.build(), dir.resolve("pairs.onnx"));
        QuantizationResult r = quantize(model, dir.resolve("q.onnx"),
                fixedInputRange().kernelTarget(KernelTarget.PORTABLE).build(),
                new UniformNoiseDataset(16, new int[] {1, 3, 3}, 4, 0f, 1f));
        Graph g = OnnxModel.read(r.output()).graph();
        Node conv = first(g, "Conv");
        Node dqW = g.producer(conv.input(1)).orElseThrow();
        // round(w / scale): 0.6 * 127 / 1.5 = 50.8, 0.9 -> 76.2, -0.2 -> -16.9, 0.1 -> 8.5 (half to even: 8);
        // channel 1: 127, -127, 63.5 -> 64, 64. Pairs sum to at most 128: 255 * 128 fits int16.
        assertArrayEquals(new int[] {51, 76, -17, 8, 127, -127, 64, 64}, int8s(g, dqW.input(0)));
        assertArrayEquals(new float[] {1.5f / 127, 0.5f / 127}, g.floatInitializer(dqW.input(1)).orElseThrow().data(),
                1e-8f);
        assertTrue(decision(r, conv.name()).reason().contains("no int16 pair sum can saturate"),
                decision(r, conv.name()).reason());
        assertEquals("portable", r.provenance().get("kernelTarget"));
        assertEquals(List.of(), r.warnings());
        // The vnni target keeps max|w| / 127: 0.6 / (0.9 / 127) = 84.7 -> 85, and 85 + 127 > 128.
        QuantizationResult v = quantize(model, dir.resolve("v.onnx"), fixedInputRange().build(),
                new UniformNoiseDataset(16, new int[] {1, 3, 3}, 4, 0f, 1f));
        Graph vg = OnnxModel.read(v.output()).graph();
        assertArrayEquals(new int[] {85, 127, -28, 14, 127, -127, 64, 64},
                int8s(vg, vg.producer(first(vg, "Conv").input(1)).orElseThrow().input(0)));
        assertEquals(1, v.warnings().size(), v.warnings().toString());
    }

    @Test
    void portableTargetKeepsFullRangeForDepthwiseConvolution() {
        GraphBuilder b = GraphBuilder.create("depthwise");
        String x = b.input("input", -1, 2, 3, 3);
        FloatTensor w = new FloatTensor(new long[] {2, 1, 2, 2},
                new float[] {0.4f, -1.0f, 0.25f, 0.7f, 0.1f, 0.2f, -0.3f, 0.05f});
        b.output(b.conv(x, w, FloatTensor.vector(0.5f, -0.25f), ConvOptions.DEFAULT.withGroup(2)), "out");
        Path model = write(b.build(), dir.resolve("dw.onnx"));
        QuantizationResult r = quantize(model, dir.resolve("q.onnx"),
                fixedInputRange().kernelTarget(KernelTarget.PORTABLE).build(),
                new UniformNoiseDataset(16, new int[] {2, 3, 3}, 4, 0f, 1f));
        Graph g = OnnxModel.read(r.output()).graph();
        Node dqW = g.producer(first(g, "Conv").input(1)).orElseThrow();
        // ONNX Runtime's depthwise kernel adds in int32: no saturation, so the levels are the full [-127, 127].
        assertArrayEquals(new int[] {51, -127, 32, 89, 42, 85, -127, 21}, int8s(g, dqW.input(0)));
    }

    @Test
    void perChannelWeightsAndBiasMatchHandComputedLevels() {
        QuantizationResult r = quantize(handCheckableConv(), dir.resolve("q.onnx"), fixedInputRange().build(),
                new UniformNoiseDataset(16, new int[] {1, 3, 3}, 4, 0f, 1f));
        Graph g = OnnxModel.read(r.output()).graph();
        Node conv = first(g, "Conv");
        // Channel amax 1.0 and 0.3: scale amax / 127, levels round(w / scale).
        double s0 = 1.0 / 127;
        double s1 = 0.3 / 127;
        Node dqW = g.producer(conv.input(1)).orElseThrow();
        assertEquals("DequantizeLinear", dqW.opType());
        assertEquals(0, dqW.intAttribute("axis", 1));
        assertArrayEquals(new int[] {51, -127, 32, 89, 42, 85, -127, 21}, int8s(g, dqW.input(0)));
        assertArrayEquals(new float[] {(float) s0, (float) s1}, g.floatInitializer(dqW.input(1)).orElseThrow().data(),
                1e-9f);
        assertArrayEquals(new int[] {0, 0}, int8s(g, dqW.input(2)));
        // Bias: round(b / (inputScale * weightScale)), input scale 0.01.
        Node dqB = g.producer(conv.input(2)).orElseThrow();
        assertArrayEquals(new int[] {(int) Math.round(0.5 / (0.01 * s0)), (int) Math.round(-0.25 / (0.01 * s1))},
                int32s(g, dqB.input(0)));
        assertArrayEquals(new int[] {6350, -10583}, int32s(g, dqB.input(0)));
        float[] biasScales = g.floatInitializer(dqB.input(1)).orElseThrow().data();
        assertEquals(0.01 * s0, biasScales[0], 1e-6 * biasScales[0]);
        assertEquals(0.01 * s1, biasScales[1], 1e-6 * biasScales[1]);
        Node dqX = g.producer(conv.input(0)).orElseThrow();
        Node qX = g.producer(dqX.input(0)).orElseThrow();
        assertEquals("QuantizeLinear", qX.opType());
        assertEquals("input", qX.input(0));
        assertEquals(0.01f, g.floatInitializer(qX.input(1)).orElseThrow().get(0), 1e-9f);
        // The graph output keeps its name: the last DequantizeLinear writes it.
        assertEquals("DequantizeLinear", g.producer("out").orElseThrow().opType());
        assertEquals(List.of("out"), g.outputs().stream().map(o -> o.name()).toList());
    }

    @Test
    void perTensorWeightsShareOneScale() {
        QuantizationResult r = quantize(handCheckableConv(), dir.resolve("q.onnx"),
                fixedInputRange().perChannel(false).build(),
                new UniformNoiseDataset(16, new int[] {1, 3, 3}, 4, 0f, 1f));
        Graph g = OnnxModel.read(r.output()).graph();
        Node conv = first(g, "Conv");
        Node dqW = g.producer(conv.input(1)).orElseThrow();
        assertTrue(dqW.attribute("axis").isEmpty());
        assertArrayEquals(new int[] {51, -127, 32, 89, 13, 25, -38, 6}, int8s(g, dqW.input(0)));
        assertArrayEquals(new long[0], g.shape(dqW.input(1)).orElseThrow());
        Node dqB = g.producer(conv.input(2)).orElseThrow();
        assertArrayEquals(new int[] {6350, -3175}, int32s(g, dqB.input(0)));
    }

    @Test
    void schemeOverrideQuantizesOneTensorWithItsOwnScheme() {
        QuantizationResult r = quantize(handCheckableConv(), dir.resolve("q.onnx"), fixedInputRange()
                        .tensorOverride("out", TensorOverride.withScheme(QuantScheme.INT8_SYMMETRIC)).build(),
                new UniformNoiseDataset(16, new int[] {1, 3, 3}, 4, 0f, 1f));
        Graph g = OnnxModel.read(r.output()).graph();
        Node dq = g.producer("out").orElseThrow();
        TensorProto zeroPoint = g.initializer(dq.input(2)).orElseThrow();
        assertEquals(TensorProto.DataType.INT8_VALUE, zeroPoint.getDataType());
        assertArrayEquals(new int[] {0}, int8s(g, dq.input(2)));
        // Signed symmetric: amax maps to 127.
        double amax = r.ranges().get("out").amax();
        assertEquals(r.ranges().get("out").min(), -amax);
        assertEquals(amax / 127, g.floatInitializer(dq.input(1)).orElseThrow().get(0), 1e-6 * amax);
        TensorProto inputZeroPoint = g.initializer(g.producer(first(g, "Conv").input(0)).orElseThrow().input(2))
                .orElseThrow();
        assertEquals(TensorProto.DataType.UINT8_VALUE, inputZeroPoint.getDataType());
    }

    @Test
    void gemmWithoutTransposeAndMatMulQuantizeTheirWeightsPerOutputColumn() {
        GraphBuilder b = GraphBuilder.create("dense");
        String x = b.input("input", -1, 4);
        String hidden = b.gemm(x, OrtWeights.dense(4, 3), FloatTensor.filled(0.1f, 3), false);
        b.output(b.matMul(hidden, OrtWeights.dense(3, 2)), "out");
        Path model = write(b.build(), dir.resolve("dense.onnx"));
        QuantizationResult r = quantize(model, dir.resolve("q.onnx"), QuantizationConfig.builder().build(),
                new UniformNoiseDataset(32, new int[] {4}, 2, -1f, 1f));
        Graph g = OnnxModel.read(r.output()).graph();
        for (String op : List.of("Gemm", "MatMul")) {
            Node node = first(g, op);
            Node dq = g.producer(node.input(1)).orElseThrow();
            long[] weightShape = g.shape(dq.input(0)).orElseThrow();
            // B is [K, N] without transB: the output channels are its columns, axis 1.
            assertEquals(1, dq.intAttribute("axis", -1), op);
            assertArrayEquals(new long[] {weightShape[1]}, g.shape(dq.input(1)).orElseThrow(), op);
        }
        OptimizedOps ops = optimizedOps(r.output(), OptimizationLevel.EXTENDED);
        assertCount(ops, 1, "QGemm");
        assertCount(ops, 1, "QLinearMatMul");
    }

    @Test
    void nearlyZeroWeightsWidenTheirScaleSoThatTheBiasFitsInt32() {
        GraphBuilder b = GraphBuilder.create("tiny_weights");
        String x = b.input("input", -1, 1, 3, 3);
        FloatTensor w = new FloatTensor(new long[] {1, 1, 2, 2}, new float[] {1e-30f, -1e-30f, 1e-30f, 1e-30f});
        b.output(b.conv(x, w, FloatTensor.vector(1f), ConvOptions.DEFAULT), "out");
        Path model = write(b.build(), dir.resolve("tiny.onnx"));
        QuantizationResult r = quantize(model, dir.resolve("q.onnx"), fixedInputRange().build(),
                new UniformNoiseDataset(8, new int[] {1, 3, 3}, 4, 0f, 1f));
        NodeDecision conv = decision(r, "Conv");
        assertEquals(Action.QUANTIZED, conv.action());
        assertTrue(conv.reason().contains("widened"), conv.reason());
        Graph g = OnnxModel.read(r.output()).graph();
        Node node = first(g, "Conv");
        // Bias 1.0 at input scale 0.01: the weight scale grows until the bias takes at most 2^30 levels.
        int bias = int32s(g, g.producer(node.input(2)).orElseThrow().input(0))[0];
        assertTrue(bias > 0 && bias <= 1 << 30, "bias level " + bias);
        float weightScale = g.floatInitializer(g.producer(node.input(1)).orElseThrow().input(1)).orElseThrow().get(0);
        assertEquals(1.0 / (0.01 * (1 << 30)), weightScale, 1e-3 * weightScale);
        // A float bias would be quantized by ONNX Runtime itself and overflow; here the output stays 1.
        FloatTensor in = new FloatTensor(new long[] {1, 1, 3, 3}, new float[] {0, 1, 2, 0.5f, 1, 1.5f, 2, 2.5f, 0});
        for (OptimizationLevel level : List.of(OptimizationLevel.DISABLED, OptimizationLevel.EXTENDED)) {
            FloatTensor out = org.quant4j.onnxruntime.OrtTestSupport.run(OnnxModel.read(r.output()).proto(), in, level)
                    .get("out");
            for (int i = 0; i < out.size(); i++) {
                assertEquals(1.0, out.get(i), 0.01, level + " output " + i);
            }
        }
        assertEquals(1, optimizedOps(r.output(), OptimizationLevel.EXTENDED).count("QLinearConv"));
    }

    @Test
    void reluAfterInt8SymmetricConvIsKeptAndTheConvIsStillQuantized() {
        GraphBuilder b = GraphBuilder.create("conv_relu");
        String x = b.input("input", -1, 1, 8, 8);
        b.output(b.relu(b.conv(x, OrtWeights.conv(4, 1, 3), FloatTensor.filled(0.1f, 4), ConvOptions.of(1, 1))),
                "out");
        QuantizationResult r = quantize8x8(b,
                QuantizationConfig.builder().activationScheme(QuantScheme.INT8_SYMMETRIC).build());
        NodeDecision relu = decision(r, "Relu");
        assertEquals(Action.SKIPPED, relu.action());
        assertTrue(relu.reason().contains("zero point of its output is 0, not the lowest level -128"), relu.reason());
        assertEquals(Action.QUANTIZED, decision(r, "Conv").action());
        OptimizedOps ops = optimizedOps(r.output(), OptimizationLevel.EXTENDED);
        LOG.info("Conv-Relu with int8 symmetric activations, ONNX Runtime EXTENDED: {}", ops.counts());
        assertCount(ops, 1, "QLinearConv");
        assertCount(ops, 1, "Relu");
    }

    @Test
    void clipToANonNegativeRangeIsAbsorbedButClipAcrossZeroIsKept() {
        GraphBuilder b = GraphBuilder.create("clips");
        String x = b.input("input", -1, 1, 8, 8);
        String relu6 = b.clip(b.conv(x, OrtWeights.conv(4, 1, 3), null, ConvOptions.of(1, 1)), 0f, 6f);
        String hardTanh = b.clip(b.conv(relu6, OrtWeights.conv(4, 4, 3), null, ConvOptions.of(1, 1)), -1f, 1f);
        b.output(hardTanh, "out");
        QuantizationResult r = quantize8x8(b, QuantizationConfig.builder().build());
        assertEquals(Action.FOLDED, decision(r, "Clip").action());
        assertEquals(Action.SKIPPED, decision(r, "Clip_1").action());
        OptimizedOps ops = optimizedOps(r.output(), OptimizationLevel.EXTENDED);
        assertCount(ops, 2, "QLinearConv");
        assertCount(ops, 1, "Clip");
    }

    @Test
    void outputOfAConvBeforeAClipThatIsNotAbsorbedIsCalibratedInASecondPass() {
        // Conv 1x1 computing 4x - 2, then Clip(-1, 1). The Conv's output is first left uncalibrated
        // (an absorbed activation would make its range unused); the Clip across zero cannot be
        // absorbed, so the plan needs the Conv's own range, which a second pass calibrates.
        GraphBuilder b = GraphBuilder.create("conv_clip");
        String x = b.input("input", -1, 1, 8, 8);
        String conv = b.conv(x, FloatTensor.filled(4f, 1, 1, 1, 1), FloatTensor.vector(-2f), ConvOptions.DEFAULT);
        b.output(b.clip(conv, -1f, 1f), "out");
        QuantizationResult r = quantize8x8(b, QuantizationConfig.builder().build());
        assertEquals(Action.SKIPPED, decision(r, "Clip").action());
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (java.util.Iterator<org.quant4j.api.data.Batch> it = new UniformNoiseDataset(32, new int[] {1, 8, 8}, 9,
                -1f, 1f).batches(32); it.hasNext(); ) {
            for (float v : it.next().data()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        TensorRange range = r.ranges().get(conv);
        assertNotNull(range, "range of " + conv + " in " + r.ranges().keySet());
        assertEquals(4.0 * lo - 2, range.min(), 1e-5);
        assertEquals(4.0 * hi - 2, range.max(), 1e-5);
        assertTrue(range.min() < -5, "the real range, not the Clip's: " + range);
    }

    @Test
    void maxPoolAndFlattenKeepTheirInputsParametersAndRunOnIntegers() {
        GraphBuilder b = GraphBuilder.create("pooled");
        String x = b.input("input", -1, 1, 8, 8);
        String conv = b.relu(b.conv(x, OrtWeights.conv(4, 1, 3), FloatTensor.filled(0.1f, 4), ConvOptions.of(1, 1)));
        String pooled = b.flatten(b.maxPool(conv, 2, 2, 0), 1);
        b.output(b.gemm(pooled, OrtWeights.dense(3, 64), null, true), "out");
        QuantizationResult r = quantize8x8(b, QuantizationConfig.builder().build());
        assertEquals(Action.QUANTIZED, decision(r, "MaxPool").action());
        assertEquals(Action.QUANTIZED, decision(r, "Flatten").action());
        Graph g = OnnxModel.read(r.output()).graph();
        Node maxPool = first(g, "MaxPool");
        Node flatten = first(g, "Flatten");
        float inputScale = scaleOfDequantized(g, maxPool.input(0));
        assertEquals(inputScale, scaleOfQuantized(g, maxPool.output(0)));
        assertEquals(inputScale, scaleOfQuantized(g, flatten.output(0)));
        assertEquals(inputScale, r.ranges().get("Relu_out").max() / 255, 1e-6 * inputScale);
        OptimizedOps ops = optimizedOps(r.output(), OptimizationLevel.EXTENDED);
        LOG.info("Conv-Relu-MaxPool-Flatten-Gemm, ONNX Runtime EXTENDED: {}", ops.counts());
        assertCount(ops, 1, "MaxPool");
        assertCount(ops, 1, "QLinearConv");
        assertCount(ops, 1, "QGemm");
        // Only the model output is dequantized: MaxPool and Flatten run on the uint8 values.
        assertCount(ops, 1, "DequantizeLinear");
    }

    @Test
    void tensorKeptFloatByAnOverrideKeepsItsReadersFloat() {
        QuantizationResult r = quantizeSmallCnn(QuantizationConfig.builder()
                .tensorOverride("GlobalAveragePool_out", TensorOverride.floatOnly()).build(), images(32, 3));
        NodeDecision gap = decision(r, "GlobalAveragePool");
        assertEquals(Action.SKIPPED, gap.action());
        assertEquals("output 'GlobalAveragePool_out' is kept in float32 by a tensor override", gap.reason());
        assertEquals(Action.SKIPPED, decision(r, "Flatten").action());
        assertEquals(Action.QUANTIZED, decision(r, "Gemm").action());
    }

    @Test
    void layoutNamesTheQuantizedTensorsAndGroupsWithoutChangingTheGraph() {
        GraphBuilder b = GraphBuilder.create("pooled");
        String x = b.input("input", -1, 1, 8, 8);
        String conv = b.relu(b.conv(x, OrtWeights.conv(4, 1, 3), FloatTensor.filled(0.1f, 4), ConvOptions.of(1, 1)));
        String pooled = b.flatten(b.maxPool(conv, 2, 2, 0), 1);
        b.output(b.gemm(pooled, OrtWeights.dense(3, 64), null, true), "out");
        Graph g = Graph.of(OnnxModel.of(b.build()));
        int nodes = g.nodeCount();
        QdqLayout layout = StaticQdqQuantizer.layout(g, QuantizationContext.calibratedBy(QuantizationConfig.builder().build(),
                new CalibrationPass(QuantizationConfig.builder().build(),
                        new UniformNoiseDataset(16, new int[] {1, 8, 8}, 9, -1f, 1f), 16, ProgressListener.NONE,
                        RunnerOptions.defaults())));
        assertEquals(nodes, g.nodeCount(), "layout must not rewrite the graph");
        // Relu's output (absorbed into the Conv), MaxPool's and Flatten's share one group; the Conv
        // output before Relu disappears; the graph input and the Gemm output have their own.
        QdqLayout.ActivationGroup pool = layout.groupOf("Relu_out").orElseThrow();
        assertEquals(Set.of("Relu_out", first(g, "MaxPool").output(0), pooled), Set.copyOf(pool.tensors()));
        assertTrue(layout.groupOf(first(g, "Conv").output(0)).isEmpty());
        assertTrue(layout.groupOf("input").isPresent());
        assertTrue(layout.groupOf(first(g, "Gemm").output(0)).isPresent());
        assertEquals(3, layout.activations().size());
        assertEquals(0, layout.weights().get(first(g, "Conv").name()).axis());
        assertEquals(0, layout.weights().get(first(g, "Gemm").name()).axis(), "Gemm with transB: output rows");
        // uint8 asymmetric after Relu: zero point 0, scale = max / 255.
        assertEquals(0, pool.params().zeroPoint(0));
        assertEquals(pool.range().max() / 255, pool.params().scale(0), 1e-6 * pool.params().scale(0));
    }

    @Test
    void fixedRangesForEveryActivationNeedNoCalibrationData() {
        Graph g = Graph.of(OnnxModel.of(ReferenceGraphs.smallCnn(7)));
        TransformPipeline.inference().apply(g);
        QdqLayout layout = StaticQdqQuantizer.layout(g, QuantizationContext.calibratedBy(QuantizationConfig.builder().build(),
                new CalibrationPass(QuantizationConfig.builder().build(), images(16, 3), 16, ProgressListener.NONE,
                        RunnerOptions.defaults())));
        QuantizationConfig.Builder fixed = QuantizationConfig.builder();
        Set<String> candidates = QdqPlan.candidateTensors(g, QuantizationConfig.builder().build());
        for (String t : candidates) {
            // Ranges of tensors the plan does not quantize (a Conv output before its Relu) only tell it that they are float.
            fixed.tensorOverride(t, TensorOverride.withRange(layout.groupOf(t).map(QdqLayout.ActivationGroup::range)
                    .orElse(new TensorRange(-1, 1))));
        }
        GraphQuantization q = new StaticQdqQuantizer().quantize(g, QuantizationContext.withoutData(fixed.build()));
        assertEquals(Duration.ZERO, q.calibrationTime());
        for (QdqLayout.ActivationGroup group : layout.activations()) {
            for (String t : group.tensors()) {
                assertEquals(group.range(), q.ranges().get(t), t);
            }
        }
    }

    @Test
    void missingDataIsStillAnErrorWhenSomeRangeIsNotFixed() {
        Graph g = Graph.of(OnnxModel.of(ReferenceGraphs.smallCnn(7)));
        TransformPipeline.inference().apply(g);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new StaticQdqQuantizer().quantize(g,
                QuantizationContext.withoutData(QuantizationConfig.builder()
                        .tensorOverride("input", TensorOverride.withRange(new TensorRange(0, 1))).build())));
        assertTrue(e.getMessage().contains("needs calibration data"), e.getMessage());
    }

    private static float scaleOfDequantized(Graph g, String tensor) {
        Node dq = g.producer(tensor).orElseThrow();
        assertEquals("DequantizeLinear", dq.opType());
        return g.floatInitializer(dq.input(1)).orElseThrow().get(0);
    }

    private static float scaleOfQuantized(Graph g, String tensor) {
        Node q = g.consumers(tensor).get(0);
        assertEquals("QuantizeLinear", q.opType());
        return g.floatInitializer(q.input(1)).orElseThrow().get(0);
    }

    private static int[] int8s(Graph g, String name) {
        TensorProto t = g.initializer(name).orElseThrow();
        assertEquals(TensorProto.DataType.INT8_VALUE, t.getDataType());
        byte[] raw = t.getRawData().toByteArray();
        int[] v = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            v[i] = raw[i];
        }
        return v;
    }

    private static int[] int32s(Graph g, String name) {
        TensorProto t = g.initializer(name).orElseThrow();
        assertEquals(TensorProto.DataType.INT32_VALUE, t.getDataType());
        ByteBuffer buf = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int[] v = new int[buf.remaining() / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = buf.getInt();
        }
        return v;
    }

    /** Seeded He-initialised weights for the small graphs of these tests. */
    static final class OrtWeights {
        private OrtWeights() {
        }

        static FloatTensor conv(int out, int in, int k) {
            return new org.quant4j.onnx.builder.HeInitializer(out * 31L + in).convWeights(out, in, k, k);
        }

        static FloatTensor dense(int out, int in) {
            return new org.quant4j.onnx.builder.HeInitializer(out * 17L + in).denseWeights(out, in);
        }
    }
}
