package org.quant4j.onnx.opset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quant4j.api.ModelException;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnx.graph.TensorProtos;

class OpsetConverterTest {

    @Test
    void unsqueezeAxesMoveToAnInt64InputAndTheIrVersionRises() {
        Graph g = Graph.create("old", 9);
        g.setIrVersion(4);
        g.addInput(TensorInfo.floatTensor("x", 3));
        g.addNode(Node.of("unsq", "Unsqueeze", "", List.of("x"), List.of("y"), List.of(Attributes.ints("axes", 0))));
        g.addOutput("y");

        OpsetConversion c = OpsetConverter.convert(g, 13);

        Node n = g.node("unsq").orElseThrow();
        assertTrue(n.attribute("axes").isEmpty());
        assertEquals(0L, TensorProtos.toLongs(g.initializer(n.input(1)).orElseThrow())[0]);
        assertEquals(13, g.opset());
        assertEquals(7, g.irVersion());
        assertEquals(List.of("'unsq' (Unsqueeze-13: 'axes' moved from an attribute to an input)"),
                c.rewrites().stream().map(Object::toString).toList());
    }

    @Test
    void clipAttributesBecomeScalarInputsOfTheDataType() {
        GraphBuilder b = GraphBuilder.create("clip", 7);
        b.output(b.clip(b.input("x", 2), 0, 6));
        Graph g = b.graph();
        OpsetConverter.convert(g, 13);
        Node clip = g.nodes().get(0);
        assertEquals(3, clip.inputs().size());
        assertEquals(6f, g.floatInitializer(clip.input(2)).orElseThrow().get(0));
        assertTrue(clip.attributes().isEmpty());
    }

    @Test
    void softmaxOverTheLastAxisKeepsOneNodeAndOtherAxesAreFlattened() {
        GraphBuilder last = GraphBuilder.create("sm", 11);
        last.output(last.softmax(last.input("x", -1, 3), 1));
        OpsetConverter.convert(last.graph(), 13);
        assertEquals(List.of("Softmax"), last.graph().nodes().stream().map(Node::opType).toList());

        GraphBuilder afterGemm = GraphBuilder.create("gemm", 11);
        afterGemm.output(afterGemm.softmax(afterGemm.gemm(afterGemm.input("x", -1, 3), FloatTensor.filled(1, 3, 3),
                null, true), 1));
        OpsetConverter.convert(afterGemm.graph(), 13);
        assertEquals(List.of("Gemm", "Softmax"), afterGemm.graph().nodes().stream().map(Node::opType).toList());

        GraphBuilder four = GraphBuilder.create("sm4", 11);
        four.output(four.softmax(four.input("x", -1, 3, 4, 4), 1));
        OpsetConverter.convert(four.graph(), 13);
        assertEquals(List.of("Flatten", "Reshape", "Shape", "Softmax"),
                four.graph().nodes().stream().map(Node::opType).sorted().toList());
        Node softmax = four.graph().nodes().stream().filter(n -> n.is("Softmax")).findFirst().orElseThrow();
        assertEquals(-1, softmax.intAttribute("axis", 0));
    }

    @Test
    void modelsAtTheTargetOrAboveAreLeftAlone() {
        Graph g = Graph.create("g", 13);
        OpsetConversion c = OpsetConverter.requireAtLeast(g, 11);
        assertFalse(c.converted());
        assertEquals(13, g.opset());
        ModelException e = assertThrows(ModelException.class, () -> OpsetConverter.convert(g, 11));
        assertTrue(e.getMessage().contains("only raises opsets"), e.getMessage());
        e = assertThrows(ModelException.class, () -> OpsetConverter.convert(g, OpsetConverter.MAX_TARGET + 1));
        assertTrue(e.getMessage().contains("converts to opsets 7 to " + OpsetConverter.MAX_TARGET), e.getMessage());
    }

