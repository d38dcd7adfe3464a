package org.quant4j.mixedprecision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.HeInitializer;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.sensitivity.PreparedModel;
import org.quant4j.sensitivity.SensitivityRequest;
import org.quant4j.sensitivity.TableCalibration;
import org.quant4j.sensitivity.VariantScoring;

/**
 * Float layers whose islands touch are not counted twice. On a chain of four convolutions with
 * Relus, the quantizer keeps conv3 float when conv2 is float (a QuantizeLinear after float conv2
 * would make ONNX Runtime quantize conv3 anyway), so "conv2 float" and "conv2 and conv3 float" build
 * the same model: the predicted cost of both must be conv2's alone, not the sum of the two. And
 * conv1 and conv2 float together drop the boundary each single-float model puts on the tensor
 * between them (a standalone QuantizeLinear after conv1, a standalone DequantizeLinear before conv2).
 */
class SharedBoundariesTest {

    static final List<String> CONVS = List.of("conv1", "conv2", "conv3", "conv4");

    @TempDir
    Path dir;

    @Test
    void touchingFloatLayersAreCountedOnce() {
        Path fp32 = chain(dir);
        UniformNoiseDataset data = new UniformNoiseDataset(16, new int[] {8, 16, 16}, 3, 0f, 1f);
        PreparedModel prepared = PreparedModel.read(fp32);
        QuantizationConfig config = QuantizationConfig.builder().build();
        TableCalibration table = TableCalibration.calibrate(prepared, config, "onnxruntime", data, 16, 2,
                (s, d, t) -> { });
        List<String> layers = PreparedModel.layers(prepared.quantized(config, table).result()).stream()
                .map(d -> d.nodeName()).toList();
        assertTrue(layers.containsAll(CONVS), layers.toString());
        SensitivityRequest request = SensitivityRequest.builder().model(fp32).calibration(data).evaluation(data)
                .config(config).metric(SensitivityRequest.Metric.AGREEMENT).threads(2).build();
        VariantScoring scoring = new VariantScoring(request, fp32, data);
        LatencyProfiler profiler = new LatencyProfiler(data, fp32, 8, 2, 1, 3, dir);
        AssignmentEvaluator evaluator = new AssignmentEvaluator(prepared, table, config, scoring, data.size(), scoring,
                data.size(), profiler, dir, fp32, layers);
        Assignment base = Assignment.uniform(layers, LayerChoice.INT8_PER_CHANNEL);
        double baseMicros = evaluator.latency(base).orElseThrow();
        List<LayerCost> costs = new ArrayList<>();
        for (String l : layers) {
            costs.add(cost(l, evaluator.latency(base.with(l, LayerChoice.FLOAT)).orElseThrow() - baseMicros, 0));
        }
        List<SharedBoundaries.Shared> shared = SharedBoundaries.find(layers, base, evaluator);

        // The premise, from the quantizer's own decisions: conv2 excluded leaves conv3 float as well.
        Assignment two = base.with("conv2", LayerChoice.FLOAT);
        Assignment twoThree = two.with("conv3", LayerChoice.FLOAT);
        List<NodeDecision> decisions = prepared.quantized(two.config(config), table).result().decisions();
        assertTrue(decisions.stream().anyMatch(d -> d.nodeName().equals("conv3")
                && d.action() != NodeDecision.Action.QUANTIZED), decisions.toString());
        assertEquals(twoThree, evaluator.effective(two).orElseThrow());
        assertEquals(evaluator.file(two), evaluator.file(twoThree), "one model, built once");
        double conv2 = costs.get(layers.indexOf("conv2")).latency(LayerChoice.FLOAT);
        double conv3 = costs.get(layers.indexOf("conv3")).latency(LayerChoice.FLOAT);
        assertEquals(conv2, SearchSpace.predictedLatency(costs, shared, twoThree), 1e-9,
                "conv2 and conv3 float is conv2's model: " + shared);
        assertNotEquals(conv2 + conv3, SearchSpace.predictedLatency(costs, shared, twoThree));

        // conv1 and conv2: each single-float model converts the tensor between them as a node of its own
        // (ONNX Runtime's profile); the model with both float, as built, converts it nowhere.
        String between = prepared.graph().node("conv2").orElseThrow().inputs().get(0);
        SharedBoundaries.Shared first = shared.stream().filter(s -> s.first().equals("conv1")
                && s.second().equals("conv2")).findFirst().orElseThrow(() -> new AssertionError(shared.toString()));
        assertEquals(Set.of(between), first.tensors());
        Assignment oneTwo = base.with("conv1", LayerChoice.FLOAT).with("conv2", LayerChoice.FLOAT);
        assertTrue(converts(prepared.quantized(base.with("conv1", LayerChoice.FLOAT).config(config), table).graph(),
                between));
        assertTrue(converts(prepared.quantized(two.config(config), table).graph(), between));
        assertFalse(converts(prepared.quantized(oneTwo.config(config), table).graph(), between));
        assertFalse(evaluator.timing(oneTwo).orElseThrow().boundaries().containsKey(between));
        // The prediction of the pair is its measured model, each single cost's boundary on the tensor gone.
        assertEquals(evaluator.latency(oneTwo).orElseThrow() - baseMicros,
                SearchSpace.predictedLatency(costs, shared, oneTwo), 1e-9);
        // Layers far apart do not touch: conv1 and conv4 float add up.
        assertTrue(shared.stream().noneMatch(s -> s.first().equals("conv1") && s.second().equals("conv4")),
                shared.toString());
    }

