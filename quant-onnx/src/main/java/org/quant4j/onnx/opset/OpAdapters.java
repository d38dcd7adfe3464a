package org.quant4j.onnx.opset;

import static org.quant4j.onnx.opset.OpsetRewrite.without;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.Node;

/**
 * The one home of what changed in ONNX ops between opsets 7 and {@link OpsetConverter#MAX_TARGET}
 * (from the ONNX operator changelog): an {@link OpAdapter} per op and version whose meaning or
 * signature changed, and the ops that only gained types, optional inputs, attributes whose defaults
 * keep the old behaviour, or negative axes. Adding an op's change is one {@code add} here.
 */
final class OpAdapters {

    /**
     * Ops whose every version from 7 to {@link OpsetConverter#MAX_TARGET} computes the same for a
     * node that was valid at its own version. Conv, ConvTranspose and the pools are here although the
     * text of auto_pad SAME_* was rewritten at 10/11: the old text ("output size matches the input")
     * only fits stride 1, where both agree, and ONNX Runtime runs both versions with one kernel.
     */
    static final Set<String> UNCHANGED = Set.of(
            "Abs", "Acos", "Acosh", "Add", "AffineGrid", "And", "ArgMax", "ArgMin", "Asin", "Asinh", "Atan",
            "Atanh", "AveragePool", "Bernoulli", "BitShift", "BitwiseAnd", "BitwiseNot", "BitwiseOr", "BitwiseXor",
            "BlackmanWindow", "CastLike", "Ceil", "Celu", "CenterCropPad", "Col2Im", "Compress", "Concat",
            "ConcatFromSequence", "Constant", "ConstantOfShape", "Conv", "ConvInteger", "ConvTranspose", "Cos",
            "Cosh", "CumSum", "DeformConv", "DepthToSpace", "DequantizeLinear", "Det", "Div",
            "DynamicQuantizeLinear", "Einsum", "Elu", "Equal", "Erf", "Exp", "Expand", "EyeLike", "Flatten",
            "Floor", "GRU", "Gather", "GatherElements", "GatherND", "Gelu", "Gemm", "GlobalAveragePool",
            "GlobalLpPool", "GlobalMaxPool", "Greater", "GreaterOrEqual", "HammingWindow", "HannWindow",
            "HardSigmoid", "HardSwish", "Identity", "If", "InstanceNormalization", "IsInf", "IsNaN", "LRN", "LSTM",
            "LayerNormalization", "LeakyRelu", "Less", "LessOrEqual", "Log", "Loop", "LpNormalization", "LpPool",
            "MatMul", "MatMulInteger", "Max", "MaxPool", "MaxRoiPool", "MaxUnpool", "Mean",
            "MeanVarianceNormalization", "MelWeightMatrix", "Min", "Mish", "Mod", "Mul", "Multinomial", "Neg",
            "NegativeLogLikelihoodLoss", "NonMaxSuppression", "NonZero", "Not", "OneHot", "Optional",
            "OptionalGetElement", "OptionalHasElement", "Or", "PRelu", "Pow", "QLinearConv", "QLinearMatMul",
            "QuantizeLinear", "RNN", "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike",
            "Range", "Reciprocal", "Relu", "Reshape", "Resize", "ReverseSequence", "Round", "STFT", "Scan",
            "ScatterElements", "ScatterND", "Selu", "SequenceAt", "SequenceConstruct", "SequenceEmpty",
            "SequenceErase", "SequenceInsert", "SequenceLength", "SequenceMap", "Shape", "Shrink", "Sigmoid", "Sign", "Sin",
            "Sinh", "Size", "SoftmaxCrossEntropyLoss", "Softplus", "Softsign", "SpaceToDepth", "SplitToSequence",
            "Sqrt", "StringNormalizer", "Sub", "Sum", "Tan", "Tanh", "TfIdfVectorizer", "ThresholdedRelu", "Tile",
            "Transpose", "Trilu", "Unique", "Where", "Xor");

    private static final String AXES_TO_INPUT = "'axes' moved from an attribute to an input";
    private static final String SOFTMAX_AXIS = "the op normalises along the single axis 'axis' (default -1)"
            + " instead of over all axes from 'axis' on, flattened to 2-D (default 1)";

    /** Adapters by op, then by version. */
    private static final Map<String, Map<Integer, OpAdapter>> ADAPTERS = adapters();

    private OpAdapters() {
    }

