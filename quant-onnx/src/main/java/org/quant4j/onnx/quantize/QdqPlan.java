package org.quant4j.onnx.quantize;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.ModelException;
import org.quant4j.api.QuantParams;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorRange;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.ops.OpTable;

/**
 * What static QDQ quantization does to a graph, decided from the graph, the config and the
 * calibrated ranges, before anything is rewritten. It follows the QDQ form that ONNX Runtime fuses
 * into integer kernels (QLinearConv, QGemm, QLinearAdd, ...):
 *
 * <ul>
 *   <li><b>Compute ops</b> (role {@link org.quant4j.onnx.ops.OpSpec.QdqRole#COMPUTE} in the {@link OpTable}) get QuantizeLinear/DequantizeLinear on their float
 *       inputs and output; their weight initializers become int8 and their biases int32.</li>
 *   <li><b>Pass-through ops</b> (MaxPool, Reshape, Flatten, ...) are quantized when their input or output
 *       is: the output shares the input's scale and zero point, so ONNX Runtime drops the
 *       DequantizeLinear/QuantizeLinear pair around them and they run on the integers (MaxPool needs
 *       equal input and output parameters for that).</li>
 *   <li><b>Relu and Clip</b> directly after a quantized op whose output nothing else reads are
 *       absorbed (removed) when the QuantizeLinear of their output clips as they do: its integer
 *       range, mapped back to reals, lies inside the activation's bounds. With uint8 asymmetric
 *       activations a Relu output has zero point 0, the lowest level, so Q saturates negatives to 0
 *       exactly as Relu does, and ONNX Runtime sees DequantizeLinear, Conv, QuantizeLinear. With int8
 *       symmetric activations (zero point 0, lowest level -128) that is not so, and the activation
 *       stays in float between its own DequantizeLinear and QuantizeLinear.</li>
 * </ul>
 *
 * <p>Tensors whose parameters must be equal form one group; a group's range is its fixed-range
 * override if a member has one, else the union of its members' calibrated ranges.
 *
 * <p>The plan runs its steps, each a class of its own: {@link QdqSelection} (which nodes are
 * quantized, and why or why not), {@link ActivationAbsorption} (Relu and Clip absorbed into the
 * QuantizeLinear of their producer) and {@link RangeGroups} (tensors that share parameters, and
 * those parameters).
 */
public final class QdqPlan {

    /**
     * The tensors a quantized compute node reads, by role.
     *
     * @param activations float inputs quantized with activation parameters (graph tensors)
     * @param weight      the weight initializer, or empty
     * @param weightAxis  channel axis of the weight for per-channel quantization; -1 for per-tensor
     * @param bias        the bias initializer (becomes int32), or empty
     * @param biasFactor  bias scale is {@code biasFactor * inputScale * weightScale} (Gemm's alpha / beta)
     * @param constants   other float initializers, quantized with the activation scheme
     * @param pairing     how the kernel that reads the weight pairs products in int16 on AVX2; empty
     *                    when it does not ({@link Int16Pairing})
     */
    record NodeRoles(List<String> activations, String weight, int weightAxis, String bias, float biasFactor,
            List<String> constants, Optional<Int16Pairing> pairing) {
    }

    /**
     * A Relu or Clip removed because the QuantizeLinear of its producer's output clips as it does.
     *
     * @param activation the removed node
     * @param producer   the quantized node that now writes {@code output}
     * @param input      the tensor between them, which disappears
     * @param output     the activation's output
     */
    record Absorption(String activation, String producer, String input, String output) {
    }

    private final QuantizationConfig config;
    private final QdqOverrides overrides;
    private final QdqSelection selection;
    private final List<Absorption> absorptions;
    private final RangeGroups groups;
    private final Map<String, QuantParams> params;

    private QdqPlan(QdqOverrides overrides, QdqSelection selection, List<Absorption> absorptions,
            RangeGroups groups, Map<String, QuantParams> params) {
        this.config = overrides.config();
        this.overrides = overrides;
        this.selection = selection;
        this.absorptions = List.copyOf(absorptions);
        this.groups = groups;
        this.params = params;
    }

    /**
     * Plans the quantization of {@code graph}.
     *
     * @param observed calibrated ranges of the float32 tensors among {@link #candidateTensors}
     * @throws ModelException        when no node can be quantized
     * @throws InvalidInputException when tensor overrides contradict each other or the plan
     */
    static QdqPlan build(Graph graph, QuantizationConfig config, Map<String, TensorRange> observed) {
        QdqPlan plan = buildAllowingNone(graph, config, observed);
        if (plan.computeNodes().isEmpty()) {
            throw new ModelException("No node of model graph '" + graph.name() + "' can be quantized: "
                    + plan.skipSummary() + ". Nothing was written");
        }
        return plan;
    }

    /** Plans as {@link #build} does, but a graph with nothing to quantize (a subgraph, say) gives an empty plan. */
    static QdqPlan buildAllowingNone(Graph graph, QuantizationConfig config, Map<String, TensorRange> observed) {
        QdqOverrides overrides = new QdqOverrides(config);
        ActivationAbsorption absorption = new ActivationAbsorption(graph, overrides, observed);
        // Outputs that must stay float grow until the selection no longer changes; the set only grows.
        Map<String, String> floatTensors = new LinkedHashMap<>();
        QdqSelection selection;
        ActivationAbsorption.Result absorbed;
        RangeGroups groups;
        while (true) {
            selection = new QdqSelection(graph, overrides, observed, floatTensors);
            selection.selectComputeNodes();
            absorbed = absorption.absorb(selection.computeNodes().keySet());
            selection.absorbed(absorbed);
            groups = new RangeGroups(overrides, observed);
            selection.propagateThroughPassThroughOps(groups);
            selection.skipTheRest();
            Map<String, String> more = selection.outputsOrtWouldQuantize();
            if (floatTensors.keySet().containsAll(more.keySet())) {
                break;
            }
            more.forEach(floatTensors::putIfAbsent);
        }
        Map<String, QuantParams> params = groups.params(selection.quantizedTensors());
        absorption.requireClipping(absorbed.absorptions(), params);
        return new QdqPlan(overrides, selection, absorbed.absorptions(), groups, params);
    }

