package org.quant4j.onnx.quantize;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.ModelException;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorOverride;
import org.quant4j.api.TensorRange;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.NodeDecision.Action;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnx.ops.OpSpec;
import org.quant4j.onnx.ops.OpSpec.QdqRole;
import org.quant4j.onnx.ops.OpTable;

/**
 * The step of a {@link QdqPlan} that selects what is quantized, with a decision and its reason for
 * every node: compute ops ({@link QdqRole#COMPUTE}) whose inputs, weight and bias can be quantized,
 * and the pass-through ops ({@link OpSpec.QdqRole#passesThrough}) next to a quantized tensor, whose
 * input and output then join one {@link RangeGroups group}. What each input of a compute op is
 * (activation, weight with its channel axis, bias, constant) comes from the {@link OpTable}.
 *
 * <p>The steps run in order: {@link #selectComputeNodes}, {@link #absorbed} (the result of
 * {@link ActivationAbsorption}), {@link #propagateThroughPassThroughOps}, {@link #skipTheRest}.
 */
final class QdqSelection {

    private final Graph graph;
    private final QuantizationConfig config;
    private final QdqOverrides overrides;
    private final Map<String, TensorRange> observed;
    private final Map<String, String> floatTensors;
    /** The graph's nodes when the selection was made: decisions are read after the graph is rewritten. */
    private final List<Node> order;
    private final Map<String, NodeDecision> decisions = new HashMap<>();
    private final Map<String, QdqPlan.NodeRoles> computeNodes = new LinkedHashMap<>();
    private final Set<String> quantizedTensors = new LinkedHashSet<>();

    /**
     * @param observed     calibrated ranges of the float32 tensors
     * @param floatTensors tensors that must stay float32, with the reason
     */
    QdqSelection(Graph graph, QdqOverrides overrides, Map<String, TensorRange> observed,
            Map<String, String> floatTensors) {
        this.graph = graph;
        this.config = overrides.config();
        this.overrides = overrides;
        this.observed = observed;
        this.floatTensors = floatTensors;
        this.order = graph.nodes();
    }

    // ---------------------------------------------------------------- results

    /** A decision for every node decided so far, in topological order. */
    List<NodeDecision> decisions() {
        return order.stream().map(n -> decisions.get(n.name())).toList();
    }

    /** Quantized compute nodes and what they read, in topological order. */
    Map<String, QdqPlan.NodeRoles> computeNodes() {
        return Collections.unmodifiableMap(computeNodes);
    }

    /** Tensors that get QuantizeLinear/DequantizeLinear (named as after absorptions), in order of selection. */
    Set<String> quantizedTensors() {
        return Collections.unmodifiableSet(quantizedTensors);
    }

    // ---------------------------------------------------------------- checks before calibration

    /**
     * Checks, before any calibration, that the graph has something to quantize, is not quantized
     * already, and that every tensor override names a tensor of the graph.
     */
    static void checkQuantizable(Graph graph, QuantizationConfig config) {
        checkQuantizable(graph, List.of(graph), config);
    }

    /**
     * Checks as {@link #checkQuantizable(Graph, QuantizationConfig)} does the main graph
     * {@code graph} and the subgraphs nested in it: {@code scopes} holds them all.
     */
    static void checkQuantizable(Graph graph, List<Graph> scopes, QuantizationConfig config) {
        Set<String> ops = new TreeSet<>();
        boolean quantizable = false;
        List<Node> all = new ArrayList<>();
        scopes.forEach(s -> all.addAll(s.nodes()));
        for (Node n : all) {
            ops.add(n.domain().isEmpty() ? n.opType() : n.domain() + ":" + n.opType());
            if (OpTable.get(n.opType()).qdq() == QdqRole.QUANTIZED_FORM) {
                throw new ModelException("Model graph '" + graph.name() + "' is already quantized: node '" + n.name()
                        + "' is " + n.opType() + ". Quantize the float model instead");
            }
            quantizable |= OpTable.of(n).qdq().hasIntegerKernel();
        }
        if (!quantizable) {
            throw new ModelException("Model graph '" + graph.name() + "' has no op that static quantization can"
                    + " quantize: its ops are " + ops + ", quantizable ops are "
                    + OpTable.opTypes(s -> s.qdq().hasIntegerKernel()) + ". Nothing was written");
        }
        Set<String> tensors = new LinkedHashSet<>(graph.initializers().keySet());
        graph.inputs().forEach(i -> tensors.add(i.name()));
        for (Node n : all) {
            tensors.addAll(n.inputs());
            tensors.addAll(n.outputs());
        }
        for (Map.Entry<String, TensorOverride> e : config.tensorOverrides().entrySet()) {
            if (!tensors.contains(e.getKey())) {
                throw new InvalidInputException("A tensor override names '" + e.getKey() + "', which is no tensor of"
                        + " model graph '" + graph.name() + "' (after Identity/Dropout removal and BatchNormalization"
                        + " folding): check the name against the model's node inputs and outputs");
            }
            Optional<QuantScheme> scheme = e.getValue().scheme();
            if (scheme.isPresent() && scheme.get().precision().bits() != 8) {
                throw new InvalidInputException("The tensor override of '" + e.getKey() + "' asks for "
                        + scheme.get() + "; QDQ tensors are int8 or uint8");
            }
        }
    }

