package org.quant4j.onnx.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.onnxruntime.OrtTestSupport.assertSameOutputs;
import static org.quant4j.onnxruntime.OrtTestSupport.random;

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

class PassThroughRemovalTest {

    private static long count(Graph g, String op) {
        return g.nodes().stream().filter(n -> n.is(op)).count();
    }

    @Test
    void dropoutRemovalKeepsOutputsIdentical() {
        ModelProto original = ReferenceGraphs.mlp(4);
        Graph g = OnnxModel.of(original).graph();
        List<NodeDecision> d = new DropoutRemoval().apply(g);
        assertEquals(1, d.size());
        assertEquals(Action.FOLDED, d.get(0).action());
        assertEquals(0, count(g, "Dropout"));
        assertTrue(g.initializers().keySet().stream().noneMatch(n -> n.contains("ratio")));
        assertSameOutputs(original, g.toProto(), random(1, 3, 1, 28, 28), 0);
        assertEquals(List.of(ReferenceGraphs.OUTPUT), g.outputs().stream().map(o -> o.name()).toList());
    }

    @Test
    void identityProducingAGraphOutputIsRemovedAndTheOutputKeepsItsName() {
        GraphBuilder b = GraphBuilder.create("ids");
        String x = b.input("x", -1, 3);
        String r = b.relu(b.identity(x));
        b.output(b.identity(b.identity(b.sigmoid(r))), "probabilities");
        ModelProto original = b.build();
        Graph g = OnnxModel.of(original).graph();

        List<NodeDecision> d = new IdentityRemoval().apply(g);
        assertEquals(3, d.size());
        assertTrue(d.stream().allMatch(n -> n.action() == Action.FOLDED), d.toString());
        assertEquals(List.of("Relu", "Sigmoid"), g.nodes().stream().map(Node::opType).toList());
        assertEquals("probabilities", g.outputs().get(0).name());
        assertEquals("Sigmoid", g.producer("probabilities").orElseThrow().opType());
        assertSameOutputs(original, g.toProto(), new FloatTensor(new long[] {1, 3}, new float[] {-1, 0, 2}), 0);
    }

    @Test
    void identityFromGraphInputToGraphOutputIsKept() {
        GraphBuilder b = GraphBuilder.create("passthrough");
        b.output(b.identity(b.input("x", 2)), "y");
        Graph g = b.graph();
        List<NodeDecision> d = new IdentityRemoval().apply(g);
        assertEquals(Action.SKIPPED, d.get(0).action());
        assertTrue(d.get(0).reason().contains("graph input"), d.get(0).reason());
        assertEquals(1, count(g, "Identity"));
    }

    @Test
    void dropoutInTrainingModeOrWithUsedMaskIsKept() {
        GraphBuilder b = GraphBuilder.create("training");
        String x = b.input("x", 2);
        Graph g = b.graph();
        List<String> masked = b.ops("Dropout", List.of(x), 2);
        b.output(masked.get(0));
        b.output(masked.get(1));
        List<NodeDecision> d = new DropoutRemoval().apply(g);
        assertEquals(Action.SKIPPED, d.get(0).action());
        assertTrue(d.get(0).reason().contains("is used"), d.get(0).reason());

        GraphBuilder t = GraphBuilder.create("training_mode");
        String tx = t.input("x", 2);
        String mode = t.input("mode");
        t.output(t.op("Dropout", List.of(tx, "", mode)));
        d = new DropoutRemoval().apply(t.graph());
        assertEquals(Action.SKIPPED, d.get(0).action());
        assertTrue(d.get(0).reason().contains("training_mode"), d.get(0).reason());
    }

    @Test
    void inferencePipelineFoldsAcrossARemovedDropout() {
        GraphBuilder b = GraphBuilder.create("conv_dropout_bn");
        String x = b.input("x", -1, 1, 4, 4);
        HeInitializer init = new HeInitializer(3);
        String c = b.conv(x, init.convWeights(2, 1, 3, 3), null, ConvOptions.of(1, 1));
        b.output(b.batchNorm(b.dropout(c, 0.3f), init.batchNorm(2), 1e-5f), "y");
        ModelProto original = b.build();
        Graph g = OnnxModel.of(original).graph();
        List<NodeDecision> d = TransformPipeline.inference().apply(g);
        assertEquals(List.of("Dropout", "BatchNormalization"), d.stream().map(NodeDecision::opType).toList());
        assertTrue(d.stream().allMatch(n -> n.action() == Action.FOLDED));
        assertEquals(List.of("Conv"), g.nodes().stream().map(Node::opType).toList());
        assertSameOutputs(original, g.toProto(), random(6, 2, 1, 4, 4), 1e-4);
    }
}
