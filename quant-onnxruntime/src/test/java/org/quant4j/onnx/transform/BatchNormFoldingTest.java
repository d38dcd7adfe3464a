package org.quant4j.onnx.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.onnxruntime.OrtTestSupport.assertSameOutputs;
import static org.quant4j.onnxruntime.OrtTestSupport.random;
import static org.quant4j.onnxruntime.OrtTestSupport.runOnly;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.NodeDecision.Action;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.HeInitializer;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;

class BatchNormFoldingTest {

    private static Graph graphOf(ModelProto m) {
        return OnnxModel.of(m).graph();
    }

    private static long count(Graph g, String op) {
        return g.nodes().stream().filter(n -> n.is(op)).count();
    }

    @Test
    void foldedCnnGivesTheSameOutputsWithoutBatchNorm() {
        ModelProto original = ReferenceGraphs.smallCnn(21);
        Graph g = graphOf(original);
        List<NodeDecision> decisions = new BatchNormFolding().apply(g);

        assertEquals(2, decisions.size());
        assertTrue(decisions.stream().allMatch(d -> d.action() == Action.FOLDED && d.reason().contains("Conv")));
        assertEquals(0, count(g, "BatchNormalization"));
        assertEquals(2, count(g, "Conv"));
        assertTrue(g.initializers().keySet().stream().noneMatch(n -> n.contains("BatchNormalization")));

        assertSameOutputs(original, g.toProto(), random(5, 4, 1, 28, 28), 1e-4);
    }

    @Test
    void foldingMatchesTheFormulaOnHandPickedNumbers() {
        GraphBuilder b = GraphBuilder.create("one");
        String x = b.input("x", 1, 1, 1, 1);
        String conv = b.conv(x, FloatTensor.filled(2, 1, 1, 1, 1), FloatTensor.vector(1), ConvOptions.DEFAULT);
        b.output(b.batchNorm(conv, FloatTensor.vector(3), FloatTensor.vector(0.5f), FloatTensor.vector(1),
                FloatTensor.vector(3), 1f), "y");
        Graph g = b.graph();
        new BatchNormFolding().apply(g);

        Node folded = g.producer("y").orElseThrow();
        assertEquals("Conv", folded.opType());
        // s = 3 / sqrt(3 + 1) = 1.5; W' = 2 * 1.5 = 3; b' = (1 - 1) * 1.5 + 0.5 = 0.5
        assertArrayEquals(new float[] {3}, g.floatInitializer(folded.input(1)).orElseThrow().data());
        assertArrayEquals(new float[] {0.5f}, g.floatInitializer(folded.input(2)).orElseThrow().data());
    }

    @Test
    void convWithoutBiasGetsOne() {
        GraphBuilder b = GraphBuilder.create("nobias");
        String x = b.input("x", 1, 1, 1, 1);
        b.output(b.batchNorm(b.conv(x, FloatTensor.filled(1, 1, 1, 1, 1), null, ConvOptions.DEFAULT),
                FloatTensor.vector(2), FloatTensor.vector(1), FloatTensor.vector(4), FloatTensor.vector(0.75f),
                0.25f), "y");
        Graph g = b.graph();
        new BatchNormFolding().apply(g);
        Node conv = g.producer("y").orElseThrow();
        // s = 2 / sqrt(1) = 2; b' = (0 - 4) * 2 + 1 = -7
        assertArrayEquals(new float[] {-7}, g.floatInitializer(conv.input(2)).orElseThrow().data());
        assertArrayEquals(new float[] {-5}, runOnly(g.toProto(), FloatTensor.filled(1, 1, 1, 1, 1)).data(), 1e-6f);
    }

    @Test
    void gemmFollowedByBatchNormIsFoldedPerOutputColumn() {
        HeInitializer init = new HeInitializer(9);
        for (boolean transB : new boolean[] {true, false}) {
            GraphBuilder b = GraphBuilder.create("gemm_bn");
            String x = b.input("x", -1, 6);
            FloatTensor w = transB ? init.denseWeights(5, 6) : init.he(6, 6, 5);
            String y = b.gemm(x, w, init.uniform(-1, 1, 5), transB);
            b.output(b.relu(b.batchNorm(y, init.batchNorm(5), 1e-3f)), "out");
            ModelProto original = b.build();
            Graph g = graphOf(original);

            List<NodeDecision> d = new BatchNormFolding().apply(g);
            assertEquals(Action.FOLDED, d.get(0).action(), d.get(0).reason());
            assertEquals(0, count(g, "BatchNormalization"));
            assertSameOutputs(original, g.toProto(), random(8, 7, 6), 1e-4);
        }
    }

