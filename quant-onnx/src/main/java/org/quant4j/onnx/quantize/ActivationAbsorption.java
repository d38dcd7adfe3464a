package org.quant4j.onnx.quantize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantParams;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorRange;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.NodeDecision.Action;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.ops.OpSpec.QdqRole;
import org.quant4j.onnx.ops.OpTable;

/**
 * The step of a {@link QdqPlan} that absorbs activations: a Relu or Clip directly after a quantized
 * op whose output nothing else reads is removed when the QuantizeLinear of its output clips as it
 * does, that is when its integer range, mapped back to reals, lies inside the activation's bounds
 * ({@link OpTable#bounds}). With uint8 asymmetric activations a Relu output has zero point 0, the
 * lowest level, so it is absorbed; with int8 symmetric ones (lowest level -128) it is not.
 */
final class ActivationAbsorption {

    /**
     * What absorption decided.
     *
     * @param absorptions the activations removed, in graph order
     * @param decisions   a decision for every activation node of the graph
     */
    record Result(List<QdqPlan.Absorption> absorptions, List<NodeDecision> decisions) {
    }

    private final Graph graph;
    private final QdqOverrides overrides;
    private final Map<String, TensorRange> observed;

    /**
     * @param observed calibrated ranges of the float32 tensors
     */
    ActivationAbsorption(Graph graph, QdqOverrides overrides, Map<String, TensorRange> observed) {
        this.graph = graph;
        this.overrides = overrides;
        this.observed = observed;
    }

    /** Decides for every Relu and Clip of the graph whether it is absorbed after one of {@code quantizedNodes}. */
    Result absorb(Set<String> quantizedNodes) {
        List<QdqPlan.Absorption> absorptions = new ArrayList<>();
        List<NodeDecision> decisions = new ArrayList<>();
        for (Node a : graph.nodes()) {
            if (OpTable.of(a).qdq() != QdqRole.ACTIVATION) {
                continue;
            }
            String excluded = overrides.config().exclusionReason(a.name(), a.opType());
            if (excluded != null) {
                decisions.add(skip(a, excluded));
                continue;
            }
            String x = a.input(0);
            String y = a.output(0);
            Optional<Node> producer = graph.producer(x);
            String kept = "runs in float32";
            if (producer.isEmpty() || !quantizedNodes.contains(producer.get().name())) {
                decisions.add(skip(a, kept + ": it is absorbed only directly after a quantized op, and its input '" + x
                        + "' comes" + producer.map(p -> " from " + p.opType() + " '" + p.name()
                                + "', which is not quantized").orElse(" from no node")));
                continue;
            }
            Node p = producer.get();
            if (graph.consumers(x).size() != 1 || graph.isGraphOutput(x)) {
                decisions.add(skip(a, kept + ": the output '" + x + "' of " + p.opType() + " '" + p.name()
                        + "' is also read elsewhere, so its value before " + a.opType() + " must stay"));
                continue;
            }
            Optional<Node> subgraphReader = subgraphReader(graph, y);
            if (subgraphReader.isPresent()) {
                // A subgraph reads the float tensor itself, not the DequantizeLinear: it needs the activation.
                decisions.add(skip(a, kept + ": its output '" + y + "' is read inside a subgraph of "
                        + subgraphReader.get().opType() + " '" + subgraphReader.get().name() + "'"));
                continue;
            }
            if (!observed.containsKey(y) || overrides.keptFloat(y)) {
                decisions.add(skip(a, kept + ": its output '" + y + "' is " + (overrides.keptFloat(y)
                        ? "kept in float32 by a tensor override" : "not float32")));
                continue;
            }
            double[] bounds = OpTable.bounds(graph, a);
            if (bounds == null) {
                decisions.add(skip(a, kept + ": its bounds are not constant initializers"));
                continue;
            }
            QuantScheme scheme = overrides.sharedScheme(List.of(y));
            QuantParams q = QuantParams.forRange(overrides.fixedRange(y).orElse(observed.get(y)), scheme);
            if (!clipsWithin(q, bounds)) {
                decisions.add(skip(a, kept + " between DequantizeLinear and QuantizeLinear: with " + scheme
                        + " activations the zero point of its output is " + q.zeroPoint(0) + ", not the lowest level "
                        + scheme.qmin() + ", so QuantizeLinear cannot clip as " + a.opType() + " does (ONNX Runtime"
                        + " absorbs it only then); " + p.opType() + " '" + p.name() + "' is still quantized"));
                continue;
            }
            absorptions.add(new QdqPlan.Absorption(a.name(), p.name(), x, y));
            decisions.add(new NodeDecision(a.name(), a.opType(), Action.FOLDED, "absorbed into the QuantizeLinear"
                    + " after " + p.opType() + " '" + p.name() + "': its zero point " + q.zeroPoint(0) + " is the"
                    + " lowest level, so it clips as " + a.opType() + " does"));
        }
        return new Result(absorptions, decisions);
    }

