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
import org.quant4j.api.QuantParams;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorOverride;
import org.quant4j.api.TensorRange;
import org.quant4j.api.quantize.NodeDecision.Action;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.TensorInfo;

/**
 * What static QDQ quantization does to a graph, decided from the graph, the config and the
 * calibrated ranges, before anything is rewritten. It follows the QDQ form that ONNX Runtime fuses
 * into integer kernels (QLinearConv, QGemm, QLinearAdd, ...):
 *
 * <ul>
 *   <li><b>Compute ops</b> ({@link #COMPUTE_OPS}) get QuantizeLinear/DequantizeLinear on their float
 *       inputs and output; their weight initializers become int8 and their biases int32.</li>
 *   <li><b>Pass-through ops</b> ({@link #PASS_THROUGH_OPS}) are quantized when their input or output
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
 */
public final class QdqPlan {

    /** Ops quantized with their own input and output parameters. */
    static final Set<String> COMPUTE_OPS = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul", "Add", "Mul", "Concat",
            "AveragePool", "GlobalAveragePool");

    /** Ops whose output reuses their input's parameters. */
    static final Set<String> PASS_THROUGH_OPS = Set.of("MaxPool", "Reshape", "Flatten", "Transpose", "Squeeze",
            "Unsqueeze");

    /** Activations that can be absorbed into the QuantizeLinear of their producer. */
    static final Set<String> ACTIVATION_OPS = Set.of("Relu", "Clip");

    /** Ops a model needs at least one of for static quantization to do anything. */
    static final Set<String> QUANTIZABLE_OPS = allOf(COMPUTE_OPS, Set.of("MaxPool"));

    private static final Set<String> QDQ_OPS = Set.of("QuantizeLinear", "DequantizeLinear", "QLinearConv",
            "QLinearMatMul", "ConvInteger", "MatMulInteger", "DynamicQuantizeLinear");

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

    private final Graph graph;
    private final QuantizationConfig config;
    private final Map<String, TensorRange> observed;
    private final List<Node> order;
    private final Map<String, NodeDecision> decisions = new HashMap<>();
    private final Map<String, NodeRoles> computeNodes = new LinkedHashMap<>();
    private final List<Absorption> absorptions = new ArrayList<>();
    private final Set<String> quantizedTensors = new LinkedHashSet<>();
    private final Map<String, String> groupParent = new HashMap<>();
    private final Map<String, QuantParams> params = new LinkedHashMap<>();
    private final Map<String, String> floatTensors;

    private QdqPlan(Graph graph, QuantizationConfig config, Map<String, TensorRange> observed,
            Map<String, String> floatTensors) {
        this.graph = graph;
        this.config = config;
        this.observed = observed;
        this.order = graph.nodes();
        this.floatTensors = floatTensors;
    }

    /**
     * Plans the quantization of {@code graph}.
     *
     * @param observed calibrated ranges of the float32 tensors among {@link #candidateTensors}
     * @throws ModelException        when no node can be quantized
     * @throws InvalidInputException when tensor overrides contradict each other or the plan
     */
    static QdqPlan build(Graph graph, QuantizationConfig config, Map<String, TensorRange> observed) {
        // Outputs that must stay float grow until the selection no longer changes; the set only grows.
        Map<String, String> floatTensors = new LinkedHashMap<>();
        QdqPlan plan;
        while (true) {
            plan = new QdqPlan(graph, config, observed, floatTensors);
            plan.selectComputeNodes();
            plan.absorbActivations();
            plan.propagateThroughPassThroughOps();
            plan.skipTheRest();
            Map<String, String> more = plan.outputsOrtWouldQuantize();
            if (floatTensors.keySet().containsAll(more.keySet())) {
                break;
            }
            more.forEach(floatTensors::putIfAbsent);
        }
        if (plan.computeNodes.isEmpty()) {
            throw new ModelException("No node of model graph '" + graph.name() + "' can be quantized: "
                    + plan.skipSummary() + ". Nothing was written");
        }
        plan.computeParams();
        return plan;
    }

    /**
     * Checks, before any calibration, that the graph has something to quantize, is not quantized
     * already, and that every tensor override names a tensor of the graph.
     */
    static void checkQuantizable(Graph graph, QuantizationConfig config) {
        Set<String> ops = new TreeSet<>();
        boolean quantizable = false;
        for (Node n : graph.nodes()) {
            ops.add(n.domain().isEmpty() ? n.opType() : n.domain() + ":" + n.opType());
            if (QDQ_OPS.contains(n.opType())) {
                throw new ModelException("Model graph '" + graph.name() + "' is already quantized: node '" + n.name()
                        + "' is " + n.opType() + ". Quantize the float model instead");
            }
            quantizable |= n.domain().isEmpty() && QUANTIZABLE_OPS.contains(n.opType());
        }
        if (!quantizable) {
            throw new ModelException("Model graph '" + graph.name() + "' has no op that static quantization can"
                    + " quantize: its ops are " + ops + ", quantizable ops are " + new TreeSet<>(QUANTIZABLE_OPS)
                    + ". Nothing was written");
        }
        Set<String> tensors = new LinkedHashSet<>(graph.initializers().keySet());
        graph.inputs().forEach(i -> tensors.add(i.name()));
        for (Node n : graph.nodes()) {
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
    public static Set<String> candidateTensors(Graph graph, QuantizationConfig config) {
        Set<String> tensors = new LinkedHashSet<>();
        for (Node n : graph.nodes()) {
            if (!n.domain().isEmpty() || config.exclusionReason(n.name(), n.opType()) != null) {
                continue;
            }
            List<String> io = new ArrayList<>();
            if (COMPUTE_OPS.contains(n.opType())) {
                io.addAll(n.inputs());
            } else if (PASS_THROUGH_OPS.contains(n.opType()) || ACTIVATION_OPS.contains(n.opType())) {
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

    /**
     * Candidate outputs of compute ops that only a Relu or Clip reads, mapped to that activation's
     * output, where the activation will most likely be absorbed (asymmetric activation scheme, no
     * override on either tensor, neither node excluded): the plan then quantizes the activation's
     * output and never uses the range of the op's own output.
     */
    static Map<String, String> absorbablePreActivations(Graph graph, QuantizationConfig config,
            Set<String> candidates) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Node a : graph.nodes()) {
            if (!a.domain().isEmpty() || !ACTIVATION_OPS.contains(a.opType())
                    || config.exclusionReason(a.name(), a.opType()) != null) {
                continue;
            }
            String x = a.input(0);
            String y = a.output(0);
            Optional<Node> p = graph.producer(x);
            boolean computed = p.isPresent() && p.get().domain().isEmpty() && COMPUTE_OPS.contains(p.get().opType())
                    && config.exclusionReason(p.get().name(), p.get().opType()) == null;
            if (computed && candidates.contains(x) && candidates.contains(y) && graph.consumers(x).size() == 1
                    && !graph.isGraphOutput(x) && override(config, x).isEmpty() && override(config, y).isEmpty()
                    && !activationScheme(config, y).symmetric()) {
                out.put(x, y);
            }
        }
        return out;
    }

    private static Optional<TensorOverride> override(QuantizationConfig config, String tensor) {
        return Optional.ofNullable(config.tensorOverrides().get(tensor));
    }

    private static boolean declaredFloatOrUnknown(Graph graph, String tensor) {
        int type = graph.tensorInfo(tensor).map(TensorInfo::elementType).orElse(0);
        return type == 0 || type == TensorProto.DataType.FLOAT_VALUE;
    }

    // ---------------------------------------------------------------- results

    /** A decision for every node of the graph, in topological order. */
    List<NodeDecision> decisions() {
        return order.stream().map(n -> decisions.get(n.name())).toList();
    }

    /** Quantized compute nodes and what they read, in topological order. */
    Map<String, NodeRoles> computeNodes() {
        return Collections.unmodifiableMap(computeNodes);
    }

    List<Absorption> absorptions() {
        return List.copyOf(absorptions);
    }

    /** Tensors that get QuantizeLinear/DequantizeLinear, with their parameters (named as after absorptions). */
    Map<String, QuantParams> activationParams() {
        return Collections.unmodifiableMap(params);
    }

    /** Ranges the parameters were computed from, one per quantized tensor. */
    Map<String, TensorRange> ranges() {
        Map<String, TensorRange> r = new LinkedHashMap<>();
        for (String t : quantizedTensors) {
            r.put(t, groupRange(find(t)));
        }
        return r;
    }

    /** Where the quantizers go, for simulation: the activation groups and the weight sites. */
    QdqLayout layout() {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String t : quantizedTensors) {
            groups.computeIfAbsent(find(t), k -> new ArrayList<>()).add(t);
        }
        List<QdqLayout.ActivationGroup> activations = new ArrayList<>();
        for (List<String> members : groups.values()) {
            activations.add(new QdqLayout.ActivationGroup(members, groupRange(find(members.get(0))),
                    params.get(members.get(0))));
        }
        Map<String, QdqLayout.WeightSite> weights = new LinkedHashMap<>();
        computeNodes.forEach((node, roles) -> {
            if (roles.weight() != null && !roles.weight().isEmpty()) {
                QuantScheme scheme = weightScheme(roles);
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
    QuantScheme weightScheme(NodeRoles roles) {
        Optional<QuantScheme> forced = schemeOverride(roles.weight());
        if (forced.isPresent()) {
            return forced.get();
        }
        QuantScheme scheme = config.weightScheme(Math.max(roles.weightAxis(), 0));
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
        return config.kernelTarget().limitsPairSums() && schemeOverride(roles.weight()).isEmpty()
                ? roles.pairing().filter(p -> p != Int16Pairing.ANY_ORDER) : Optional.empty();
    }

    /** The activation scheme of {@code tensor}: its override's, or the config's. */
    static QuantScheme activationScheme(QuantizationConfig config, String tensor) {
        return config.activationScheme(tensor);
    }

    /** The scheme a tensor override sets for {@code name}, if any. */
    Optional<QuantScheme> schemeOverride(String name) {
        return override(name).flatMap(TensorOverride::scheme);
    }

    /** The fixed range a tensor override sets for {@code name}, if any. */
    Optional<TensorRange> fixedRange(String name) {
        return override(name).flatMap(TensorOverride::range);
    }

    // ---------------------------------------------------------------- selection

    private void selectComputeNodes() {
        for (Node n : order) {
            if (!n.domain().isEmpty()) {
                skip(n, "op type " + n.opType() + " of domain " + n.domain() + " is not quantizable");
                continue;
            }
            if (!COMPUTE_OPS.contains(n.opType())) {
                if (!PASS_THROUGH_OPS.contains(n.opType()) && !ACTIVATION_OPS.contains(n.opType())) {
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
            NodeRoles roles = roles(n, blockers);
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

    /** The roles of {@code n}'s inputs; problems that keep it in float are added to {@code blockers}. */
    private NodeRoles roles(Node n, List<String> blockers) {
        List<String> activations = new ArrayList<>();
        List<String> constants = new ArrayList<>();
        String weight = "";
        int axis = -1;
        String bias = "";
        float biasFactor = 1f;
        switch (n.opType()) {
            case "Conv", "ConvTranspose" -> {
                activations.add(n.input(0));
                weight = n.input(1);
                requireWeight(weight, "weight", blockers);
                boolean grouped = n.intAttribute("group", 1) != 1;
                axis = n.is("Conv") ? 0 : grouped ? -1 : 1;
                bias = n.input(2);
            }
            case "Gemm" -> {
                activations.add(n.input(0));
                if (graph.isInitializer(n.input(1))) {
                    weight = n.input(1);
                    requireWeight(weight, "weight", blockers);
                    axis = n.intAttribute("transB", 0) != 0 ? 0 : 1;
                } else {
                    activations.add(n.input(1));
                }
                bias = n.input(2);
                float alpha = n.floatAttribute("alpha", 1f);
                float beta = n.floatAttribute("beta", 1f);
                if (!bias.isEmpty() && beta == 0f) {
                    blockers.add("its bias '" + bias + "' is multiplied by beta = 0");
                }
                // ONNX Runtime's QGemm reads an int32 C at scale alpha / beta * scaleA * scaleB.
                biasFactor = alpha / beta;
            }
            case "MatMul" -> {
                for (int i = 0; i < 2; i++) {
                    String in = n.input(i);
                    if (!graph.isInitializer(in)) {
                        activations.add(in);
                    } else if (weight.isEmpty()) {
                        weight = in;
                        requireWeight(weight, "weight", blockers);
                        long[] dims = graph.shape(in).orElse(new long[0]);
                        axis = i == 1 && dims.length == 2 ? 1 : -1;
                    } else {
                        constants.add(in);
                    }
                }
            }
            case "Add", "Mul", "Concat" -> {
                for (String in : n.inputs()) {
                    if (graph.isInitializer(in)) {
                        constants.add(in);
                    } else {
                        activations.add(in);
                    }
                }
            }
            default -> activations.add(n.input(0));
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
        return new NodeRoles(activations, weight, axis, bias, biasFactor, constants,
                weight.isEmpty() ? Optional.empty() : Int16Pairing.of(graph, n, weight));
    }

    private void requireActivation(String tensor, String role, List<String> blockers) {
        if (tensor.isEmpty()) {
            blockers.add("its " + role + " is missing");
        } else if (!observed.containsKey(tensor)) {
            blockers.add(role + " '" + tensor + "' is not float32");
        } else if (keptFloat(tensor)) {
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
        } else if (keptFloat(name)) {
            blockers.add("its " + role + " '" + name + "' is kept in float32 by a tensor override");
        }
    }

    private String quantizedReason(Node n, NodeRoles roles) {
        StringBuilder sb = new StringBuilder(config.activationScheme().precision().name().toLowerCase(Locale.ROOT))
                .append(" activations");
        if (!roles.weight().isEmpty()) {
            QuantScheme w = weightScheme(roles);
            sb.append(", ").append(w.precision().name().toLowerCase(Locale.ROOT)).append(" weights ")
                    .append(w.perChannel() ? "per channel (axis " + w.axis() + ")" : "per tensor");
            if (w.reducedRange()) {
                sb.append(" in 7 bits [").append(w.qmin()).append(", ").append(w.qmax()).append("] (portable)");
            } else if (pairLimit(roles).isPresent()) {
                sb.append(", ranges widened so no int16 pair sum can saturate (portable)");
            }
        }
        if (!roles.bias().isEmpty()) {
            sb.append(", int32 bias");
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- activations

    private void absorbActivations() {
        for (Node a : order) {
            if (!a.domain().isEmpty() || !ACTIVATION_OPS.contains(a.opType())) {
                continue;
            }
            String excluded = config.exclusionReason(a.name(), a.opType());
            if (excluded != null) {
                skip(a, excluded);
                continue;
            }
            String x = a.input(0);
            String y = a.output(0);
            Optional<Node> producer = graph.producer(x);
            String kept = "runs in float32";
            if (producer.isEmpty() || !computeNodes.containsKey(producer.get().name())) {
                skip(a, kept + ": it is absorbed only directly after a quantized op, and its input '" + x + "' comes"
                        + producer.map(p -> " from " + p.opType() + " '" + p.name() + "', which is not quantized")
                                .orElse(" from no node"));
                continue;
            }
            Node p = producer.get();
            if (graph.consumers(x).size() != 1 || graph.isGraphOutput(x)) {
                skip(a, kept + ": the output '" + x + "' of " + p.opType() + " '" + p.name()
                        + "' is also read elsewhere, so its value before " + a.opType() + " must stay");
                continue;
            }
            if (!observed.containsKey(y) || keptFloat(y)) {
                skip(a, kept + ": its output '" + y + "' is " + (keptFloat(y) ? "kept in float32 by a tensor override"
                        : "not float32"));
                continue;
            }
            double[] bounds = bounds(graph, a);
            if (bounds == null) {
                skip(a, kept + ": its bounds are not constant initializers");
                continue;
            }
            QuantScheme scheme = schemeOf(List.of(y));
            QuantParams q = QuantParams.forRange(fixedRange(y).orElse(observed.get(y)), scheme);
            if (!clipsWithin(q, bounds)) {
                skip(a, kept + " between DequantizeLinear and QuantizeLinear: with " + scheme + " activations the"
                        + " zero point of its output is " + q.zeroPoint(0) + ", not the lowest level " + scheme.qmin()
                        + ", so QuantizeLinear cannot clip as " + a.opType() + " does (ONNX Runtime absorbs it only"
                        + " then); " + p.opType() + " '" + p.name() + "' is still quantized");
                continue;
            }
            absorptions.add(new Absorption(a.name(), p.name(), x, y));
            quantizedTensors.remove(x);
            quantizedTensors.add(y);
            decide(a, Action.FOLDED, "absorbed into the QuantizeLinear after " + p.opType() + " '" + p.name()
                    + "': its zero point " + q.zeroPoint(0) + " is the lowest level, so it clips as " + a.opType()
                    + " does");
        }
    }

    /** Lower and upper bound of a Relu or Clip of {@code graph}, or null when they are not constants. */
    public static double[] bounds(Graph graph, Node a) {
        if (a.is("Relu")) {
            return new double[] {0, Double.POSITIVE_INFINITY};
        }
        double[] b = {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        for (int i = 1; i <= 2; i++) {
            String in = a.input(i);
            if (in.isEmpty()) {
                continue;
            }
            Optional<FloatTensor> v = graph.initializer(in)
                    .filter(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE)
                    .flatMap(t -> graph.floatInitializer(in));
            if (v.isEmpty() || v.get().size() != 1) {
                return null;
            }
            b[i - 1] = v.get().get(0);
        }
        return b;
    }

    /**
     * True when every real value {@code q} can represent lies inside {@code bounds}, up to half a
     * quantization step: then saturating to the integer range clips as the activation does.
     */
    private static boolean clipsWithin(QuantParams q, double[] bounds) {
        double scale = q.scale(0);
        double lo = q.dequantize(q.scheme().qmin(), 0);
        double hi = q.dequantize(q.scheme().qmax(), 0);
        return lo >= bounds[0] - scale / 2 && hi <= bounds[1] + scale / 2;
    }

    // ---------------------------------------------------------------- pass-through ops

    private void propagateThroughPassThroughOps() {
        List<Node> candidates = new ArrayList<>();
        for (Node n : order) {
            if (!n.domain().isEmpty() || !PASS_THROUGH_OPS.contains(n.opType())) {
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
            } else if (keptFloat(x) || keptFloat(y)) {
                skip(n, "its " + (keptFloat(x) ? "input '" + x : "output '" + y)
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
                    union(x, y);
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

    private void skipTheRest() {
        for (Node n : order) {
            if (!decisions.containsKey(n.name())) {
                skip(n, "op type " + n.opType() + " is not quantizable");
            }
        }
    }

    // ---------------------------------------------------------------- float outputs

    /**
     * Outputs that must not get a QuantizeLinear, because ONNX Runtime would then quantize the node
     * that writes them although this plan leaves it in float: excluded nodes, and compute ops that
     * were skipped, whose inputs are all quantized. ONNX Runtime fuses DequantizeLinear, op,
     * QuantizeLinear into an integer op, and for Conv, ConvTranspose and Gemm it even quantizes float
     * weights and biases itself (its WeightBiasQuantization pass) when the first input comes from a
     * DequantizeLinear and the output reaches a QuantizeLinear through at most Relu or Clip. So the
     * output of such a node, and of a Relu/Clip chain after a Conv or Gemm, stays float; readers of
     * those tensors then run in float as well.
     */
    private Map<String, String> outputsOrtWouldQuantize() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Node n : order) {
            NodeDecision d = decisions.get(n.name());
            boolean excluded = config.exclusionReason(n.name(), n.opType()) != null;
            if (d.action() != Action.SKIPPED || !n.domain().isEmpty()
                    || !(excluded || COMPUTE_OPS.contains(n.opType()))) {
                continue;
            }
            boolean weighted = n.is("Conv") || n.is("ConvTranspose") || n.is("Gemm");
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
                if (!next.domain().isEmpty() || !ACTIVATION_OPS.contains(next.opType())) {
                    break;
                }
                t = next.output(0);
                out.put(t, reason);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- parameters

    private void computeParams() {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String t : quantizedTensors) {
            groups.computeIfAbsent(find(t), k -> new ArrayList<>()).add(t);
        }
        for (List<String> members : groups.values()) {
            QuantParams q = QuantParams.forRange(groupRange(find(members.get(0))), schemeOf(members));
            members.forEach(t -> params.put(t, q));
        }
        for (Absorption a : absorptions) {
            QuantParams q = params.get(a.output());
            if (!clipsWithin(q, bounds(graph, graph.node(a.activation()).orElseThrow()))) {
                throw new InvalidInputException("The fixed range of a tensor override sharing parameters with '"
                        + a.output() + "' makes its zero point " + q.zeroPoint(0) + ", so the absorbed "
                        + a.activation() + " could not clip: widen the override to start at 0 or exclude node '"
                        + a.activation() + "'");
            }
        }
    }

    private TensorRange groupRange(String root) {
        TensorRange fixed = null;
        TensorRange union = null;
        for (String t : quantizedTensors) {
            if (!find(t).equals(root)) {
                continue;
            }
            Optional<TensorRange> f = fixedRange(t);
            if (f.isPresent()) {
                if (fixed != null && !fixed.equals(f.get())) {
                    throw new InvalidInputException("Tensors '" + t + "' and others share quantization parameters"
                            + " (a pass-through op joins them) but their overrides fix different ranges " + fixed
                            + " and " + f.get() + ": give them the same range");
                }
                fixed = f.get();
            }
            TensorRange r = observed.get(t);
            if (r != null) {
                union = union == null ? r
                        : new TensorRange(Math.min(union.min(), r.min()), Math.max(union.max(), r.max()));
            }
        }
        if (fixed == null && union == null) {
            throw new IllegalStateException("No range for the group of tensor '" + root + "': it was neither"
                    + " calibrated nor fixed by an override");
        }
        return fixed != null ? fixed : union;
    }

    private QuantScheme schemeOf(List<String> members) {
        QuantScheme scheme = null;
        for (String t : members) {
            Optional<QuantScheme> s = schemeOverride(t);
            if (s.isPresent()) {
                if (s.get().perChannel()) {
                    throw new InvalidInputException("The tensor override of activation '" + t + "' asks for "
                            + s.get() + "; activations are quantized per tensor");
                }
                if (scheme != null && !scheme.equals(s.get())) {
                    throw new InvalidInputException("Tensors " + members + " share quantization parameters but their"
                            + " overrides ask for different schemes " + scheme + " and " + s.get());
                }
                scheme = s.get();
            }
        }
        return scheme != null ? scheme : config.activationScheme();
    }

    private Optional<TensorOverride> override(String tensor) {
        return override(config, tensor);
    }

    private boolean keptFloat(String tensor) {
        return override(tensor).map(TensorOverride::keepFloat).orElse(false);
    }

    private String find(String t) {
        String p = groupParent.getOrDefault(t, t);
        if (p.equals(t)) {
            return t;
        }
        String root = find(p);
        groupParent.put(t, root);
        return root;
    }

    private void union(String a, String b) {
        String ra = find(a);
        String rb = find(b);
        if (!ra.equals(rb)) {
            groupParent.put(rb, ra);
        }
    }

    // ---------------------------------------------------------------- decisions

    private void skip(Node n, String reason) {
        decide(n, Action.SKIPPED, reason);
    }

    private void decide(Node n, Action action, String reason) {
        decisions.put(n.name(), new NodeDecision(n.name(), n.opType(), action, reason));
    }

    private String skipSummary() {
        List<String> reasons = new ArrayList<>();
        for (Node n : order) {
            NodeDecision d = decisions.get(n.name());
            if (d.action() == Action.SKIPPED && QUANTIZABLE_OPS.contains(n.opType()) && reasons.size() < 5) {
                reasons.add(n.opType() + " '" + n.name() + "': " + d.reason());
            }
        }
        return reasons.isEmpty() ? "it has no quantizable op" : String.join("; ", reasons);
    }

    private static Set<String> allOf(Set<String> a, Set<String> b) {
        Set<String> s = new LinkedHashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }
}
