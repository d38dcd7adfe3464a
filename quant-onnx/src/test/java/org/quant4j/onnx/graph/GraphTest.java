package org.quant4j.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quant4j.api.ModelException;
import org.quant4j.onnx.builder.GraphBuilder;

class GraphTest {

    /** x -> Relu(a) -> Sigmoid(b) -> Add(a, b) = y, with the nodes given in reverse order. */
    private static Graph diamondOutOfOrder() {
        Graph g = Graph.create("diamond", 13);
        g.addInput(TensorInfo.floatTensor("x", -1, 4));
        g.addNode(Node.of("add", "Add", List.of("a", "b"), List.of("y")));
        g.addNode(Node.of("sig", "Sigmoid", List.of("a"), List.of("b")));
        g.addNode(Node.of("relu", "Relu", List.of("x"), List.of("a")));
        g.addOutput("y");
        return g;
    }

    @Test
    void producersAndConsumersAreIndexed() {
        Graph g = diamondOutOfOrder();
        assertEquals("relu", g.producer("a").orElseThrow().name());
        assertEquals(List.of("add", "sig"), g.consumers("a").stream().map(Node::name).toList());
        assertTrue(g.producer("x").isEmpty());
        assertEquals(List.of("relu"), g.consumers("x").stream().map(Node::name).toList());
        assertTrue(g.consumers("y").isEmpty());
        assertTrue(g.isGraphOutput("y") && g.isGraphInput("x"));
    }

    @Test
    void nodesComeInTopologicalOrder() {
        Graph g = diamondOutOfOrder();
        assertEquals(List.of("relu", "sig", "add"), g.nodes().stream().map(Node::name).toList());
        List<String> written = g.toProto().getGraph().getNodeList().stream().map(NodeProto::getName).toList();
        assertEquals(List.of("relu", "sig", "add"), written);
    }

    @Test
    void nodeAddedAfterAnotherRunsRightAfterIt() {
        Graph g = Graph.create("diamond", 13);
        g.addInput(TensorInfo.floatTensor("x", -1, 4));
        g.addNode(Node.of("relu", "Relu", List.of("x"), List.of("a")));
        g.addNode(Node.of("sig", "Sigmoid", List.of("a"), List.of("b")));
        g.addNode(Node.of("add", "Add", List.of("a", "b"), List.of("y")));
        g.addNode(Node.of("tail", "Neg", List.of("a"), List.of("t")));
        g.addNodeAfter("relu", Node.of("probe", "ReduceMax", List.of("a"), List.of("m")));
        g.addNodeAfter("probe", Node.of("probe2", "Neg", List.of("m"), List.of("m2")));
        // Appended, the probe would come last; placed after relu it runs before sig, add and tail.
        assertEquals(List.of("relu", "probe", "probe2", "sig", "add", "tail"),
                g.nodes().stream().map(Node::name).toList());
        assertThrows(IllegalArgumentException.class,
                () -> g.addNodeAfter("relu", Node.of("probe", "Neg", List.of("a"), List.of("z"))));
        assertThrows(IllegalArgumentException.class,
                () -> g.addNodeAfter("relu", Node.of("other", "Neg", List.of("a"), List.of("b"))));
    }

    @Test
    void cycleIsReportedWithItsNodes() {
        Graph g = Graph.create("cyclic", 13);
        g.addInput(TensorInfo.floatTensor("x", 1));
        g.addNode(Node.of("first", "Add", List.of("x", "c"), List.of("a")));
        g.addNode(Node.of("second", "Relu", List.of("a"), List.of("c")));
        g.addOutput("c");
        ModelException e = assertThrows(ModelException.class, g::topologicalSort);
        assertTrue(e.getMessage().contains("cycle") && e.getMessage().contains("'first' (Add)")
                && e.getMessage().contains("'second' (Relu)"), e.getMessage());
    }

    @Test
    void danglingInputIsReported() {
        Graph g = Graph.create("dangling", 13);
        g.addInput(TensorInfo.floatTensor("x", 1));
        g.addNode(Node.of("mul", "Mul", List.of("x", "ghost"), List.of("y")));
        ModelException e = assertThrows(ModelException.class, g::nodes);
        assertTrue(e.getMessage().contains("'ghost'") && e.getMessage().contains("'mul'"), e.getMessage());
    }