    /**
     * The float tensors whose ranges the plan may need: the non-constant inputs and outputs of every
     * node of a quantizable, pass-through or absorbable type that is not excluded, except tensors
     * declared with a non-float element type.
     */
    static Set<String> candidateTensors(Graph graph, QuantizationConfig config) {
        Set<String> tensors = new LinkedHashSet<>();
        for (Node n : graph.nodes()) {
            QdqRole role = OpTable.of(n).qdq();
            if (config.exclusionReason(n.name(), n.opType()) != null) {
                continue;
            }
            List<String> io = new ArrayList<>();
            if (role == QdqRole.COMPUTE) {
                io.addAll(n.inputs());
            } else if (role.passesThrough() || role == QdqRole.ACTIVATION) {
                io.add(n.input(0));
            } else {
                continue;
            }
            io.add(n.output(0));
            for (String t : io) {
                if (!t.isEmpty() && !graph.isInitializer(t) && declaredFloatOrUnknown(graph, t)) {
                    tensors.add(t);
                }
            }
        }
        return tensors;
    }

    private static boolean declaredFloatOrUnknown(Graph graph, String tensor) {
        int type = graph.tensorInfo(tensor).map(TensorInfo::elementType).orElse(0);
        return type == 0 || type == TensorProto.DataType.FLOAT_VALUE;
    }

    // ---------------------------------------------------------------- compute ops

    /** Selects the compute ops whose inputs, weight, bias and output can all be quantized. */
    void selectComputeNodes() {
        for (Node n : order) {
            if (!n.domain().isEmpty()) {
                skip(n, "op type " + n.opType() + " of domain " + n.domain() + " is not quantizable");
                continue;
            }
            QdqRole role = OpTable.of(n).qdq();
            if (role != QdqRole.COMPUTE) {
                if (!role.passesThrough() && role != QdqRole.ACTIVATION) {
                    skip(n, "op type " + n.opType() + " is not quantizable");
                }
                continue;
            }
            String excluded = config.exclusionReason(n.name(), n.opType());
            if (excluded != null) {
                skip(n, excluded);
                continue;
            }
            List<String> blockers = new ArrayList<>();
            QdqPlan.NodeRoles roles = roles(n, blockers);
            requireActivation(n.output(0), "output", blockers);
            if (!blockers.isEmpty()) {
                skip(n, blockers.get(0));
                continue;
            }
            computeNodes.put(n.name(), roles);
            quantizedTensors.addAll(roles.activations());
            quantizedTensors.add(n.output(0));
            decide(n, Action.QUANTIZED, quantizedReason(n, roles));
        }
    }

    /** The roles of {@code n}'s inputs, as its op table entry has them; problems that keep it in float go to {@code blockers}. */
    private QdqPlan.NodeRoles roles(Node n, List<String> blockers) {
        OpSpec spec = OpTable.of(n);
        List<String> activations = new ArrayList<>();
        List<String> constants = new ArrayList<>();
        String weight = "";
        int axis = -1;
        switch (spec.qdqInputs()) {
            case FIRST -> activations.add(n.input(0));
            case WEIGHTED, WEIGHT_IF_CONSTANT -> {
                activations.add(n.input(0));
                String w = n.input(spec.weightInput());
                if (spec.qdqInputs() == OpSpec.QdqInputs.WEIGHTED || graph.isInitializer(w)) {
                    weight = w;
                    requireWeight(weight, "weight", blockers);
                    axis = spec.weightAxis(n, rank(weight));
                } else {
                    activations.add(w);
                }
            }
            case FIRST_CONSTANT_IS_WEIGHT -> {
                for (int i = 0; i < 2; i++) {
                    String in = n.input(i);
                    if (!graph.isInitializer(in)) {
                        activations.add(in);
                    } else if (weight.isEmpty()) {
                        weight = in;
                        requireWeight(weight, "weight", blockers);
                        axis = spec.weightAxis().of(n, i, rank(in));
                    } else {
                        constants.add(in);
                    }
                }
            }
            case ALL -> {
                for (String in : n.inputs()) {
                    if (graph.isInitializer(in)) {
                        constants.add(in);
                    } else {
                        activations.add(in);
                    }
                }
            }
        }
        String bias = spec.biasInput() >= 0 ? n.input(spec.biasInput()) : "";
        float biasFactor = 1f;
        if (spec.biasInput() >= 0) {
            float alpha = spec.alpha(n);
            float beta = spec.beta(n);
            if (!bias.isEmpty() && beta == 0f) {
                blockers.add("its bias '" + bias + "' is multiplied by beta = 0");
            }
            // ONNX Runtime's QGemm reads an int32 C at scale alpha / beta * scaleA * scaleB.
            biasFactor = alpha / beta;
        }
        if (activations.isEmpty()) {
            blockers.add("all its inputs are constants");
        }
        for (String a : activations) {
            requireActivation(a, "input", blockers);
        }
        for (String c : constants) {
            requireWeight(c, "constant input", blockers);
        }
        if (!bias.isEmpty()) {
            if (!graph.isInitializer(bias)) {
                blockers.add("its bias '" + bias + "' is not a constant initializer");
            } else {
                requireWeight(bias, "bias", blockers);
                long[] dims = graph.shape(bias).orElse(new long[0]);
                if (dims.length != 1) {
                    blockers.add("its bias '" + bias + "' has shape " + Arrays.toString(dims)
                            + ", not one value per output channel");
                }
            }
        }
        if (n.outputs().size() > 1 && n.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
            blockers.add("it has more than one output");
        }
        return new QdqPlan.NodeRoles(activations, weight, axis, bias, biasFactor, constants,
                weight.isEmpty() ? Optional.empty() : Int16Pairing.of(graph, n, weight));
    }