    /** The adapters of {@code opType} for versions in ({@code from}, {@code to}], oldest first. */
    static List<OpAdapter> between(String opType, long from, int to) {
        List<OpAdapter> list = new ArrayList<>();
        ADAPTERS.getOrDefault(opType, Map.of()).forEach((v, a) -> {
            if (v > from && v <= to) {
                list.add(a);
            }
        });
        return list;
    }

    /** True when quant4j knows how {@code opType} of the default domain behaves across opsets. */
    static boolean known(String opType) {
        return UNCHANGED.contains(opType) || ADAPTERS.containsKey(opType);
    }

    /** Every op with at least one adapter, sorted. */
    static Set<String> adaptedOps() {
        return Collections.unmodifiableSet(ADAPTERS.keySet());
    }

    private static Map<String, Map<Integer, OpAdapter>> adapters() {
        Map<String, Map<Integer, OpAdapter>> m = new TreeMap<>();
        add(m, new OpAdapter("Clip", 11, "'min' and 'max' moved from attributes to inputs", OpAdapters::clip));
        add(m, new OpAdapter("Dropout", 10, "the 'mask' output became boolean", OpAdapters::dropoutMask));
        add(m, new OpAdapter("Dropout", 12, "'ratio' moved from an attribute to an input", OpAdapters::dropoutRatio));
        add(m, new OpAdapter("BatchNormalization", 9, "the 'spatial' attribute was removed (statistics are per"
                + " channel)", OpAdapters::batchNormSpatial));
        add(m, new OpAdapter("BatchNormalization", 14, "the training outputs changed (saved mean and variance"
                + " removed, 'training_mode' added)", OpAdapters::batchNormOutputs));
        for (String op : new String[] {"Softmax", "LogSoftmax", "Hardmax"}) {
            add(m, new OpAdapter(op, 13, SOFTMAX_AXIS, OpAdapters::softmaxAxis));
        }
        for (String op : new String[] {"Unsqueeze", "Squeeze", "ReduceSum"}) {
            add(m, new OpAdapter(op, 13, AXES_TO_INPUT, (r, n) -> attributeToInput(r, n, "axes", 1)));
        }
        for (String op : new String[] {"ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
                "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"}) {
            add(m, new OpAdapter(op, 18, AXES_TO_INPUT, (r, n) -> attributeToInput(r, n, "axes", 1)));
        }
        add(m, new OpAdapter("Split", 13, "'split' moved from an attribute to an input",
                (r, n) -> attributeToInput(r, n, "split", 1)));
        add(m, new OpAdapter("Split", 18, "without a 'split' input the 'num_outputs' attribute is required",
                OpAdapters::splitNumOutputs));
        add(m, new OpAdapter("Pad", 11, "'pads' and 'value' moved from attributes to inputs", OpAdapters::pad));
        add(m, new OpAdapter("Slice", 10, "'starts', 'ends' and 'axes' moved from attributes to inputs",
                OpAdapters::slice));
        add(m, new OpAdapter("TopK", 10, "'k' moved from an attribute to an input",
                (r, n) -> attributeToInput(r, n, "k", 1)));
        add(m, new OpAdapter("Upsample", 9, "'scales' moved from an attribute to an input",
                OpAdapters::upsampleScales));
        add(m, new OpAdapter("Upsample", 10, "the op was deprecated in favour of Resize", OpAdapters::upsampleToResize));
        add(m, new OpAdapter("Resize", 11, "coordinate transformation modes and the 'roi' input were added; the"
                + " default mapping became half_pixel with round_prefer_floor", OpAdapters::resize10To11));
        add(m, new OpAdapter("Scatter", 11, "the op was deprecated in favour of ScatterElements",
                (r, n) -> rename(r, n, "ScatterElements")));
        add(m, new OpAdapter("Cast", 9, "'to' is an element type number (older files may name it)",
                OpAdapters::castTo));
        add(m, new OpAdapter("RoiAlign", 16, "'coordinate_transformation_mode' was added with default half_pixel",
                OpAdapters::roiAlign));
        add(m, new OpAdapter("GridSample", 20, "modes 'bilinear' and 'bicubic' were renamed 'linear' and 'cubic'",
                OpAdapters::gridSample));
        add(m, new OpAdapter("GroupNormalization", 21, "'scale' and 'bias' became per channel instead of per group",
                OpAdapters::groupNorm));
        add(m, new OpAdapter("DFT", 20, "'axis' moved from an attribute (default 1) to an input (default -2)",
                OpAdapters::dft));
        add(m, new OpAdapter("Scan", 9, "the batch axis and the 'sequence_lens' input were removed",
                (r, n) -> {
                    throw r.refuse(n, "Scan-9 dropped Scan-8's batch axis and 'sequence_lens' input, and quant4j"
                            + " does not rewrite Scan bodies");
                }));
        return m;
    }

