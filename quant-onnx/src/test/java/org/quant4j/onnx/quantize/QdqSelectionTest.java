package org.quant4j.onnx.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.onnx.quantize.QdqTestGraphs.decision;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorRange;
import org.quant4j.api.quantize.NodeDecision.Action;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;

class QdqSelectionTest {

    private static final QuantizationConfig DEFAULTS = QuantizationConfig.builder().build();

    private static QdqSelection select(Graph g, QuantizationConfig config, Map<String, TensorRange> observed) {
        QdqSelection s = new QdqSelection(g, new QdqOverrides(config), observed, Map.of());
        s.selectComputeNodes();
        return s;
    }

    @Test
    void computeOpsAreSelectedWithTheirWeightAxisAndBias() {
        QdqTestGraphs.Chain chain = QdqTestGraphs.chain();
        QdqSelection s = select(chain.graph(), DEFAULTS, chain.observed());

        Map<String, QdqPlan.NodeRoles> nodes = s.computeNodes();
        assertEquals(List.of(chain.node("Conv"), chain.node("Gemm")), List.copyOf(nodes.keySet()));
        QdqPlan.NodeRoles conv = nodes.get(chain.node("Conv"));
        assertEquals(List.of(chain.x()), conv.activations());
        assertEquals(0, conv.weightAxis(), "Conv weights [M, C, kH, kW] are per output channel M");
        assertEquals(1f, conv.biasFactor());
        QdqPlan.NodeRoles gemm = nodes.get(chain.node("Gemm"));
        assertEquals(List.of(chain.f()), gemm.activations());
        assertEquals(0, gemm.weightAxis(), "with transB the weight is [N, K]: channels on axis 0");
        assertTrue(!gemm.bias().isEmpty());
        // Conv reads x and writes c; Gemm reads f and writes y.
        assertEquals(List.of(chain.x(), chain.c(), chain.f(), chain.y()), List.copyOf(s.quantizedTensors()));
        assertEquals(Action.QUANTIZED, decision(s.decisions(), chain.node("Conv")).action());
    }

    @Test
    void passThroughOpsJoinTheGroupOfAQuantizedNeighbour() {
        QdqTestGraphs.Chain chain = QdqTestGraphs.chain();
        QdqSelection s = select(chain.graph(), DEFAULTS, chain.observed());
        RangeGroups groups = new RangeGroups(new QdqOverrides(DEFAULTS), chain.observed());
        s.propagateThroughPassThroughOps(groups);
        s.skipTheRest();

        // Flatten's output f is quantized (Gemm reads it): Flatten, then MaxPool behind it, pass through.
        assertEquals(Action.QUANTIZED, decision(s.decisions(), chain.node("Flatten")).action());
        assertEquals(Action.QUANTIZED, decision(s.decisions(), chain.node("MaxPool")).action());
        assertEquals(groups.root(chain.r()), groups.root(chain.f()));
        assertEquals(groups.root(chain.m()), groups.root(chain.f()));
        // Not absorbed in this test: the Relu is left to skipTheRest.
        assertEquals(Action.SKIPPED, decision(s.decisions(), chain.node("Relu")).action());
    }

    @Test
    void aPerTensorNodeTakesOneWeightScaleAndKeepsThePortablePairLimit() {
        QdqTestGraphs.Chain chain = QdqTestGraphs.chain();
        QuantizationConfig config = QuantizationConfig.builder().perTensorNode(chain.node("Conv")).build();
        QdqOverrides overrides = new QdqOverrides(config);
        QdqSelection s = select(chain.graph(), config, chain.observed());
        QdqPlan.NodeRoles conv = s.computeNodes().get(chain.node("Conv"));
        QdqPlan.NodeRoles gemm = s.computeNodes().get(chain.node("Gemm"));

        assertTrue(!QdqPlan.weightScheme(config, overrides, chain.node("Conv"), conv).perChannel());
        assertEquals(QdqPlan.weightScheme(DEFAULTS, new QdqOverrides(DEFAULTS), chain.node("Gemm"), gemm),
                QdqPlan.weightScheme(config, overrides, chain.node("Gemm"), gemm), "other nodes keep per channel");
        // Unlike a scheme override, the per-tensor choice leaves the kernel target's limit in force.
        assertEquals(QdqPlan.pairLimit(DEFAULTS, new QdqOverrides(DEFAULTS), conv),
                QdqPlan.pairLimit(config, overrides, conv));
        assertTrue(decision(s.decisions(), chain.node("Conv")).reason().contains("per tensor"),
                decision(s.decisions(), chain.node("Conv")).reason());
    }

    @Test
    void anExcludedComputeOpIsSkippedWithTheExclusionAsReason() {
        QdqTestGraphs.Chain chain = QdqTestGraphs.chain();
        QuantizationConfig config = QuantizationConfig.builder().excludeOpType("Gemm").build();
        QdqSelection s = select(chain.graph(), config, chain.observed());

        assertEquals(Set.of(chain.node("Conv")), s.computeNodes().keySet());
        assertEquals(Action.SKIPPED, decision(s.decisions(), chain.node("Gemm")).action());
        assertEquals(config.exclusionReason(chain.node("Gemm"), "Gemm"),
                decision(s.decisions(), chain.node("Gemm")).reason());
    }

    @Test
    void aComputeOpWhoseInputIsNotFloatIsSkipped() {
        QdqTestGraphs.Chain chain = QdqTestGraphs.chain();
        Map<String, TensorRange> observed = new LinkedHashMap<>(chain.observed());
        observed.remove(chain.x());
        QdqSelection s = select(chain.graph(), DEFAULTS, observed);

        assertEquals("input '" + chain.x() + "' is not float32", decision(s.decisions(), chain.node("Conv")).reason());
    }

    @Test
    void gemmBiasFactorIsAlphaOverBetaAndAComputedBIsAnActivation() {
        GraphBuilder b = GraphBuilder.create("gemm");
        String a = b.input("a", 2, 4);
        String w = b.input("w", 4, 3);
        String c = b.initializer("c", FloatTensor.vector(new float[] {1f, 2f, 3f}));
        String y = b.op("Gemm", List.of(a, w, c), Attributes.floating("alpha", 3f), Attributes.floating("beta", 2f));
        b.output(y);
        Map<String, TensorRange> observed = Map.of(a, new TensorRange(-1, 1), w, new TensorRange(-1, 1), y,
                new TensorRange(-4, 4));
        QdqSelection s = select(b.graph(), DEFAULTS, observed);

        QdqPlan.NodeRoles roles = s.computeNodes().values().iterator().next();
        assertEquals(List.of(a, w), roles.activations());
        assertEquals("", roles.weight());
        assertEquals(-1, roles.weightAxis());
        assertEquals(1.5f, roles.biasFactor());
        assertEquals(Optional.empty(), roles.pairing());
    }

    @Test
    void matMulTakesItsFirstConstantInputAsWeight() {
        GraphBuilder b = GraphBuilder.create("matmul");
        String a = b.input("a", 2, 4);
        String y = b.matMul(a, new FloatTensor(new long[] {4, 3}, new float[12]));
        b.output(y);
        QdqSelection s = select(b.graph(), DEFAULTS, Map.of(a, new TensorRange(-1, 1), y, new TensorRange(-1, 1)));

        QdqPlan.NodeRoles roles = s.computeNodes().values().iterator().next();
        assertEquals(List.of(a), roles.activations());
        assertEquals(1, roles.weightAxis(), "B [K, N] is per output column");
    }
}
