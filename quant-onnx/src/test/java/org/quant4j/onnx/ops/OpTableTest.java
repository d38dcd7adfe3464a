package org.quant4j.onnx.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.ops.OpSpec.QdqRole;

class OpTableTest {

    private static Node node(String op, String... attributes) {
        Node n = Node.of("n", op, List.of("x", "w", "b"), List.of("y"));
        for (int i = 0; i < attributes.length; i += 2) {
            n = n.withAttribute(Attributes.integer(attributes[i], Integer.parseInt(attributes[i + 1])));
        }
        return n;
    }

    @Test
    void weightAxisFollowsTheLayoutOfEachOpsWeight() {
        assertEquals(0, OpTable.get("Conv").weightAxis(node("Conv"), 4));
        assertEquals(1, OpTable.get("ConvTranspose").weightAxis(node("ConvTranspose"), 4));
        assertEquals(-1, OpTable.get("ConvTranspose").weightAxis(node("ConvTranspose", "group", "2"), 4));
        assertEquals(1, OpTable.get("Gemm").weightAxis(node("Gemm"), 2));
        assertEquals(0, OpTable.get("Gemm").weightAxis(node("Gemm", "transB", "1"), 2));
        assertEquals(1, OpTable.get("MatMul").weightAxis(node("MatMul"), 2));
        assertEquals(-1, OpTable.get("MatMul").weightAxis(node("MatMul"), 3));
        assertEquals(-1, OpTable.get("MatMul").weightAxis().of(node("MatMul"), 0, 2), "a constant A is per tensor");
    }

    @Test
    void quantizableOpsAreTheComputeOpsAndMaxPool() {
        assertEquals(Set.of("Add", "AveragePool", "Concat", "Conv", "ConvTranspose", "Gemm", "GlobalAveragePool",
                "MatMul", "MaxPool", "Mul"), OpTable.opTypes(s -> s.qdq().hasIntegerKernel()));
        assertEquals(Set.of("Flatten", "MaxPool", "Reshape", "Squeeze", "Transpose", "Unsqueeze"),
                OpTable.opTypes(s -> s.qdq().passesThrough()));
    }

    @Test
    void unlistedOpsAndOtherDomainsAreUnknown() {
        assertSame(OpTable.UNKNOWN_SPEC, OpTable.get("NonMaxSuppression"));
        Node contrib = Node.of("n", "Conv", "com.microsoft", List.of("x"), List.of("y"), List.of());
        assertSame(OpTable.UNKNOWN_SPEC, OpTable.of(contrib));
        assertEquals(QdqRole.NONE, OpTable.UNKNOWN_SPEC.qdq());
    }

    @Test
    void gemmScalesItsProductByAlphaAndItsBiasByBeta() {
        Node gemm = Node.of("g", "Gemm", List.of("a", "b", "c"), List.of("y"))
                .withAttribute(Attributes.floating("alpha", 2f)).withAttribute(Attributes.floating("beta", 0.5f));
        assertEquals(2f, OpTable.of(gemm).alpha(gemm));
        assertEquals(0.5f, OpTable.of(gemm).beta(gemm));
        assertEquals(1f, OpTable.get("Conv").beta(node("Conv")), "Conv has no beta");
        assertEquals(2, OpTable.get("Gemm").biasInput());
        assertEquals(List.of(1, 2), OpTable.get("LSTM").weightInputs());
        assertTrue(OpTable.get("Gemm").foldsBatchNorm() && !OpTable.get("MatMul").foldsBatchNorm());
    }

    @Test
    void boundsOfReluAndConstantClip() {
        GraphBuilder b = GraphBuilder.create("clip");
        String x = b.input("x", 1, 4);
        b.output(b.clip(b.relu(x), 0f, 6f));
        Graph g = b.graph();
        Node relu = g.nodes().get(0);
        Node clip = g.nodes().get(1);

        assertArrayEquals(new double[] {0, Double.POSITIVE_INFINITY}, OpTable.bounds(g, relu));
        assertArrayEquals(new double[] {0, 6}, OpTable.bounds(g, clip));
        Node computedBound = clip.withInput(2, x);
        assertNull(OpTable.bounds(g, computedBound), "a bound computed at run time is no constant");
    }
}