    /**
     * Checks that the final parameters of each absorbed activation's output still clip as the
     * activation does (a fixed range shared through a group can move the zero point).
     *
     * @throws InvalidInputException naming the activation and what to change
     */
    void requireClipping(List<QdqPlan.Absorption> absorptions, Map<String, QuantParams> params) {
        for (QdqPlan.Absorption a : absorptions) {
            QuantParams q = params.get(a.output());
            if (!clipsWithin(q, OpTable.bounds(graph, graph.node(a.activation()).orElseThrow()))) {
                throw new InvalidInputException("The fixed range of a tensor override sharing parameters with '"
                        + a.output() + "' makes its zero point " + q.zeroPoint(0) + ", so the absorbed "
                        + a.activation() + " could not clip: widen the override to start at 0 or exclude node '"
                        + a.activation() + "'");
            }
        }
    }

    /**
     * Candidate outputs of compute ops that only a Relu or Clip reads, mapped to that activation's
     * output, where the activation will most likely be absorbed (asymmetric activation scheme, no
     * override on either tensor, neither node excluded): the plan then quantizes the activation's
     * output and never uses the range of the op's own output.
     */
    static Map<String, String> absorbablePreActivations(Graph graph, QuantizationConfig config,
            Set<String> candidates) {
        Map<String, String> out = new LinkedHashMap<>();
        QdqOverrides overrides = new QdqOverrides(config);
        for (Node a : graph.nodes()) {
            if (OpTable.of(a).qdq() != QdqRole.ACTIVATION || config.exclusionReason(a.name(), a.opType()) != null) {
                continue;
            }
            String x = a.input(0);
            String y = a.output(0);
            Optional<Node> p = graph.producer(x);
            boolean computed = p.isPresent() && OpTable.of(p.get()).qdq() == QdqRole.COMPUTE
                    && config.exclusionReason(p.get().name(), p.get().opType()) == null;
            if (computed && candidates.contains(x) && candidates.contains(y) && graph.consumers(x).size() == 1
                    && !graph.isGraphOutput(x) && subgraphReader(graph, y).isEmpty()
                    && overrides.of(x).isEmpty() && overrides.of(y).isEmpty()
                    && !config.activationScheme(y).symmetric()) {
                out.put(x, y);
            }
        }
        return out;
    }

    /**
     * True when every real value {@code q} can represent lies inside {@code bounds}, up to half a
     * quantization step: then saturating to the integer range clips as the activation does.
     */
    static boolean clipsWithin(QuantParams q, double[] bounds) {
        double scale = q.scale(0);
        double lo = q.dequantize(q.scheme().qmin(), 0);
        double hi = q.dequantize(q.scheme().qmax(), 0);
        return lo >= bounds[0] - scale / 2 && hi <= bounds[1] + scale / 2;
    }

    private static NodeDecision skip(Node n, String reason) {
        return new NodeDecision(n.name(), n.opType(), Action.SKIPPED, reason);
    }

    /** A node that reads {@code tensor} inside one of its subgraphs (If, Loop, Scan), if any. */
    private static Optional<Node> subgraphReader(Graph graph, String tensor) {
        return graph.consumers(tensor).stream().filter(c -> c.subgraphInputs().contains(tensor)).findFirst();
    }
}