    @Test
    void uniqueNamesAvoidEveryExistingName() {
        Graph g = diamondOutOfOrder();
        assertEquals("relu_1", g.uniqueName("relu"));
        assertEquals("relu_2", g.uniqueName("relu"));
        assertEquals("a_1", g.uniqueName("a"));
        assertEquals("x_1", g.uniqueName("x"));
        assertEquals("fresh", g.uniqueName("fresh"));
        assertEquals("fresh_1", g.uniqueName("fresh"));
    }

    @Test
    void releasedInitializerGoesOnlyWhenUnreadAndKeepsItsNameTaken() {
        Graph g = Graph.create("scaled", 13);
        g.addInput(TensorInfo.floatTensor("x", 2));
        g.putInitializer("s", FloatTensor.vector(2f, 3f));
        g.putInitializer("t", FloatTensor.vector(1f, 1f));
        g.addNode(Node.of("mul", "Mul", List.of("x", "s"), List.of("y")));
        g.addNode(Node.of("add", "Add", List.of("y", "s"), List.of("z")));
        g.addOutput("z");
        assertFalse(g.releaseInitializerIfUnused("s"), "two nodes read it");
        g.replaceUse("mul", "s", "t");
        assertFalse(g.releaseInitializerIfUnused("s"), "add still reads it");
        g.replaceUse("add", "s", "t");
        assertTrue(g.releaseInitializerIfUnused("s"));
        assertFalse(g.isInitializer("s"));
        // Removed the plain way, a name is free again; released, it stays taken.
        assertEquals("s_1", g.uniqueName("s"));
        g.putInitializer("u", FloatTensor.scalar(0f));
        assertTrue(g.removeInitializerIfUnused("u"));
        assertEquals("u", g.uniqueName("u"));
    }

    @Test
    void unnamedAndDuplicateNodesGetUniqueNamesOnLoad() {
        ModelProto m = diamondOutOfOrder().toProto();
        GraphProto.Builder gb = m.getGraph().toBuilder();
        gb.setNode(0, gb.getNode(0).toBuilder().clearName());
        gb.setNode(2, gb.getNode(2).toBuilder().setName("sig"));
        Graph g = OnnxModel.of(m.toBuilder().setGraph(gb).build()).graph();
        List<String> names = g.nodes().stream().map(Node::name).toList();
        assertEquals(List.of("Relu", "sig", "Add"), names);
    }

    @Test
    void renameTensorUpdatesProducerConsumersAndOutputs() {
        Graph g = diamondOutOfOrder();
        g.renameTensor("a", "act");
        g.renameTensor("y", "out");
        assertEquals(List.of("act"), g.node("relu").orElseThrow().outputs());
        assertEquals(List.of("act", "b"), g.node("add").orElseThrow().inputs());
        assertEquals(List.of("act"), g.node("sig").orElseThrow().inputs());
        assertEquals("out", g.outputs().get(0).name());
        assertThrows(IllegalArgumentException.class, () -> g.renameTensor("x", "input"));
        assertThrows(IllegalArgumentException.class, () -> g.renameTensor("b", "act"));
    }

    @Test
    void replaceAndRemoveNodesKeepIndexesConsistent() {
        Graph g = diamondOutOfOrder();
        Node sig = g.node("sig").orElseThrow();
        g.replaceNode("sig", Node.of("tanh", "Tanh", sig.inputs(), sig.outputs()));
        assertEquals("tanh", g.producer("b").orElseThrow().name());
        assertEquals(List.of("relu", "tanh", "add"), g.nodes().stream().map(Node::name).toList());

        g.replaceUse("add", "b", "x");
        assertTrue(g.consumers("b").isEmpty());
        assertEquals(List.of("relu", "add"), g.consumers("x").stream().map(Node::name).toList());
        g.removeNode("tanh");
        assertTrue(g.producer("b").isEmpty());
        assertEquals(List.of("relu", "add"), g.nodes().stream().map(Node::name).toList());
        assertThrows(IllegalArgumentException.class,
                () -> g.addNode(Node.of("dup", "Relu", List.of("x"), List.of("a"))));
    }

