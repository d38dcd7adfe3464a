package org.quant4j.onnx.graph;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import org.quant4j.api.ModelException;

/**
 * Decides whether raising a graph's default-domain opset (up to 13) leaves every node's meaning
 * unchanged, so that only the declared version needs to change. It rewrites nothing: when an op
 * changed between the two versions in a way that matters for the node at hand, the upgrade is
 * refused with the node, op and version named. Ops it has no rule for are refused too.
 *
 * <p>The rules come from the ONNX operator changelog (versions 7 to 13). An op is listed under
 * {@link #CHANGES} with each version whose change matters and a test of whether it matters for a
 * given node; ops in {@link #UNCHANGED} only gained types, optional inputs or attributes whose
 * defaults keep the old behaviour, or negative axes, in that range.
 */
final class OpsetUpgrade {

    /** Highest target opset the rules cover. */
    static final int MAX_TARGET = 13;

    /** One version of an op whose change matters for some nodes. */
    private record Change(int version, String what, BiPredicate<Graph, Node> matters) {
    }

    private static final BiPredicate<Graph, Node> ALWAYS = (g, n) -> true;

    private static final Set<String> UNCHANGED = Set.of(
            "Abs", "Acos", "Acosh", "And", "ArgMax", "ArgMin", "Asin", "Asinh", "Atan", "Atanh", "BitShift", "Cast",
            "Ceil", "Celu", "Compress", "Concat", "Constant", "ConstantOfShape", "Cos", "Cosh", "CumSum",
            "DepthToSpace", "DequantizeLinear", "Det", "Einsum", "Elu", "Equal", "Erf", "Exp", "Expand", "EyeLike",
            "Flatten", "Floor", "GRU", "Gather", "GatherElements", "GatherND", "GlobalAveragePool", "GlobalLpPool",
            "GlobalMaxPool", "Greater", "GreaterOrEqual", "HardSigmoid", "Identity", "InstanceNormalization",
            "IsInf", "IsNaN", "LRN", "LSTM", "LeakyRelu", "Less", "LessOrEqual", "Log", "MatMul", "MatMulInteger",
            "MeanVarianceNormalization", "Mod", "Neg", "NonMaxSuppression", "NonZero", "Not", "OneHot", "Or",
            "PRelu", "Pow", "QLinearConv", "QLinearMatMul", "QuantizeLinear", "RNN", "Range", "Reciprocal",
            "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin",
            "ReduceProd", "ReduceSumSquare", "Relu", "Reshape", "Round", "ScatterElements", "ScatterND", "Selu",
            "Shape", "Shrink", "Sigmoid", "Sign", "Sin", "Sinh", "Size", "Softplus", "Softsign", "SpaceToDepth",
            "Sqrt", "Tan", "Tanh", "ThresholdedRelu", "Tile", "Transpose", "Where", "Xor", "ConvInteger",
            "DynamicQuantizeLinear", "Gemm", "MaxRoiPool", "RoiAlign", "Sum", "Max", "Min", "Mean", "Add", "Sub",
            "Mul", "Div");

    private static final BiPredicate<Graph, Node> SAME_PADDING = (g, n) ->
            n.stringAttribute("auto_pad", "NOTSET").startsWith("SAME");

    private static final Change SOFTMAX_13 = new Change(13, "the op now normalises along one axis instead of"
            + " flattening all axes from 'axis' on, and the default axis became -1; only rank-2 inputs keep their"
            + " meaning", (g, n) -> !rankTwoOverLastAxis(g, n));

