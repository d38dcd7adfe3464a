package org.quant4j.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Makes tensors computed inside the subgraphs of {@code If}, {@code Loop} and {@code Scan} nodes
 * visible in the main graph, for a runtime that reports main-graph tensors only (calibration runs
 * the model and observes tensors by name). Each tensor is carried out one level at a time:
 * <ul>
 *   <li>{@code If}: the branch that computes it gets it as an extra output, the other branch an
 *       empty float32 tensor (shape {@code [0]}), and the If node an extra output. Whichever branch
 *       runs, the main graph sees the tensor's values or nothing: an empty tensor adds nothing to a
 *       range.</li>
 *   <li>{@code Loop} and {@code Scan}: the body gets it as an extra scan output, so the node's extra
 *       output stacks its values of every iteration (nothing when the body never runs).</li>
 * </ul>
 * Only float32 tensors are carried (an empty float32 tensor must match the branch's type); the
 * element type comes from the declarations or, where there are none (exporters rarely declare the
 * tensors of a subgraph), from the ops that compute it ({@link #elementType}).
 */
public final class SubgraphOutputs {

    /**
     * What {@link #thread} did.
     *
     * @param names    each carried tensor, mapped to the main-graph tensor that holds its values
     * @param unthreaded subgraph tensors that could not be carried out, with the reason
     */
    public record Result(Map<String, String> names, Map<String, String> unthreaded) {
    }

    private SubgraphOutputs() {
    }

    /**
     * Changes {@code main} (a copy the caller owns) so that each of {@code tensors} that a nested
     * subgraph computes is carried out to a main-graph tensor. Tensors of the main graph itself are
     * left alone and absent from the result.
     */
    public static Result thread(Graph main, Collection<String> tensors) {
        List<Graph> nested = main.nestedSubgraphs();
        Map<String, Graph> definedIn = new HashMap<>();
        for (Graph s : nested) {
            s.inputs().forEach(i -> definedIn.putIfAbsent(i.name(), s));
            for (Node n : s.nodes()) {
                n.outputs().stream().filter(o -> !o.isEmpty()).forEach(o -> definedIn.putIfAbsent(o, s));
            }
        }
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, String> unthreaded = new LinkedHashMap<>();
        Map<String, Integer> types = new HashMap<>();
        for (String t : new LinkedHashSet<>(tensors)) {
            Graph s = definedIn.get(t);
            if (s == null) {
                continue;
            }
            int type = elementType(s, t, types);
            if (type != TensorProto.DataType.FLOAT_VALUE) {
                unthreaded.put(t, type == 0 ? "its element type is unknown" : "it is not float32");
                continue;
            }
            Optional<String> blocker = blocker(s);
            if (blocker.isPresent()) {
                unthreaded.put(t, blocker.get());
                continue;
            }
            String name = t;
            for (Graph g = s; !g.isMainGraph(); g = g.parent().orElseThrow()) {
                name = carryOut(g, name, nested);
            }
            names.put(t, name);
        }
        Graph.writeBackAll(nested);
        return new Result(names, unthreaded);
    }

    /** Why tensors of subgraph {@code s} cannot be carried out, or empty when they can. */
    private static Optional<String> blocker(Graph s) {
        for (Graph g = s; !g.isMainGraph(); g = g.parent().orElseThrow()) {
            Node owner = g.parent().orElseThrow().node(g.owner().orElseThrow()).orElseThrow();
            if (!owner.domain().isEmpty() || !Set.of("If", "Loop", "Scan").contains(owner.opType())) {
                return Optional.of("it lies in a subgraph of " + owner.opType() + " '" + owner.name()
                        + "', which is not If, Loop or Scan");
            }
        }
        return Optional.empty();
    }

    /** Carries {@code tensor} of subgraph {@code g} out to a new output of its owner node; returns that output. */
    private static String carryOut(Graph g, String tensor, List<Graph> nested) {
        Graph parent = g.parent().orElseThrow();
        Node owner = parent.node(g.owner().orElseThrow()).orElseThrow();
        String output = parent.uniqueName(tensor + "_quant4j_out");
        String carried = tensor;
        if (g.isGraphOutput(tensor) || g.isGraphInput(tensor)) {
            // A graph output is listed once; an input (a loop-carried value) becomes an output through an Identity.
            carried = g.uniqueName(tensor + "_quant4j_copy");
            g.addNode(Node.of(g.uniqueName(carried), "Identity", List.of(tensor), List.of(carried)));
        }
        g.addOutput(TensorInfo.floatTensorOfUnknownShape(carried));
        Node changed = owner;
        if (owner.is("If")) {
            Graph other = nested.stream().filter(s -> s.parent().orElse(null) == parent
                    && s.owner().orElseThrow().equals(owner.name()) && !s.ownerAttribute().equals(g.ownerAttribute()))
                    .findFirst().orElseThrow(() -> new IllegalStateException("If '" + owner.name()
                            + "' has one branch only"));
            String empty = other.uniqueName(tensor + "_quant4j_empty");
            other.addNode(Node.of(other.uniqueName(empty), "Constant", Node.DEFAULT_DOMAIN, List.of(), List.of(empty),
                    List.of(Attributes.tensor("value", TensorProtos.floats(empty, new FloatTensor(new long[] {0},
                            new float[0]))))));
            other.addOutput(TensorInfo.floatTensorOfUnknownShape(empty));
        } else if (owner.is("Scan")) {
            for (String attr : List.of("scan_output_axes", "scan_output_directions")) {
                Optional<long[]> values = owner.intsAttribute(attr);
                if (values.isPresent()) {
                    long[] more = java.util.Arrays.copyOf(values.get(), values.get().length + 1);
                    changed = changed.withAttribute(Attributes.ints(attr, more));
                }
            }
        }
        List<String> outputs = new ArrayList<>(owner.outputs());
        outputs.add(output);
        parent.replaceNode(owner.name(), changed.withOutputs(outputs));
        return output;
    }

    /**
     * The element type of {@code tensor} as seen from {@code g} ({@code TensorProto.DataType}
     * number), 0 when unknown: its declaration, its initializer, else the rule of the op that
     * computes it (Cast's target, int64 for Shape and Size, bool for comparisons, a Constant's
     * value, the declared output of a subgraph, else the type of the op's first input, as for
     * every arithmetic, shape-moving and pooling op).
     */
    public static int elementType(Graph g, String tensor, Map<String, Integer> memo) {
        String key = g.path() + "|" + tensor;
        Integer known = memo.get(key);
        if (known != null) {
            return known;
        }
        memo.put(key, 0);
        int type = g.tensorInfo(tensor).map(TensorInfo::elementType).orElse(0);
        if (type == 0) {
            Optional<TensorProto> init = g.initializer(tensor);
            Optional<Node> producer = g.producer(tensor);
            if (init.isPresent()) {
                type = init.get().getDataType();
            } else if (producer.isPresent()) {
                type = producedType(g, producer.get(), producer.get().outputs().indexOf(tensor), memo);
            } else if (g.parent().isPresent() && !g.isGraphInput(tensor)) {
                type = elementType(g.parent().get(), tensor, memo);
            }
        }
        memo.put(key, type);
        return type;
    }

    private static int producedType(Graph g, Node p, int index, Map<String, Integer> memo) {
        if (!p.domain().isEmpty()) {
            return 0;
        }
        return switch (p.opType()) {
            case "Cast" -> (int) p.intAttribute("to", 0);
            case "Shape", "Size", "ArgMax", "ArgMin", "NonZero", "NonMaxSuppression" ->
                    TensorProto.DataType.INT64_VALUE;
            case "Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual", "Not", "And", "Or", "Xor", "IsNaN",
                    "IsInf" -> TensorProto.DataType.BOOL_VALUE;
            case "Constant" -> constantType(p);
            case "ConstantOfShape" -> p.attribute("value").map(a -> a.getT().getDataType())
                    .orElse(TensorProto.DataType.FLOAT_VALUE);
            case "DequantizeLinear" -> TensorProto.DataType.FLOAT_VALUE;
            case "Where" -> elementType(g, p.input(1), memo);
            case "If" -> declaredOutput(p, "then_branch", index);
            case "Loop" -> declaredOutput(p, "body", index + 1);
            case "Scan" -> declaredOutput(p, "body", index);
            case "LSTM", "GRU", "RNN" -> elementType(g, p.input(0), memo);
            case "QuantizeLinear", "DynamicQuantizeLinear", "TopK", "MaxPool", "Unique" ->
                    index == 0 && !p.is("QuantizeLinear") && !p.is("DynamicQuantizeLinear")
                            ? elementType(g, p.input(0), memo) : 0;
            default -> index == 0 && !p.input(0).isEmpty() ? elementType(g, p.input(0), memo) : 0;
        };
    }

    private static int constantType(Node p) {
        for (AttributeProto a : p.attributes().values()) {
            switch (a.getName()) {
                case "value", "sparse_value" -> {
                    return a.hasT() ? a.getT().getDataType() : 0;
                }
                case "value_float", "value_floats" -> {
                    return TensorProto.DataType.FLOAT_VALUE;
                }
                case "value_int", "value_ints" -> {
                    return TensorProto.DataType.INT64_VALUE;
                }
                default -> {
                }
            }
        }
        return 0;
    }

    private static int declaredOutput(Node p, String attribute, int index) {
        Optional<AttributeProto> a = p.attribute(attribute);
        if (a.isEmpty() || !a.get().hasG()) {
            return 0;
        }
        GraphProto g = a.get().getG();
        if (index < 0 || index >= g.getOutputCount()) {
            return 0;
        }
        ValueInfoProto v = g.getOutput(index);
        return v.getType().getTensorType().getElemType();
    }
}
