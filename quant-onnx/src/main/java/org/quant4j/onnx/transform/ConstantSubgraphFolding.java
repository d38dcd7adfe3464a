package org.quant4j.onnx.transform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.NodeDecision.Action;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.ShapeInference;
import org.quant4j.onnx.graph.TensorProtos;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates, in Java, nodes whose result is fixed and stores it as an initializer: nodes whose inputs
 * are all initializers, and {@code Shape} of a tensor whose dimensions are known. It covers the shape
 * arithmetic exporters write (Shape, Gather, Unsqueeze, Squeeze, Concat, Slice, Reshape) and the
 * arithmetic on constant weights (Cast, Add, Sub, Mul, Div, Transpose), on FLOAT, INT64 and INT32
 * tensors. Nodes are visited in topological order, so a chain folds to its end in one pass. Other ops,
 * other element types and nodes writing a graph output are left as they are; a node with constant
 * inputs that is left gets a {@link Action#SKIPPED} decision saying why.
 *
 * <p>A fold never makes the model much larger: a result with more values than its inputs together
 * (a broadcast) is kept as a node when it exceeds {@value #MAX_GROWTH_ELEMENTS} values.
 */
public final class ConstantSubgraphFolding implements GraphTransform {

    private static final Logger LOG = LoggerFactory.getLogger(ConstantSubgraphFolding.class);

    /** Ops evaluated when all their inputs are constant. */
    static final Set<String> EVALUATED = Set.of("Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice",
            "Reshape", "Cast", "Add", "Sub", "Mul", "Div", "Transpose");

    /** Largest result that may hold more values than the inputs it replaces. */
    static final int MAX_GROWTH_ELEMENTS = 4096;

    @Override
    public String name() {
        return "constant-subgraph-folding";
    }

    @Override
    public List<NodeDecision> apply(Graph graph) {
        List<NodeDecision> decisions = new ArrayList<>();
        Map<String, long[]> inferred = null;
        for (Node n : graph.nodes()) {
            boolean shapeOp = n.is("Shape");
            if (!n.domain().isEmpty() || n.outputs().size() != 1 || n.output(0).isEmpty()
                    || !(shapeOp || allInputsConstant(graph, n))) {
                continue;
            }
            Optional<String> blocker;
            ConstantTensor value = null;
            if (!EVALUATED.contains(n.opType())) {
                blocker = Optional.of("constant folding does not evaluate " + n.opType());
            } else if (graph.isGraphOutput(n.output(0))) {
                blocker = Optional.of("its output '" + n.output(0) + "' is a graph output");
            } else {
                try {
                    if (shapeOp) {
                        if (inferred == null) {
                            inferred = ShapeInference.infer(graph);
                        }
                        value = shape(graph, n, inferred);
                    } else {
                        value = evaluate(graph, n);
                    }
                    blocker = value == null ? Optional.of("the shape of '" + n.input(0) + "' is not fully known")
                            : tooLarge(graph, n, value);
                } catch (Unsupported | ArithmeticException | IllegalArgumentException e) {
                    blocker = Optional.of(e.getMessage());
                }
            }
            if (blocker.isPresent()) {
                if (!shapeOp || value != null) {
                    String reason = n.opType() + " on constants kept: " + blocker.get();
                    LOG.debug("Node '{}': {}", n.name(), reason);
                    decisions.add(new NodeDecision(n.name(), n.opType(), Action.SKIPPED, reason));
                }
                continue;
            }
            graph.removeNode(n.name());
            graph.putInitializer(value.toProto(n.output(0)));
            n.inputs().stream().filter(in -> !in.isEmpty()).forEach(graph::removeInitializerIfUnused);
            String reason = n.opType() + " of constants evaluated: its output '" + n.output(0)
                    + "' is now an initializer " + value;
            LOG.debug("Node '{}': {}", n.name(), reason);
            decisions.add(new NodeDecision(n.name(), n.opType(), Action.FOLDED, reason));
        }
        return decisions;
    }

    private static boolean allInputsConstant(Graph graph, Node n) {
        return !n.inputs().isEmpty() && n.subgraphInputs().isEmpty()
                && n.inputs().stream().allMatch(in -> in.isEmpty() || graph.isInitializer(in))
                && n.inputs().stream().anyMatch(in -> !in.isEmpty());
    }

    private static Optional<String> tooLarge(Graph graph, Node n, ConstantTensor value) {
        long inputs = n.inputs().stream().filter(in -> !in.isEmpty())
                .mapToLong(in -> graph.shape(in).map(org.quant4j.onnx.graph.FloatTensor::elementCount).orElse(0L))
                .sum();
        return value.size() > inputs && value.size() > MAX_GROWTH_ELEMENTS
                ? Optional.of("its result of " + value.size() + " values would be larger than its inputs")
                : Optional.empty();
    }

    /** {@code Shape} of a tensor whose selected dimensions are all known; null when one is not. */
    private static ConstantTensor shape(Graph graph, Node n, Map<String, long[]> inferred) {
        long[] dims = graph.shape(n.input(0)).filter(ConstantSubgraphFolding::known)
                .orElse(inferred.get(n.input(0)));
        if (dims == null) {
            return null;
        }
        int rank = dims.length;
        int start = (int) clamp(axis(n.intAttribute("start", 0), rank, true), 0, rank);
        int end = (int) clamp(axis(n.intAttribute("end", rank), rank, true), 0, rank);
        long[] selected = Arrays.copyOfRange(dims, start, Math.max(start, end));
        if (!known(selected)) {
            return null;
        }
        return ConstantTensor.ofInts(ConstantTensor.INT64, new long[] {selected.length}, selected);
    }

    private static boolean known(long[] dims) {
        return Arrays.stream(dims).allMatch(d -> d >= 0);
    }

    private static ConstantTensor evaluate(Graph graph, Node n) {
        List<ConstantTensor> in = new ArrayList<>();
        for (String name : n.inputs()) {
            if (name.isEmpty()) {
                in.add(null);
                continue;
            }
            int type = graph.initializer(name).orElseThrow().getDataType();
            if (!ConstantTensor.supports(type)) {
                throw new Unsupported("its input '" + name + "' has element type " + TensorProtos.typeName(type)
                        + ", which constant folding does not evaluate");
            }
            in.add(ConstantTensor.of(graph.initializer(name).orElseThrow()));
        }
        return switch (n.opType()) {
            case "Add", "Sub", "Mul", "Div" -> ConstantOps.binary(n.opType(), in.get(0), in.get(1));
            case "Cast" -> {
                int to = (int) n.intAttribute("to", 0);
                if (!ConstantTensor.supports(to)) {
                    throw new Unsupported("it casts to " + TensorProtos.typeName(to)
                            + ", which constant folding does not evaluate");
                }
                yield in.get(0).cast(to);
            }
            case "Transpose" -> ConstantOps.transpose(in.get(0), n.intsAttribute("perm").orElse(null));
            case "Reshape" -> ConstantOps.reshape(in.get(0), in.get(1).longs(), n.intAttribute("allowzero", 0) != 0);
            case "Gather" -> ConstantOps.gather(in.get(0), in.get(1), (int) n.intAttribute("axis", 0));
            case "Concat" -> ConstantOps.concat(in, (int) n.intAttribute("axis", 0));
            case "Unsqueeze" -> ConstantOps.unsqueeze(in.get(0), axes(n, in));
            case "Squeeze" -> ConstantOps.squeeze(in.get(0), axes(n, in));
            case "Slice" -> slice(graph, n, in);
            default -> throw new Unsupported("constant folding does not evaluate " + n.opType());
        };
    }

    /** The axes of Unsqueeze/Squeeze: attribute before opset 13, optional input 1 from 13 on. */
    private static long[] axes(Node n, List<ConstantTensor> in) {
        Optional<long[]> attr = n.intsAttribute("axes");
        if (attr.isPresent()) {
            return attr.get();
        }
        return in.size() > 1 && in.get(1) != null ? in.get(1).longs() : null;
    }

    private static ConstantTensor slice(Graph graph, Node n, List<ConstantTensor> in) {
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (graph.opset() < 10) {
            starts = n.intsAttribute("starts").orElseThrow(() -> new Unsupported("it has no starts"));
            ends = n.intsAttribute("ends").orElseThrow(() -> new Unsupported("it has no ends"));
            axes = n.intsAttribute("axes").orElse(null);
        } else {
            starts = in.get(1).longs();
            ends = in.get(2).longs();
            axes = in.size() > 3 && in.get(3) != null ? in.get(3).longs() : null;
            steps = in.size() > 4 && in.get(4) != null ? in.get(4).longs() : null;
        }
        return ConstantOps.slice(in.get(0), starts, ends, axes, steps);
    }

    /** {@code axis} made non-negative for a tensor of {@code rank}; when {@code lenient}, out-of-range is kept. */
    static long axis(long axis, int rank, boolean lenient) {
        long a = axis < 0 ? axis + rank : axis;
        if (!lenient && (a < 0 || a >= rank)) {
            throw new Unsupported("axis " + axis + " is out of range for rank " + rank);
        }
        return a;
    }

    static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Why a node cannot be evaluated; caught per node. */
    static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported(String reason) {
            super(reason, null, false, false);
        }
    }
}
