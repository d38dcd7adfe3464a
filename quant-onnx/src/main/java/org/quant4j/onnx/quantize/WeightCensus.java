package org.quant4j.onnx.quantize;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.WeightSummary;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.TensorProtos;
import org.quant4j.onnx.ops.OpSpec;
import org.quant4j.onnx.ops.OpTable;

/**
 * The float weights of a graph before it is quantized, to tell afterwards what became of them. A
 * weight is an input of a node whose {@link OpTable} entry lists it as a weight input (Conv, Gemm,
 * MatMul, LSTM, ...) and that is a FLOAT initializer, in the main graph or in any subgraph nested in it
 * (If branches, Loop and Scan bodies; a subgraph's weight may be held by an enclosing graph). After
 * quantization, a weight that is still a FLOAT initializer read by a node was left in float; one that
 * is gone or has another element type was stored in the mode's precision (one byte per value for
 * INT8, two for FP16).
 */
public final class WeightCensus {

    private final Map<String, Long> weights;
    private final Map<String, String> computedWeights;

    private WeightCensus(Map<String, Long> weights, Map<String, String> computedWeights) {
        this.weights = weights;
        this.computedWeights = computedWeights;
    }

    /** The float weights of {@code graph} as it is now (after the inference transforms, before quantizing). */
    public static WeightCensus of(Graph graph) {
        Map<String, Long> weights = new LinkedHashMap<>();
        Map<String, String> computed = new LinkedHashMap<>();
        for (Graph scope : scopes(graph)) {
            for (Node n : scope.nodes()) {
                census(scope, n, weights, computed);
            }
        }
        return new WeightCensus(weights, computed);
    }

    /** The main graph and every subgraph nested in it (If branches, Loop and Scan bodies). */
    private static List<Graph> scopes(Graph graph) {
        List<Graph> scopes = new ArrayList<>();
        scopes.add(graph);
        scopes.addAll(graph.nestedSubgraphs());
        return scopes;
    }

    /** The graph of {@code scope} or an enclosing one that holds initializer {@code name}, or null. */
    private static Graph holder(Graph scope, String name) {
        for (Graph g = scope; g != null; g = g.parent().orElse(null)) {
            if (g.initializers().containsKey(name)) {
                return g;
            }
        }
        return null;
    }

    /** A weight's key: the path of the graph that holds it and its name (sibling branches may reuse names). */
    private static String key(Graph holder, String name) {
        return holder.path() + "|" + name;
    }

    private static void census(Graph graph, Node n, Map<String, Long> weights, Map<String, String> computed) {
        OpSpec spec = OpTable.of(n);
        for (int i : spec.weightInputs()) {
            String w = n.input(i);
            if (w.isEmpty()) {
                continue;
            }
            Optional<TensorProto> t = graph.initializer(w);
            if (t.isPresent() && t.get().getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                weights.put(key(holder(graph, w), w), FloatTensor.elementCount(TensorProtos.dims(t.get())));
            } else if (t.isEmpty() && graph.producer(w).isPresent() && !n.is("MatMul")) {
                // A MatMul of two activations has no weight; a Conv or Gemm whose weight is computed does.
                computed.putIfAbsent(n.opType(), n.opType() + " '" + n.name() + "' reads weight '" + w
                        + "' from " + graph.producer(w).get().opType() + " '" + graph.producer(w).get().name()
                        + "', which quant4j cannot evaluate before run time");
            }
        }
    }

    /** Number of float weight tensors found. */
    public int size() {
        return weights.size();
    }

    /**
     * Per op type, the first layer whose weight is computed by the graph instead of held in an
     * initializer (so it cannot be quantized ahead of time).
     */
    public Map<String, String> computedWeights() {
        return computedWeights;
    }

    /** What became of the weights in {@code quantized}, the same graph after a quantizer of {@code mode} ran. */
    public WeightSummary after(Graph quantized, QuantizationMode mode) {
        int bytesPerValue = mode == QuantizationMode.FP16 ? 2 : 1;
        int converted = 0;
        long convertedBytes = 0;
        int leftFloat = 0;
        long leftFloatBytes = 0;
        Map<String, Graph> byPath = new HashMap<>();
        scopes(quantized).forEach(g -> byPath.put(g.path(), g));
        for (Map.Entry<String, Long> w : weights.entrySet()) {
            Graph holder = byPath.get(w.getKey().substring(0, w.getKey().indexOf('|')));
            String name = w.getKey().substring(w.getKey().indexOf('|') + 1);
            boolean stillFloat = holder != null && Optional.ofNullable(holder.initializers().get(name))
                    .filter(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE).isPresent()
                    && !holder.consumers(name).isEmpty();
            if (stillFloat) {
                leftFloat++;
                leftFloatBytes += w.getValue() * Float.BYTES;
            } else {
                converted++;
                convertedBytes += w.getValue() * bytesPerValue;
            }
        }
        return new WeightSummary(mode == QuantizationMode.FP16 ? "float16" : "int8", converted, convertedBytes,
                leftFloat, leftFloatBytes);
    }

    /**
     * For each op type that has weights, the first reason a node of that type was skipped, e.g.
     * {@code Conv 'conv3': excluded by op type}; then the first computed weight per op type.
     */
    public String firstReasons(List<NodeDecision> decisions) {
        Map<String, String> first = new LinkedHashMap<>();
        for (NodeDecision d : decisions) {
            if (d.action() == NodeDecision.Action.SKIPPED && !OpTable.get(d.opType()).weightInputs().isEmpty()) {
                first.putIfAbsent(d.opType(), d.opType() + " '" + d.nodeName() + "': " + d.reason());
            }
        }
        computedWeights.forEach(first::putIfAbsent);
        return first.isEmpty() ? "no layer with weights was considered" : String.join("; ", first.values());
    }
}