    /**
     * Checks, before any calibration, that the graph has something to quantize, is not quantized
     * already, and that every tensor override names a tensor of the graph.
     */
    static void checkQuantizable(Graph graph, QuantizationConfig config) {
        QdqSelection.checkQuantizable(graph, config);
    }

    /** Why the nodes of the graph were skipped, first reason per op type. */
    String skipSummary() {
        return selection.skipSummary();
    }

    /**
     * The float tensors whose ranges the plan may need: the non-constant inputs and outputs of every
     * node of a quantizable, pass-through or absorbable type that is not excluded, except tensors
     * declared with a non-float element type.
     */
    public static Set<String> candidateTensors(Graph graph, QuantizationConfig config) {
        return QdqSelection.candidateTensors(graph, config);
    }

    /**
     * Candidate outputs of compute ops that only a Relu or Clip reads, mapped to that activation's
     * output, where the activation will most likely be absorbed (see
     * {@link ActivationAbsorption#absorbablePreActivations}).
     */
    static Map<String, String> absorbablePreActivations(Graph graph, QuantizationConfig config,
            Set<String> candidates) {
        return ActivationAbsorption.absorbablePreActivations(graph, config, candidates);
    }

    // ---------------------------------------------------------------- results

    /** A decision for every node of the graph, in topological order. */
    List<NodeDecision> decisions() {
        return selection.decisions();
    }

    /** Quantized compute nodes and what they read, in topological order. */
    Map<String, NodeRoles> computeNodes() {
        return selection.computeNodes();
    }

    List<Absorption> absorptions() {
        return absorptions;
    }

    /** Tensors that get QuantizeLinear/DequantizeLinear, with their parameters (named as after absorptions). */
    Map<String, QuantParams> activationParams() {
        return Collections.unmodifiableMap(params);
    }

    /** Ranges the parameters were computed from, one per quantized tensor. */
    Map<String, TensorRange> ranges() {
        return groups.ranges(selection.quantizedTensors());
    }

    /** Where the quantizers go, for simulation: the activation groups and the weight sites. */
    QdqLayout layout() {
        List<QdqLayout.ActivationGroup> activations = new ArrayList<>();
        for (List<String> members : groups.groups(selection.quantizedTensors())) {
            activations.add(new QdqLayout.ActivationGroup(members, groups.range(members), params.get(members.get(0))));
        }
        Map<String, QdqLayout.WeightSite> weights = new LinkedHashMap<>();
        selection.computeNodes().forEach((node, roles) -> {
            if (roles.weight() != null && !roles.weight().isEmpty()) {
                QuantScheme scheme = weightScheme(node, roles);
                weights.put(node, new QdqLayout.WeightSite(node, roles.weight(),
                        scheme.perChannel() ? scheme.axis() : -1, scheme, pairLimit(roles)));
            }
        });
        return new QdqLayout(activations, weights);
    }

    /**
     * The scheme of the weight of a node with these roles: its override's, or the config's; for the
     * portable target, 7-bit levels where the kernel pairs products in an order not modelled
     * ({@link Int16Pairing#ANY_ORDER}).
     */
    QuantScheme weightScheme(String node, NodeRoles roles) {
        return weightScheme(config, overrides, node, roles);
    }

    static QuantScheme weightScheme(QuantizationConfig config, QdqOverrides overrides, String node, NodeRoles roles) {
        Optional<QuantScheme> forced = overrides.scheme(roles.weight());
        if (forced.isPresent()) {
            return forced.get();
        }
        QuantScheme scheme = config.weightScheme(node, Math.max(roles.weightAxis(), 0));
        if (roles.weightAxis() < 0) {
            scheme = scheme.toBuilder().perTensor().build();
        }
        return config.kernelTarget().limitsPairSums() && roles.pairing().equals(Optional.of(Int16Pairing.ANY_ORDER))
                ? scheme.toBuilder().reducedRange(true).build() : scheme;
    }

    /**
     * The pairing whose sums the weight's ranges must keep within int16: present for the portable
     * target when the kernel pairs products in a known order and no override sets the scheme.
     */
    Optional<Int16Pairing> pairLimit(NodeRoles roles) {
        return pairLimit(config, overrides, roles);
    }

    static Optional<Int16Pairing> pairLimit(QuantizationConfig config, QdqOverrides overrides, NodeRoles roles) {
        return config.kernelTarget().limitsPairSums() && overrides.scheme(roles.weight()).isEmpty()
                ? roles.pairing().filter(p -> p != Int16Pairing.ANY_ORDER) : Optional.empty();
    }

    /** The scheme a tensor override sets for {@code name}, if any. */
    Optional<QuantScheme> schemeOverride(String name) {
        return overrides.scheme(name);
    }

    /** The fixed range a tensor override sets for {@code name}, if any. */
    Optional<TensorRange> fixedRange(String name) {
        return overrides.fixedRange(name);
    }
}