    private int rank(String tensor) {
        return graph.shape(tensor).map(d -> d.length).orElse(-1);
    }

    private void requireActivation(String tensor, String role, List<String> blockers) {
        if (tensor.isEmpty()) {
            blockers.add("its " + role + " is missing");
        } else if (!observed.containsKey(tensor)) {
            blockers.add(graph.isMainGraph() ? role + " '" + tensor + "' is not float32"
                    : role + " '" + tensor + "' has no calibrated range (not float32, or its subgraph did not run on"
                            + " the calibration data)");
        } else if (overrides.keptFloat(tensor)) {
            blockers.add(role + " '" + tensor + "' is kept in float32 by a tensor override");
        } else if (floatTensors.containsKey(tensor)) {
            blockers.add(role + " '" + tensor + "' stays float32: " + floatTensors.get(tensor));
        }
    }

    private void requireWeight(String name, String role, List<String> blockers) {
        Optional<TensorProto> t = graph.initializer(name);
        if (t.isEmpty()) {
            blockers.add("its " + role + " '" + name + "' is not a constant initializer");
        } else if (t.get().getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            blockers.add("its " + role + " '" + name + "' is not float32");
        } else if (overrides.keptFloat(name)) {
            blockers.add("its " + role + " '" + name + "' is kept in float32 by a tensor override");
        }
    }