    @Test
    void floatInitializersReadRawAndTypedData() {
        Graph g = Graph.create("init", 13);
        g.putInitializer("w", new FloatTensor(new long[] {2, 2}, new float[] {1, -2, 3.5f, 0}));
        assertEquals(new FloatTensor(new long[] {2, 2}, new float[] {1, -2, 3.5f, 0}), g.floatInitializer("w").orElseThrow());

        TensorProto typed = TensorProto.newBuilder().setName("v").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(3).addFloatData(0.5f).addFloatData(1.5f).addFloatData(-1).build();
        g.putInitializer(typed);
        assertArrayEquals(new float[] {0.5f, 1.5f, -1}, g.floatInitializer("v").orElseThrow().data());

        // raw_data is little-endian IEEE 754: 1.0f is 0x3F800000.
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3F},
                TensorProtos.floats("one", FloatTensor.scalar(1f)).getRawData().toByteArray());
        assertArrayEquals(new long[] {4, -1}, TensorProtos.toLongs(TensorProtos.int64Vector("s", 4, -1)));

        g.putInitializer(TensorProtos.int64Vector("shape", 1, 2));
        assertThrows(ModelException.class, () -> g.floatInitializer("shape"));
        assertEquals(List.of("w", "v", "shape"), g.removeUnusedInitializers());
        assertTrue(g.initializers().isEmpty());
    }

    @Test
    void integerTensorsAreLittleEndianRawData() {
        TensorProto i8 = TensorProtos.int8s("w", new long[] {2}, (byte) -1, (byte) 127);
        assertEquals(TensorProto.DataType.INT8_VALUE, i8.getDataType());
        assertArrayEquals(new byte[] {(byte) 0xFF, 0x7F}, i8.getRawData().toByteArray());
        assertArrayEquals(new byte[] {0, (byte) 255},
                TensorProtos.uint8s("z", new long[] {2}, 0, 255).getRawData().toByteArray());
        // 258 = 0x00000102
        assertArrayEquals(new byte[] {2, 1, 0, 0}, TensorProtos.int32s("b", new long[0], 258).getRawData().toByteArray());
        assertThrows(IllegalArgumentException.class, () -> TensorProtos.uint8s("z", new long[] {1}, 256));
        assertThrows(IllegalArgumentException.class, () -> TensorProtos.int32s("b", new long[] {3}, 1, 2));
    }

    @Test
    void initializerListedAsInputIsRemovedFromInputsToo() {
        Graph built = Graph.create("legacy", 13);
        built.putInitializer("w", FloatTensor.vector(1));
        ModelProto m = built.toProto();
        // Before IR version 4, every initializer had to be listed as a graph input as well.
        m = m.toBuilder().setIrVersion(3).setGraph(m.getGraph().toBuilder()
                .addInput(TensorInfo.floatTensor("w", 1).proto())).build();
        Graph g = OnnxModel.of(m).graph();
        assertTrue(g.isGraphInput("w") && g.isInitializer("w"));
        g.removeInitializer("w");
        assertFalse(g.isGraphInput("w"));
    }

    @Test
    void subgraphReadsCountAsUses() {
        GraphProto branch = GraphProto.newBuilder().setName("then")
                .addNode(NodeProto.newBuilder().setName("inner").setOpType("Relu").addInput("a").addOutput("r"))
                .addOutput(TensorInfo.floatTensorOfUnknownShape("r").proto())
                .build();
        Graph g = Graph.create("if", 13);
        g.addInput(TensorInfo.floatTensor("x", 1));
        g.addInput(new TensorInfo(ValueInfoProto.newBuilder().setName("cond").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.BOOL_VALUE))).build()));
        g.addNode(Node.of("relu", "Relu", List.of("x"), List.of("a")));
        g.addNode(Node.of("if", "If", "", List.of("cond"), List.of("y"), List.of(
                AttributeProto.newBuilder().setName("then_branch").setType(AttributeType.GRAPH).setG(branch).build(),
                AttributeProto.newBuilder().setName("else_branch").setType(AttributeType.GRAPH).setG(branch).build())));
        assertEquals(List.of("if"), g.consumers("a").stream().map(Node::name).toList());
        assertEquals(List.of("relu", "if"), g.nodes().stream().map(Node::name).toList());
        assertThrows(ModelException.class, () -> g.replaceUses("a", "x"));
    }
}