    private static void add(Map<String, Map<Integer, OpAdapter>> m, OpAdapter a) {
        if (m.computeIfAbsent(a.opType(), k -> new TreeMap<>()).put(a.version(), a) != null) {
            throw new IllegalStateException("Two adapters for " + a.opType() + "-" + a.version());
        }
    }

    // ---------------------------------------------------------------- adapters

    private static boolean clip(OpsetRewrite r, Node n) {
        Optional<AttributeProto> min = n.attribute("min");
        Optional<AttributeProto> max = n.attribute("max");
        if (min.isEmpty() && max.isEmpty()) {
            return false;
        }
        int type = r.elementType(n.input(0));
        List<String> in = new ArrayList<>(List.of(n.input(0),
                min.isPresent() ? r.scalar(n.name() + "_min", type, min.get().getF(), n) : "",
                max.isPresent() ? r.scalar(n.name() + "_max", type, max.get().getF(), n) : ""));
        trimOmitted(in);
        r.replace(n.name(), without(n, "min", "max").withInputs(in));
        return true;
    }

    private static boolean dropoutMask(OpsetRewrite r, Node n) {
        String mask = n.output(1);
        if (mask.isEmpty()) {
            return false;
        }
        if (!r.used(mask)) {
            r.replace(n.name(), n.withOutputs(List.of(n.output(0))));
            return true;
        }
        // Consumers of the old mask read it in the data type: cast the new boolean mask back.
        String bool = r.fresh(mask + "_bool");
        r.replace(n.name(), n.withOutputs(List.of(n.output(0), bool)));
        r.add(n.name() + "_mask_cast", "Cast", List.of(bool), List.of(mask),
                Attributes.integer("to", r.elementType(n.input(0))));
        return true;
    }

    private static boolean dropoutRatio(OpsetRewrite r, Node n) {
        Optional<AttributeProto> ratio = n.attribute("ratio");
        if (ratio.isEmpty()) {
            return false;
        }
        String in = r.scalar(n.name() + "_ratio", DataType.FLOAT_VALUE, ratio.get().getF(), n);
        r.replace(n.name(), without(n, "ratio").withInputs(List.of(n.input(0), in)));
        return true;
    }

    private static boolean batchNormSpatial(OpsetRewrite r, Node n) {
        if (n.attribute("spatial").isEmpty()) {
            return false;
        }
        if (n.intAttribute("spatial", 1) != 0) {
            r.replace(n.name(), without(n, "spatial"));
            return true;
        }
        for (int i = 1; i < n.outputs().size(); i++) {
            if (r.used(n.output(i))) {
                throw r.refuse(n, "it computes per-activation statistics (spatial=0) in training mode (output "
                        + i + " is used), which BatchNormalization-9 cannot express");
            }
        }
        // Statistics per activation: y = (x - mean) / sqrt(var + epsilon) * scale + B, with the [C, D1, ...]
        // parameters broadcast over the batch axis.
        String x = n.input(0);
        String base = n.name();
        String eps = r.scalar(base + "_epsilon", r.elementType(x), n.floatAttribute("epsilon", 1e-5f), n);
        String centered = r.fresh(base + "_centered");
        String varEps = r.fresh(base + "_var_eps");
        String std = r.fresh(base + "_std");
        String normed = r.fresh(base + "_normed");
        String scaled = r.fresh(base + "_scaled");
        r.graph().removeNode(n.name());
        r.add(base + "_sub", "Sub", List.of(x, n.input(3)), List.of(centered));
        r.add(base + "_add_eps", "Add", List.of(n.input(4), eps), List.of(varEps));
        r.add(base + "_sqrt", "Sqrt", List.of(varEps), List.of(std));
        r.add(base + "_div", "Div", List.of(centered, std), List.of(normed));
        r.add(base + "_scale", "Mul", List.of(normed, n.input(1)), List.of(scaled));
        r.add(base + "_bias", "Add", List.of(scaled, n.input(2)), List.of(n.output(0)));
        return true;
    }

    private static boolean batchNormOutputs(OpsetRewrite r, Node n) {
        if (n.outputs().size() <= 1) {
            return false;
        }
        for (int i = 1; i < n.outputs().size(); i++) {
            if (r.used(n.output(i))) {
                throw r.refuse(n, "its training-mode output " + i + " ('" + n.output(i) + "') is used; "
                        + "BatchNormalization-14 computes running statistics only with training_mode=1 and has no"
                        + " saved mean or variance");
            }
        }
        r.replace(n.name(), n.withOutputs(List.of(n.output(0))));
        return true;
    }