    @Test
    void opsWithoutARuleAreRefusedBeforeAnythingChanges() {
        Graph g = Graph.create("custom", 11);
        g.addInput(TensorInfo.floatTensor("x", 1));
        g.addNode(Node.of("u", "Unsqueeze", "", List.of("x"), List.of("u_out"), List.of(Attributes.ints("axes", 0))));
        g.addNode(Node.of("s", "ImageScaler", List.of("u_out"), List.of("y")));
        g.addOutput("y");
        ModelException e = assertThrows(ModelException.class, () -> OpsetConverter.convert(g, 13));
        assertTrue(e.getMessage().contains("no conversion rule for ImageScaler (node 's')"), e.getMessage());
        assertEquals(11, g.opset());
        assertTrue(g.node("u").orElseThrow().attribute("axes").isPresent(), "nothing was rewritten");
    }

    @Test
    void aSubgraphNodeThatNeedsARewriteIsNamedWithItsOwner() {
        GraphProto branch = GraphProto.newBuilder().setName("then")
                .addNode(NodeProto.newBuilder().setName("inner").setOpType("Unsqueeze").addInput("x").addOutput("r")
                        .addAttribute(Attributes.ints("axes", 0)))
                .addOutput(TensorInfo.floatTensorOfUnknownShape("r").proto())
                .build();
        Graph g = Graph.create("if", 11);
        g.addInput(TensorInfo.floatTensor("x", 1));
        g.addInput(TensorInfo.floatTensor("cond", 1));
        g.addNode(Node.of("if", "If", "", List.of("cond"), List.of("y"), List.of(
                AttributeProto.newBuilder().setName("then_branch").setType(AttributeType.GRAPH).setG(branch).build(),
                AttributeProto.newBuilder().setName("else_branch").setType(AttributeType.GRAPH).setG(branch).build())));
        g.addOutput("y");
        ModelException e = assertThrows(ModelException.class, () -> OpsetConverter.convert(g, 13));
        assertTrue(e.getMessage().contains("node 'inner' (Unsqueeze) inside the body of node 'if' (If)")
                && e.getMessage().contains("Unsqueeze-13"), e.getMessage());
    }

    @Test
    void resize10WithComputedScalesInNearestModeIsRefusedByName() {
        GraphBuilder b = GraphBuilder.create("resize", 10);
        String x = b.input("x", 1, 1, 2, 2);
        String scales = b.input("scales", 4);
        b.output(b.op("Resize", List.of(x, scales)));
        ModelException e = assertThrows(ModelException.class, () -> OpsetConverter.convert(b.graph(), 13));
        assertTrue(e.getMessage().contains("node 'Resize' (Resize) cannot be expressed")
                && e.getMessage().contains("from opset 10 to 13"), e.getMessage());

        GraphBuilder up = GraphBuilder.create("upsample", 9);
        String ux = up.input("x", 1, 1, 2, 2);
        up.output(up.op("Upsample", List.of(ux, up.input("scales", 4))));
        OpsetConverter.convert(up.graph(), 13);
        Node resize = up.graph().nodes().get(0);
        assertEquals("Resize", resize.opType());
        assertEquals("floor", resize.stringAttribute("nearest_mode", ""));
        assertEquals("asymmetric", resize.stringAttribute("coordinate_transformation_mode", ""));
    }

    @Test
    void batchNormTrainingOutputsInUseAreRefused() {
        GraphBuilder b = GraphBuilder.create("bn", 9);
        String x = b.input("x", 1, 2, 2, 2);
        FloatTensor one = FloatTensor.filled(1, 2);
        List<String> outs = b.ops("BatchNormalization", List.of(x, b.initializer("s", one), b.initializer("b", one),
                b.initializer("m", one), b.initializer("v", one)), 3);
        b.output(outs.get(0));
        b.output(outs.get(1));
        ModelException e = assertThrows(ModelException.class, () -> OpsetConverter.convert(b.graph(), 14));
        assertTrue(e.getMessage().contains("BatchNormalization") && e.getMessage().contains("output 1"),
                e.getMessage());
    }
}