    @Test
    void batchNormProducingAGraphOutputKeepsTheOutputName() {
        GraphBuilder b = GraphBuilder.create("out");
        String x = b.input("x", -1, 2, 4, 4);
        HeInitializer init = new HeInitializer(1);
        b.output(b.batchNorm(b.conv(x, init.convWeights(3, 2, 3, 3), null, ConvOptions.of(1, 1)), init.batchNorm(3),
                1e-5f), "features");
        ModelProto original = b.build();
        Graph g = graphOf(original);
        new BatchNormFolding().apply(g);
        assertEquals("features", g.outputs().get(0).name());
        assertEquals("Conv", g.producer("features").orElseThrow().opType());
        assertSameOutputs(original, g.toProto(), random(2, 2, 2, 4, 4), 1e-4);
    }

    @Test
    void convOutputReadElsewhereIsNotFolded() {
        GraphBuilder b = GraphBuilder.create("branch");
        String x = b.input("x", 1, 1, 2, 2);
        String conv = b.conv(x, FloatTensor.filled(1, 1, 1, 1, 1), null, ConvOptions.DEFAULT);
        String bn = b.batchNorm(conv, FloatTensor.vector(2), FloatTensor.vector(0), FloatTensor.vector(0),
                FloatTensor.vector(1), 1e-5f);
        b.output(b.add(bn, conv));
        Graph g = b.graph();
        List<NodeDecision> d = new BatchNormFolding().apply(g);
        assertEquals(Action.SKIPPED, d.get(0).action());
        assertTrue(d.get(0).reason().contains("also read elsewhere"), d.get(0).reason());
        assertEquals(1, count(g, "BatchNormalization"));
    }

    @Test
    void batchNormAfterReluIsSkippedWithTheReason() {
        GraphBuilder b = GraphBuilder.create("relu_bn");
        String x = b.input("x", 1, 1, 2, 2);
        b.output(b.batchNorm(b.relu(x), FloatTensor.vector(2), FloatTensor.vector(0), FloatTensor.vector(0),
                FloatTensor.vector(1), 1e-5f));
        List<NodeDecision> d = new BatchNormFolding().apply(b.graph());
        assertEquals(Action.SKIPPED, d.get(0).action());
        assertTrue(d.get(0).reason().contains("comes from Relu"), d.get(0).reason());
    }

    @Test
    void sharedWeightsAreCopiedNotChanged() {
        GraphBuilder b = GraphBuilder.create("shared");
        String x = b.input("x", 1, 1, 1, 1);
        String c1 = b.conv(x, FloatTensor.filled(2, 1, 1, 1, 1), null, ConvOptions.DEFAULT);
        Graph g = b.graph();
        Node first = g.producer(c1).orElseThrow();
        String w = first.input(1);
        g.addNode(Node.of("conv_shared", "Conv", List.of(x, w), List.of("c2")));
        b.output(b.add(b.batchNorm(c1, FloatTensor.vector(3), FloatTensor.vector(0), FloatTensor.vector(0),
                FloatTensor.vector(8), 1f), "c2"));
        new BatchNormFolding().apply(g);
        assertArrayEquals(new float[] {2}, g.floatInitializer(w).orElseThrow().data());
        Node folded = g.producer(g.node(first.name()).orElseThrow().output(0)).orElseThrow();
        assertFalse(folded.input(1).equals(w));
        // s = 3 / sqrt(8 + 1) = 1; x = 1: 2 * 1 (folded) + 2 (shared) = 4
        assertArrayEquals(new float[] {4}, runOnly(g.toProto(), FloatTensor.filled(1, 1, 1, 1, 1)).data(), 1e-6f);
    }

    @Test
    void resNet18LosesAllBatchNormsAndKeepsItsOutputs() {
        ModelProto original = ReferenceGraphs.resNet18(2, 1000, 64);
        Graph g = graphOf(original);
        List<NodeDecision> d = TransformPipeline.inference().apply(g);
        assertEquals(20, d.stream().filter(x -> x.action() == Action.FOLDED).count());
        assertEquals(0, count(g, "BatchNormalization"));
        FloatTensor in = random(3, 1, 3, 64, 64);
        double scale = 0;
        for (float v : runOnly(original, in).data()) {
            scale = Math.max(scale, Math.abs(v));
        }
        // 18 layers of float32 rounding: compare relative to the size of the logits.
        assertSameOutputs(original, g.toProto(), in, 1e-4 * Math.max(1, scale));
    }
}