    private static boolean softmaxAxis(OpsetRewrite r, Node n) {
        long axis = n.intAttribute("axis", 1);
        Optional<Integer> rank = r.rank(n.input(0));
        if (rank.isPresent() && (axis < 0 ? axis + rank.get() : axis) == rank.get() - 1) {
            r.replace(n.name(), n.withAttribute(Attributes.integer("axis", -1)));
            return true;
        }
        // Old meaning: the input coerced to 2-D at 'axis', normalised over the second dimension.
        String x = n.input(0);
        String y = n.output(0);
        String flat = r.fresh(y + "_2d_in");
        String flatOut = r.fresh(y + "_2d_out");
        String shape = r.fresh(x + "_shape");
        r.replace(n.name(), n.withInputs(List.of(flat)).withOutputs(List.of(flatOut))
                .withAttribute(Attributes.integer("axis", -1)));
        r.add(n.name() + "_flatten", "Flatten", List.of(x), List.of(flat), Attributes.integer("axis", axis));
        r.add(n.name() + "_shape", "Shape", List.of(x), List.of(shape));
        r.add(n.name() + "_reshape", "Reshape", List.of(flatOut, shape), List.of(y));
        return true;
    }

    /** Moves INT or INTS attribute {@code attr} to an INT64 1-D input at {@code index}. */
    private static boolean attributeToInput(OpsetRewrite r, Node n, String attr, int index) {
        Optional<AttributeProto> a = n.attribute(attr);
        if (a.isEmpty()) {
            return false;
        }
        long[] values = a.get().getType() == AttributeType.INT ? new long[] {a.get().getI()}
                : a.get().getIntsList().stream().mapToLong(Long::longValue).toArray();
        String in = r.int64Vector(n.name() + "_" + attr, values);
        r.replace(n.name(), without(n, attr).withInput(index, in));
        return true;
    }

    private static boolean splitNumOutputs(OpsetRewrite r, Node n) {
        if (!n.input(1).isEmpty() || n.attribute("num_outputs").isPresent()) {
            return false;
        }
        r.replace(n.name(), n.withAttribute(Attributes.integer("num_outputs", n.outputs().size())));
        return true;
    }

    private static boolean pad(OpsetRewrite r, Node n) {
        long[] pads = n.intsAttribute("pads").orElseThrow(() -> r.refuse(n, "it has no 'pads' attribute"));
        List<String> in = new ArrayList<>(List.of(n.input(0), r.int64Vector(n.name() + "_pads", pads)));
        Optional<AttributeProto> value = n.attribute("value");
        if (value.isPresent() && n.stringAttribute("mode", "constant").equals("constant")) {
            in.add(r.scalar(n.name() + "_value", r.elementType(n.input(0)), value.get().getF(), n));
        }
        r.replace(n.name(), without(n, "pads", "value").withInputs(in));
        return true;
    }

    private static boolean slice(OpsetRewrite r, Node n) {
        long[] starts = n.intsAttribute("starts").orElseThrow(() -> r.refuse(n, "it has no 'starts' attribute"));
        long[] ends = n.intsAttribute("ends").orElseThrow(() -> r.refuse(n, "it has no 'ends' attribute"));
        List<String> in = new ArrayList<>(List.of(n.input(0), r.int64Vector(n.name() + "_starts", starts),
                r.int64Vector(n.name() + "_ends", ends)));
        n.intsAttribute("axes").ifPresent(axes -> in.add(r.int64Vector(n.name() + "_axes", axes)));
        r.replace(n.name(), without(n, "starts", "ends", "axes").withInputs(in));
        return true;
    }

    private static boolean upsampleScales(OpsetRewrite r, Node n) {
        Optional<AttributeProto> scales = n.attribute("scales");
        if (scales.isEmpty()) {
            return false;
        }
        float[] s = new float[scales.get().getFloatsCount()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scales.get().getFloats(i);
        }
        r.replace(n.name(), without(n, "scales").withInputs(List.of(n.input(0), r.floatVector(n.name() + "_scales",
                s))));
        return true;
    }

    private static boolean upsampleToResize(OpsetRewrite r, Node n) {
        r.markFormerUpsample(n.name());
        return rename(r, n, "Resize");
    }

