package org.quant4j.onnx.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.onnxruntime.OrtTestSupport.maxAbsDiff;
import static org.quant4j.onnxruntime.OrtTestSupport.random;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.ModelException;
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
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class Fp16ConverterTest {

    private static final Logger LOG = LoggerFactory.getLogger(Fp16ConverterTest.class);

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    private static final int FLOAT16 = TensorProto.DataType.FLOAT16_VALUE;

    @TempDir
    Path dir;

    private static QuantizationContext context(QuantizationConfig.Builder config) {
        return QuantizationContext.withoutData(config.mode(QuantizationMode.FP16).build());
    }

    private static GraphQuantization convert(Graph g, QuantizationConfig.Builder config) {
        return new Fp16Converter().quantize(g, context(config));
    }

    private static void assertFloatInterface(Graph g) {
        for (TensorInfo io : g.toModel().graph().inputs()) {
            assertEquals(FLOAT, io.elementType(), io.toString());
        }
        for (TensorInfo io : g.toModel().graph().outputs()) {
            assertEquals(FLOAT, io.elementType(), io.toString());
        }
    }

    /** Converts, runs both models on ONNX Runtime and checks the outputs agree within 1% of the output range. */
    private double convertsAndMatches(String label, ModelProto fp32, FloatTensor input) {
        Graph g = OnnxModel.of(fp32).graph();
        GraphQuantization r = convert(g, QuantizationConfig.builder());
        assertEquals(fp32.getGraph().getNodeCount(), r.decisions().size());
        assertTrue(r.decisions().stream().allMatch(d -> d.action() == Action.QUANTIZED), r.decisions().toString());
        assertFloatInterface(g);
        assertEquals(List.of(ReferenceGraphs.OUTPUT), g.outputs().stream().map(TensorInfo::name).toList());
        for (TensorProto t : g.initializers().values()) {
            assertTrue(t.getDataType() == FLOAT16 || t.getDataType() == TensorProto.DataType.INT64_VALUE,
                    t.getName() + " is " + TensorProtos.typeName(t.getDataType()));
        }
        Path file = dir.resolve(label + ".onnx");
        g.toModel().write(file);
        for (OptimizationLevel level : List.of(OptimizationLevel.DISABLED, OptimizationLevel.ALL)) {
            LOG.info("{} FP16 at {}: ONNX Runtime runs {}", label, level,
                    OptimizedOps.list(file, RunnerOptions.builder().optimization(level).build()).counts());
        }
        FloatTensor expected = OrtTestSupport.run(fp32, input, OptimizationLevel.ALL).get(ReferenceGraphs.OUTPUT);
        FloatTensor actual = OrtTestSupport.run(g.toProto(), input, OptimizationLevel.ALL).get(ReferenceGraphs.OUTPUT);
        double range = 0;
        for (int i = 0; i < expected.size(); i++) {
            range = Math.max(range, Math.abs(expected.get(i)));
        }
        double diff = maxAbsDiff(expected, actual);
        LOG.info("{} FP16: max abs diff {} for outputs up to {}", label, diff, range);
        assertTrue(diff <= 1e-2 * range, label + ": max abs diff " + diff + " over 1% of " + range);
        return (double) g.toModel().toBytes().length / fp32.toByteArray().length;
    }

    @Test
    void smallCnnWithBatchNormRunsInFloat16() {
        convertsAndMatches("smallCnn", ReferenceGraphs.smallCnn(3), random(5, 8, 1, 28, 28));
    }

    @Test
    void mlpRunsInFloat16AtHalfTheSize() {
        double ratio = convertsAndMatches("mlp", ReferenceGraphs.mlp(3), random(5, 8, 1, 28, 28));
        LOG.info("mlp FP16 size: {} of float32", String.format("%.3f", ratio));
        assertTrue(ratio > 0.45 && ratio < 0.55, "size ratio " + ratio);
    }

    @Test
    void lstmRunsInFloat16() {
        convertsAndMatches("lstm", ReferenceGraphs.lstm(3), random(5, 8, 4, 16));
    }

    @Test
    void excludedNodeComputesInFloat32WithItsOwnWeights() {
        ModelProto fp32 = ReferenceGraphs.mlp(3);
        Graph g = OnnxModel.of(fp32).graph();
        GraphQuantization r = convert(g, QuantizationConfig.builder().excludeNode("MatMul").excludeOpType("Gemm"));

        NodeDecision matMul = r.decisions().get(1);
        assertEquals(Action.SKIPPED, matMul.action());
        assertTrue(matMul.reason().startsWith("excluded by node name"), matMul.reason());
        assertTrue(r.decisions().get(5).reason().startsWith("excluded by op type Gemm"), r.decisions().toString());
        for (String weight : List.of("MatMul_B", "Gemm_B", "Gemm_C")) {
            assertEquals(FLOAT, g.initializer(weight).orElseThrow().getDataType(), weight);
        }
        assertEquals(FLOAT16, g.initializer("Add_B").orElseThrow().getDataType());
        Node m = g.node("MatMul").orElseThrow();
        Node castIn = g.producer(m.input(0)).orElseThrow();
        assertTrue(castIn.is("Cast") && castIn.intAttribute("to", 0) == FLOAT, castIn.toString());
        Node castOut = g.consumers(m.output(0)).get(0);
        assertTrue(castOut.is("Cast") && castOut.intAttribute("to", 0) == FLOAT16, castOut.toString());
        // The excluded Gemm writes the float32 graph output itself: no cast before the output.
        assertTrue(g.producer(ReferenceGraphs.OUTPUT).orElseThrow().is("Gemm"));
        assertFloatInterface(g);

        FloatTensor input = random(5, 4, 1, 28, 28);
        FloatTensor expected = OrtTestSupport.run(fp32, input, OptimizationLevel.ALL).get(ReferenceGraphs.OUTPUT);
        FloatTensor actual = OrtTestSupport.run(g.toProto(), input, OptimizationLevel.ALL).get(ReferenceGraphs.OUTPUT);
        assertTrue(maxAbsDiff(expected, actual) < 1e-2, "diff " + maxAbsDiff(expected, actual));
    }

    /**
     * {@code y = 0.5 * Max(x, c)} with {@code c} a Constant node {@code [0.5, 1e5, -0.25]}: the
     * Constant's tensor becomes float16 with 1e5 clamped to 65504, Max (on the block list) computes in
     * float32 between casts, and the float16 Mul reads a float16 initializer.
     */
    @Test
    void constantsAreConvertedAndBlockedOpsComputeInFloat32() {
        GraphBuilder b = GraphBuilder.create("blocked");
        String x = b.input("x", 1, 3);
        Graph g = b.graph();
        g.addNode(Node.of("Constant", "Constant", Node.DEFAULT_DOMAIN, List.of(), List.of("c"), List.of(
                Attributes.tensor("value", TensorProtos.floats("", FloatTensor.vector(0.5f, 1e5f, -0.25f))))));
        String max = b.op("Max", List.of(x, "c"));
        b.output(b.mul(max, b.initializer("half", FloatTensor.scalar(0.5f))), "y");
        GraphQuantization r = convert(g, QuantizationConfig.builder());

        Map<String, NodeDecision> byName = r.decisions().stream()
                .collect(java.util.stream.Collectors.toMap(NodeDecision::nodeName, d -> d));
        assertEquals(Action.QUANTIZED, byName.get("Constant").action());
        assertTrue(byName.get("Constant").reason().contains("1 attribute values beyond ±65504 clamped"),
                byName.get("Constant").reason());
        assertEquals(Action.SKIPPED, byName.get("Max").action());
        assertTrue(byName.get("Max").reason().contains("block list"), byName.get("Max").reason());
        assertEquals(Action.QUANTIZED, byName.get("Mul").action());

        TensorProto value = g.node("Constant").orElseThrow().attribute("value").orElseThrow().getT();
        assertEquals(FLOAT16, value.getDataType());
        ByteBuffer bits = value.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        assertArrayEquals(new short[] {0x3800, 0x7BFF, (short) 0xB400},
                new short[] {bits.getShort(), bits.getShort(), bits.getShort()});
        assertEquals(FLOAT16, g.initializer("half").orElseThrow().getDataType());
        Node maxNode = g.node("Max").orElseThrow();
        assertEquals("x", maxNode.input(0), "the float32 graph input feeds the float32 node directly");
        Node cast = g.producer(maxNode.input(1)).orElseThrow();
        assertTrue(cast.is("Cast") && cast.intAttribute("to", 0) == FLOAT, cast.toString());

        // Inputs exact in float16, so the result is exact: 0.5 * max([0.75, 3, -0.5], [0.5, 65504, -0.25]).
        FloatTensor y = OrtTestSupport.runOnly(g.toProto(), new FloatTensor(new long[] {1, 3},
                new float[] {0.75f, 3f, -0.5f}));
        assertArrayEquals(new float[] {0.375f, 32752f, -0.125f}, y.data());
    }

    @Test
    void clampedInitializerValuesAreCountedInTheDecision() {
        GraphBuilder b = GraphBuilder.create("clamp");
        String x = b.input("x", 1, 3);
        b.output(b.add(x, FloatTensor.vector(70000f, -1e6f, 1f)), "y");
        GraphQuantization r = convert(b.graph(), QuantizationConfig.builder());
        assertEquals("converted to float16; 2 values of 'Add_B' beyond ±65504 clamped to ±65504",
                r.decisions().get(0).reason());
        FloatTensor y = OrtTestSupport.runOnly(b.graph().toProto(), new FloatTensor(new long[] {1, 3},
                new float[] {0f, 0f, 0.5f}));
        assertArrayEquals(new float[] {65504f, -65504f, 1.5f}, y.data());
    }

    @Test
    void integerOnlyNodesAreLeftAlone() {
        GraphBuilder b = GraphBuilder.create("shape");
        String x = b.input("x", -1, 4);
        String shape = b.op("Shape", List.of(x));
        String dims = b.op("Concat", List.of(shape), Attributes.integer("axis", 0));
        b.output(b.op("Reshape", List.of(x, dims)), "y");
        GraphQuantization r = convert(b.graph(), QuantizationConfig.builder());
        assertEquals(List.of(Action.QUANTIZED, Action.SKIPPED, Action.QUANTIZED),
                r.decisions().stream().map(NodeDecision::action).toList());
        assertTrue(r.decisions().get(1).reason().contains("no float32 tensor"), r.decisions().get(1).reason());
        FloatTensor in = new FloatTensor(new long[] {2, 4}, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertArrayEquals(in.data(), OrtTestSupport.runOnly(b.graph().toProto(), in).data());
    }

    @Test
    void graphWithNothingToConvertIsAnError() {
        Graph g = OnnxModel.of(ReferenceGraphs.mlp(3)).graph();
        ModelException e = assertThrows(ModelException.class,
                () -> convert(g, QuantizationConfig.builder().includeNode("not_a_node")));
        assertTrue(e.getMessage().contains("no float32 node to convert to float16"), e.getMessage());
        assertTrue(e.getMessage().contains("not in the include list of nodes"), e.getMessage());
    }
}