    /** Whether {@code g} converts {@code tensor}: a QuantizeLinear reads it or a DequantizeLinear is named after it. */
    private static boolean converts(Graph g, String tensor) {
        for (Node n : g.nodes()) {
            if ((n.is("QuantizeLinear") && n.inputs().get(0).equals(tensor))
                    || (n.is("DequantizeLinear") && n.name().equals(tensor + "_DequantizeLinear"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aBoundaryTheBaseModelRunsTooIsNoLayersOwn() {
        // The base model's standalone conversions run in every variant; their times differ only by noise.
        assertEquals(Map.of("new", 3.0), SharedBoundaries.own(Map.of("input", 5.0), Map.of("input", 9.0, "new", 3.0)));
    }

    @Test
    void knapsackCountsTheSharedBoundaryOfConsecutiveLayersOnce() {
        // Each layer's INT8 form uses 60% of the budget, so at most one stays INT8. Alone, float costs 10 us
        // each; together the shared boundary saves 15 us, so both float (5 us) beats either alone (10 us).
        List<LayerCost> costs = List.of(cost("a", 10, 0.006), cost("b", 10, 0.006));
        Assignment chosen = KnapsackSearch.solve(costs, List.of(new SharedBoundaries.Shared("a", "b", Set.of("t"),
                -15)), 0.01);
        assertEquals(LayerChoice.FLOAT, chosen.of("a"), chosen.toString());
        assertEquals(LayerChoice.FLOAT, chosen.of("b"), chosen.toString());
        // Without the correction one layer stays INT8: the sum would count the boundary twice.
        Assignment naive = KnapsackSearch.solve(costs, List.of(), 0.01);
        assertEquals(1, naive.count(LayerChoice.FLOAT), naive.toString());
        assertEquals(5.0, SearchSpace.predictedLatency(costs, List.of(new SharedBoundaries.Shared("a", "b",
                Set.of("t"), -15)), chosen), 1e-12);
    }

    static LayerCost cost(String layer, double floatMicros, double int8Drop) {
        Map<LayerChoice, Double> latency = new EnumMap<>(LayerChoice.class);
        latency.put(LayerChoice.INT8_PER_CHANNEL, 0.0);
        latency.put(LayerChoice.FLOAT, floatMicros);
        Map<LayerChoice, Double> drop = new EnumMap<>(LayerChoice.class);
        drop.put(LayerChoice.INT8_PER_CHANNEL, int8Drop);
        drop.put(LayerChoice.FLOAT, 0.0);
        return new LayerCost(layer, "Conv", latency, drop, Map.of(LayerChoice.FLOAT, 0L));
    }

    /** Four 3x3 convolutions with Relus, 8 to 16 channels on 16x16, pooled into a Gemm classifier. */
    static Path chain(Path dir) {
        HeInitializer init = new HeInitializer(5);
        GraphBuilder b = GraphBuilder.create("chain");
        String x = b.input("input", -1, 8, 16, 16);
        int in = 8;
        for (int i = 0; i < CONVS.size(); i++) {
            x = b.relu(b.conv(x, init.convWeights(16, in, 3, 3), init.uniform(-0.1f, 0.1f, 16), ConvOptions.of(1, 1)));
            in = 16;
        }
        String logits = b.gemm(b.flatten(b.globalAveragePool(x), 1), init.denseWeights(10, 16),
                init.uniform(-0.1f, 0.1f, 10), true);
        b.output(logits, "logits");
        ModelProto.Builder m = b.build().toBuilder();
        int conv = 0;
        for (int i = 0; i < m.getGraph().getNodeCount(); i++) {
            if (m.getGraph().getNode(i).getOpType().equals("Conv")) {
                m.getGraphBuilder().setNode(i, m.getGraph().getNode(i).toBuilder().setName(CONVS.get(conv++)));
            }
        }
        Path file = dir.resolve("chain.onnx");
        OnnxModel.of(m.build()).write(file);
        return file;
    }
}