    private static final Map<String, List<Change>> CHANGES = Map.ofEntries(
            Map.entry("Clip", List.of(new Change(11, "'min' and 'max' moved from attributes to inputs",
                    (g, n) -> n.attribute("min").isPresent() || n.attribute("max").isPresent()))),
            Map.entry("Dropout", List.of(
                    new Change(10, "the mask output became boolean", (g, n) -> !n.output(1).isEmpty()),
                    new Change(12, "'ratio' moved from an attribute to an input (remove Dropout for inference first"
                            + " with DropoutRemoval)", (g, n) -> n.attribute("ratio").isPresent()))),
            Map.entry("BatchNormalization", List.of(new Change(9, "the 'spatial' attribute was removed",
                    (g, n) -> n.attribute("spatial").isPresent() && n.intAttribute("spatial", 1) != 1))),
            Map.entry("Softmax", List.of(SOFTMAX_13)),
            Map.entry("LogSoftmax", List.of(SOFTMAX_13)),
            Map.entry("Hardmax", List.of(SOFTMAX_13)),
            Map.entry("Squeeze", List.of(new Change(13, "'axes' moved from an attribute to an input",
                    (g, n) -> n.attribute("axes").isPresent()))),
            Map.entry("Unsqueeze", List.of(new Change(13, "'axes' moved from an attribute to an input", ALWAYS))),
            Map.entry("ReduceSum", List.of(new Change(13, "'axes' moved from an attribute to an input",
                    (g, n) -> n.attribute("axes").isPresent()))),
            Map.entry("Split", List.of(new Change(13, "'split' moved from an attribute to an input",
                    (g, n) -> n.attribute("split").isPresent()))),
            Map.entry("Pad", List.of(new Change(11, "'pads' and 'value' moved from attributes to inputs", ALWAYS))),
            Map.entry("Slice", List.of(new Change(10, "'starts', 'ends' and 'axes' moved from attributes to inputs",
                    ALWAYS))),
            Map.entry("TopK", List.of(new Change(10, "'k' moved from an attribute to an input", ALWAYS))),
            Map.entry("Upsample", List.of(new Change(10, "the op was deprecated in favour of Resize", ALWAYS))),
            Map.entry("Resize", List.of(
                    new Change(11, "coordinate transformation modes and the 'roi' input were added, changing the"
                            + " default resampling", ALWAYS),
                    new Change(13, "'roi' and 'scales' became optional and the attribute set changed", ALWAYS))),
            Map.entry("Scatter", List.of(new Change(11, "the op was deprecated in favour of ScatterElements",
                    ALWAYS))),
            Map.entry("Conv", List.of(new Change(11, "the output shape rules for auto_pad SAME_* were redefined",
                    SAME_PADDING))),
            Map.entry("ConvTranspose", List.of(new Change(11, "output_shape and auto_pad SAME_* padding rules were"
                    + " redefined", (g, n) -> SAME_PADDING.test(g, n) || n.attribute("output_shape").isPresent()))),
            Map.entry("MaxPool", List.of(
                    new Change(10, "ceil_mode was added and the auto_pad SAME_* output shape rules changed",
                            SAME_PADDING),
                    new Change(11, "the auto_pad SAME_* output shape rules were redefined", SAME_PADDING))),
            Map.entry("AveragePool", List.of(
                    new Change(10, "ceil_mode was added and the auto_pad SAME_* output shape rules changed",
                            SAME_PADDING),
                    new Change(11, "the auto_pad SAME_* output shape rules were redefined", SAME_PADDING))));

    private OpsetUpgrade() {
    }

    /**
     * Checks that every default-domain node of {@code graph} means the same at opset {@code to} as at
     * {@code from}.
     *
     * @throws ModelException naming the first node that would change, or the target when out of range
     */
    static void check(Graph graph, long from, int to) {
        if (to > MAX_TARGET) {
            throw new ModelException("Cannot upgrade graph '" + graph.name() + "' from opset " + from + " to " + to
                    + ": quant4j upgrades opsets only up to " + MAX_TARGET + "; re-export the model at opset " + to);
        }
        Set<String> unknown = new TreeSet<>();
        for (Node n : graph.nodes()) {
            if (!n.domain().isEmpty()) {
                continue;
            }
            List<Change> changes = CHANGES.get(n.opType());
            if (changes == null) {
                if (!UNCHANGED.contains(n.opType())) {
                    unknown.add(n.opType() + " (node '" + n.name() + "')");
                }
                continue;
            }
            for (Change c : changes) {
                if (c.version() > from && c.version() <= to && c.matters().test(graph, n)) {
                    throw new ModelException("Cannot upgrade graph '" + graph.name() + "' from opset " + from + " to "
                            + to + ": node '" + n.name() + "' (" + n.opType() + ") would change meaning, because in "
                            + n.opType() + "-" + c.version() + " " + c.what()
                            + ". Re-export the model at opset " + to + " or later");
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new ModelException("Cannot upgrade graph '" + graph.name() + "' from opset " + from + " to " + to
                    + ": quant4j has no upgrade rule for " + String.join(", ", unknown)
                    + ". Re-export the model at opset " + to + " or later");
        }
    }

    /** Lowest ONNX IR version that may declare the given default-domain opset. */
    static long minIrVersion(int opset) {
        if (opset >= 12) {
            return 7;
        }
        if (opset == 11) {
            return 6;
        }
        if (opset == 10) {
            return 5;
        }
        return opset == 9 ? 4 : 3;
    }

    /** True when the Softmax-like node's input is provably rank 2 and it normalises the last axis. */
    private static boolean rankTwoOverLastAxis(Graph g, Node n) {
        long axis = n.intAttribute("axis", 1);
        if (axis != 1 && axis != -1) {
            return false;
        }
        String x = n.input(0);
        Optional<long[]> shape = g.shape(x);
        if (shape.isPresent()) {
            return shape.get().length == 2;
        }
        // Gemm and Flatten always produce rank-2 outputs, whatever their inputs.
        return g.producer(x).map(p -> p.is("Gemm") || p.is("Flatten")).orElse(false);
    }
}