    /**
     * Resize-10 (and Upsample) map output coordinates to input ones asymmetrically (x_in = x_out /
     * scale); in nearest mode ONNX Runtime takes floor(x_in) when upsampling and ceil(x_in) when
     * downsampling a dimension (the spec left it open). Upsample's scales are >= 1 by definition.
     */
    private static boolean resize10To11(OpsetRewrite r, Node n) {
        String mode = n.stringAttribute("mode", "nearest");
        Node out = n.withAttribute(Attributes.string("coordinate_transformation_mode", "asymmetric"));
        if (mode.equals("nearest")) {
            String rounding = "floor";
            if (!r.wasUpsample(n.name())) {
                float[] scales = r.constantFloats(n.input(1)).orElseThrow(() -> r.refuse(n, "its 'scales' are"
                        + " computed in the graph, and Resize-11 needs to know whether each is >= 1 to pick the"
                        + " nearest-pixel rounding of Resize-10"));
                boolean up = true;
                boolean down = true;
                for (float s : scales) {
                    up &= s >= 1;
                    down &= s <= 1;
                }
                if (!up && !down) {
                    throw r.refuse(n, "it upsamples some axes and downsamples others in nearest mode, which Resize-10"
                            + " rounds differently per axis and Resize-11 cannot");
                }
                rounding = up ? "floor" : "ceil";
            }
            out = out.withAttribute(Attributes.string("nearest_mode", rounding));
        }
        r.replace(n.name(), out.withInputs(List.of(n.input(0), r.floatVector(n.name() + "_roi"), n.input(1))));
        return true;
    }

    private static boolean rename(OpsetRewrite r, Node n, String opType) {
        r.replace(n.name(), Node.of(n.name(), opType, "", n.inputs(), n.outputs(),
                List.copyOf(n.attributes().values())));
        return true;
    }

    private static boolean castTo(OpsetRewrite r, Node n) {
        Optional<AttributeProto> to = n.attribute("to");
        if (to.isEmpty() || to.get().getType() != AttributeType.STRING) {
            return false;
        }
        String name = to.get().getS().toStringUtf8().toUpperCase(Locale.ROOT);
        DataType type;
        try {
            type = DataType.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw r.refuse(n, "its 'to' names no ONNX element type: '" + name + "'");
        }
        r.replace(n.name(), n.withAttribute(Attributes.integer("to", type.getNumber())));
        return true;
    }

    private static boolean roiAlign(OpsetRewrite r, Node n) {
        if (n.attribute("coordinate_transformation_mode").isPresent()) {
            return false;
        }
        r.replace(n.name(), n.withAttribute(Attributes.string("coordinate_transformation_mode",
                "output_half_pixel")));
        return true;
    }

    private static boolean gridSample(OpsetRewrite r, Node n) {
        String mode = n.stringAttribute("mode", "bilinear");
        String renamed = switch (mode) {
            case "bilinear" -> "linear";
            case "bicubic" -> "cubic";
            default -> mode;
        };
        r.replace(n.name(), n.withAttribute(Attributes.string("mode", renamed)));
        return true;
    }

    private static boolean groupNorm(OpsetRewrite r, Node n) {
        long groups = n.intAttribute("num_groups", 0);
        Optional<long[]> shape = r.graph().shape(n.input(0));
        Optional<float[]> scale = r.constantFloats(n.input(1));
        Optional<float[]> bias = r.constantFloats(n.input(2));
        if (shape.isEmpty() || shape.get().length < 2 || shape.get()[1] <= 0 || scale.isEmpty() || bias.isEmpty()
                || groups <= 0 || shape.get()[1] % groups != 0) {
            throw r.refuse(n, "its per-group 'scale' and 'bias' must be constants and its channel count known to"
                    + " expand them per channel");
        }
        int perGroup = (int) (shape.get()[1] / groups);
        r.replace(n.name(), n.withInputs(List.of(n.input(0),
                r.floatVector(n.name() + "_scale", repeat(scale.get(), perGroup)),
                r.floatVector(n.name() + "_bias", repeat(bias.get(), perGroup)))));
        return true;
    }

    private static boolean dft(OpsetRewrite r, Node n) {
        long axis = n.intAttribute("axis", 1);
        r.replace(n.name(), without(n, "axis").withInputs(List.of(n.input(0), n.input(1),
                r.int64Scalar(n.name() + "_axis", axis))));
        return true;
    }

    private static float[] repeat(float[] values, int times) {
        float[] out = new float[values.length * times];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i / times];
        }
        return out;
    }

    private static void trimOmitted(List<String> inputs) {
        while (!inputs.isEmpty() && inputs.get(inputs.size() - 1).isEmpty()) {
            inputs.remove(inputs.size() - 1);
        }
    }
}