    private String quantizedReason(Node n, QdqPlan.NodeRoles roles) {
        StringBuilder sb = new StringBuilder(config.activationScheme().precision().name().toLowerCase(Locale.ROOT))
                .append(" activations");
        if (!roles.weight().isEmpty()) {
            QuantScheme w = QdqPlan.weightScheme(config, overrides, n.name(), roles);
            sb.append(", ").append(w.precision().name().toLowerCase(Locale.ROOT)).append(" weights ")
                    .append(w.perChannel() ? "per channel (axis " + w.axis() + ")" : "per tensor");
            if (w.reducedRange()) {
                sb.append(" in 7 bits [").append(w.qmin()).append(", ").append(w.qmax()).append("] (portable)");
            } else if (QdqPlan.pairLimit(config, overrides, roles).isPresent()) {
                sb.append(", ranges widened so no int16 pair sum can saturate (portable)");
            }
        }
        if (!roles.bias().isEmpty()) {
            sb.append(", int32 bias");
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- absorbed activations

    /** Records what {@link ActivationAbsorption} decided: an absorbed activation's output replaces its input. */
    void absorbed(ActivationAbsorption.Result result) {
        result.decisions().forEach(d -> decisions.put(d.nodeName(), d));
        for (QdqPlan.Absorption a : result.absorptions()) {
            quantizedTensors.remove(a.input());
            quantizedTensors.add(a.output());
        }
    }

    // ---------------------------------------------------------------- pass-through ops

    /**
     * Quantizes every pass-through op whose input or output is quantized, until none is left, and
     * joins its input and output in {@code groups}.
     */
    void propagateThroughPassThroughOps(RangeGroups groups) {
        List<Node> candidates = new ArrayList<>();
        for (Node n : order) {
            if (!OpTable.of(n).qdq().passesThrough()) {
                continue;
            }
            String excluded = config.exclusionReason(n.name(), n.opType());
            String x = n.input(0);
            String y = n.output(0);
            if (excluded != null) {
                skip(n, excluded);
            } else if (n.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
                skip(n, "its second output ('" + n.output(1) + "') is used and has no quantized form");
            } else if (!observed.containsKey(x) || !observed.containsKey(y)) {
                skip(n, "its " + (observed.containsKey(x) ? "output '" + y : "input '" + x) + "' is not float32");
            } else if (overrides.keptFloat(x) || overrides.keptFloat(y)) {
                skip(n, "its " + (overrides.keptFloat(x) ? "input '" + x : "output '" + y)
                        + "' is kept in float32 by a tensor override");
            } else if (floatTensors.containsKey(x)) {
                skip(n, "its input '" + x + "' stays float32: " + floatTensors.get(x));
            } else {
                candidates.add(n);
            }
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Node n : candidates) {
                String x = n.input(0);
                String y = n.output(0);
                if (!decisions.containsKey(n.name())
                        && (quantizedTensors.contains(x) || quantizedTensors.contains(y))) {
                    quantizedTensors.add(x);
                    quantizedTensors.add(y);
                    groups.join(x, y);
                    decide(n, Action.QUANTIZED, "runs on the integers of its input: its output keeps the input's"
                            + " scale and zero point");
                    changed = true;
                }
            }
        }
        for (Node n : candidates) {
            if (!decisions.containsKey(n.name())) {
                skip(n, "it only passes quantization through, and neither its input '" + n.input(0)
                        + "' nor its output '" + n.output(0) + "' is quantized");
            }
        }
    }

    /** Skips every node not decided yet. */
    void skipTheRest() {
        for (Node n : order) {
            if (!decisions.containsKey(n.name())) {
                skip(n, "op type " + n.opType() + " is not quantizable");
            }
        }
    }

    // ---------------------------------------------------------------- float outputs

    /**
     * Outputs that must not get a QuantizeLinear, because ONNX Runtime would then quantize the node
     * that writes them although this selection leaves it in float: excluded nodes, and compute ops
     * that were skipped, whose inputs are all quantized. ONNX Runtime fuses DequantizeLinear, op,
     * QuantizeLinear into an integer op, and for the ops whose {@link OpSpec#quantizesFloatWeights}
     * (Conv, ConvTranspose, Gemm) it even quantizes float weights and biases itself when the first
     * input comes from a DequantizeLinear and the output reaches a QuantizeLinear through at most
     * Relu or Clip. So the output of such a node, and of a Relu/Clip chain after a Conv or Gemm,
     * stays float; readers of those tensors then run in float as well.
     */
    Map<String, String> outputsOrtWouldQuantize() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Node n : order) {
            NodeDecision d = decisions.get(n.name());
            boolean excluded = config.exclusionReason(n.name(), n.opType()) != null;
            OpSpec spec = OpTable.of(n);
            if (d.action() != Action.SKIPPED || !n.domain().isEmpty()
                    || !(excluded || spec.qdq() == QdqRole.COMPUTE)) {
                continue;
            }
            boolean weighted = spec.quantizesFloatWeights();
            List<String> reads = weighted ? List.of(n.input(0))
                    : n.inputs().stream().filter(i -> !i.isEmpty()).toList();
            if (reads.isEmpty() || !quantizedTensors.containsAll(reads)) {
                continue;
            }
            String reason = "it comes from " + n.opType() + " '" + n.name() + "', which is not quantized ("
                    + d.reason() + "), and a QuantizeLinear after it would make ONNX Runtime quantize it anyway";
            n.outputs().stream().filter(o -> !o.isEmpty()).forEach(o -> out.put(o, reason));
            String t = n.output(0);
            while (weighted && graph.consumers(t).size() == 1 && !graph.isGraphOutput(t)) {
                Node next = graph.consumers(t).get(0);
                if (OpTable.of(next).qdq() != QdqRole.ACTIVATION) {
                    break;
                }
                t = next.output(0);
                out.put(t, reason);
            }
        }
        return out;
    }

    /** Why the first few compute ops were skipped, for the error that says nothing can be quantized. */
    String skipSummary() {
        List<String> reasons = new ArrayList<>();
        for (Node n : order) {
            NodeDecision d = decisions.get(n.name());
            if (d.action() == Action.SKIPPED && OpTable.get(n.opType()).qdq().hasIntegerKernel()
                    && reasons.size() < 5) {
                reasons.add(n.opType() + " '" + n.name() + "': " + d.reason());
            }
        }
        return reasons.isEmpty() ? "it has no quantizable op" : String.join("; ", reasons);
    }

    // ---------------------------------------------------------------- decisions

    private void skip(Node n, String reason) {
        decide(n, Action.SKIPPED, reason);
    }

    private void decide(Node n, Action action, String reason) {
        decisions.put(n.name(), new NodeDecision(n.name(), n.opType(), action, reason));
    }
}
