package org.quant4j.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quant4j.onnx.builder.GraphBuilder;

/** Subgraphs of If nodes as graphs of their own: outer scope, names, writing back, carrying tensors out. */
class SubgraphScopeTest {

    private static final FloatTensor W = new FloatTensor(new long[] {16, 16}, new float[256]);

    /**
     * x [N, 16] -> If(cond): then MatMul(x, outer W) -> Shape too; else MatMul(x, its own copy of W).
     * Returns the model's graph.
     */
    private static Graph ifGraph() {
        GraphBuilder b = GraphBuilder.create("scopes");
        String x = b.input("x", -1, 16);
        String cond = b.op("Greater", List.of(b.op("ReduceMean", List.of(x)), b.initializer("zero",
                FloatTensor.scalar(0f))));
        String w = b.initializer("W", W);
        GraphBuilder then = b.subgraph("then");
        String product = then.matMul(x, w);
        then.op("Shape", List.of(product));
        then.output(product);
        GraphBuilder otherwise = b.subgraph("else");
        otherwise.output(otherwise.matMul(x, W));
        b.output(b.ifElse(cond, then, otherwise).get(0), "y");
        return OnnxModel.of(b.build()).graph();
    }

    private static NodeProto ifNode(Graph g) {
        return g.toProto().getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("If")).findFirst()
                .orElseThrow();
    }

    private static GraphProto branch(Graph g, String attribute) {
        return ifNode(g).getAttributeList().stream().filter(a -> a.getName().equals(attribute)).findFirst()
                .orElseThrow().getG();
    }

    @Test
    void aSubgraphSeesOuterInitializersAndItsChangesReachTheModelByWriteBack() {
        Graph g = ifGraph();
        List<Graph> nested = g.nestedSubgraphs();
        assertEquals(2, nested.size());
        Graph then = nested.get(0);
        assertEquals("/If.then_branch", then.path());
        assertTrue(then.isInitializer("W"), "the outer initializer is visible");
        assertEquals(List.of(16L, 16L), then.initializer("W").orElseThrow().getDimsList());
        assertFalse(then.initializers().containsKey("W"), "but held by the main graph");

        String copy = then.uniqueName("W_copy");
        then.putInitializer(copy, W);
        Node matMul = then.nodes().stream().filter(n -> n.is("MatMul")).findFirst().orElseThrow();
        then.replaceUse(matMul.name(), "W", copy);
        then.writeBack();

        assertTrue(branch(g, "then_branch").getInitializerList().stream().anyMatch(t -> t.getName().equals(copy)));
        assertTrue(g.removeInitializerIfUnused("W"), "once the branch reads its own copy, the outer one is unread");
    }

    @Test
    void namesMadeInOneScopeAreFreeInEveryOther() {
        Graph g = ifGraph();
        Graph then = g.nestedSubgraphs().get(0);
        assertNotEquals("x", then.uniqueName("x"), "no subgraph name shadows an outer one");
        String inside = branch(g, "then_branch").getNode(0).getOutput(0);
        assertNotEquals(inside, g.uniqueName(inside), "no main-graph name clashes with a branch's");
        String made = then.uniqueName("fresh");
        assertNotEquals(made, g.uniqueName("fresh"), "a name made in a subgraph is reserved outside it");
    }

    @Test
    void tensorsOfABranchAreCarriedOutThroughBothBranches() {
        Graph g = ifGraph();
        GraphProto then = branch(g, "then_branch");
        String product = then.getNode(0).getOutput(0);
        String shape = then.getNodeList().stream().filter(n -> n.getOpType().equals("Shape")).findFirst()
                .orElseThrow().getOutput(0);

        SubgraphOutputs.Result r = SubgraphOutputs.thread(g, List.of(product, shape, "x"));

        assertEquals(List.of(product), List.copyOf(r.names().keySet()), "x is a main-graph tensor already");
        assertEquals("it is not float32", r.unthreaded().get(shape));
        NodeProto ifNode = ifNode(g);
        assertEquals(List.of("y", r.names().get(product)), ifNode.getOutputList());
        GraphProto otherwise = branch(g, "else_branch");
        assertEquals(2, otherwise.getOutputCount());
        NodeProto empty = otherwise.getNodeList().stream().filter(n -> n.getOpType().equals("Constant"))
                .findFirst().orElseThrow();
        assertEquals(List.of(0L), empty.getAttribute(0).getT().getDimsList(), "the other branch gives nothing");
        assertEquals(empty.getOutput(0), otherwise.getOutput(1).getName());
    }

    @Test
    void identicalWeightsOfTwoBranchesAreKeptOnce() {
        GraphBuilder b = GraphBuilder.create("shared");
        String x = b.input("x", -1, 16);
        String cond = b.op("Greater", List.of(b.op("ReduceMean", List.of(x)), b.initializer("zero",
                FloatTensor.scalar(0f))));
        GraphBuilder then = b.subgraph("then");
        then.output(then.matMul(x, W));
        GraphBuilder otherwise = b.subgraph("else");
        otherwise.output(otherwise.matMul(x, W));
        b.output(b.ifElse(cond, then, otherwise).get(0), "y");
        Graph g = OnnxModel.of(b.build()).graph();

        assertEquals(1, SharedInitializers.share(g));

        assertEquals(0, branch(g, "then_branch").getInitializerCount());
        assertEquals(0, branch(g, "else_branch").getInitializerCount());
        String shared = g.initializers().keySet().stream().filter(n -> n.endsWith("_shared")).findFirst()
                .orElseThrow();
        assertEquals(shared, branch(g, "then_branch").getNode(0).getInput(1));
        assertEquals(shared, branch(g, "else_branch").getNode(0).getInput(1));
        g.toModel();
    }
}
