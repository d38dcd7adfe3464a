package org.quant4j.onnx.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.quant4j.api.ModelException;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.TensorRange;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.NodeDecision.Action;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.api.quantize.ProgressStages;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnx.graph.TensorProtos;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts a float32 graph to float16, as {@code onnxconverter-common}'s
 * {@code convert_float_to_float16(keep_io_types=True)} does: float32 initializers, float tensors in
 * attributes (e.g. a {@code Constant}'s value) and intermediate tensors become float16, while the
 * graph's inputs and outputs stay float32 behind a {@code Cast(to=FLOAT16)} after each input and a
 * {@code Cast(to=FLOAT)} before each output (outputs keep their names).
 *
 * <p>A node stays float32 when it is excluded by the config, its op type is on
 * {@link #BLOCKED_OP_TYPES}, it belongs to another domain than the default one, or it has subgraphs
 * (If, Loop, Scan; each subgraph is then converted on its own, its inputs, outputs and the outer
 * tensors it reads kept float32 as a graph's are, an outer weight copied into it as float16):
 * its float16 inputs are cast to float32 and its float32 outputs are cast to float16 where a
 * float16 node reads them. An initializer read only by such nodes stays float32; one read by both
 * kinds is kept as float32 for them and copied as float16 for the others, so an excluded node sees
 * its weights unrounded. Integer and other non-float tensors are never touched.
 *
 * <p>Values are rounded to nearest, ties to even; finite values beyond {@code ±65504} are clamped to
 * {@code ±65504} (counted in the node's decision and logged at WARN), small values become float16
 * subnormals or zero ({@link Float16}). Which tensors are float32 is taken from the graph's
 * declarations where present and otherwise inferred op by op (an op's outputs have its first
 * input's type, except for ops that produce another type such as {@code Shape}, comparisons,
 * {@code Cast} or {@code Where}).
 *
 * <p>ONNX Runtime 1.29's CPU execution provider has float16 kernels for a few ops only ({@code MatMul},
 * {@code Gemm}, {@code Flatten}, {@code Reshape}, {@code Cast} among them); for the others
 * ({@code Conv}, {@code BatchNormalization}, {@code Relu}, {@code Add}, {@code GlobalAveragePool},
 * {@code LSTM}, {@code Dropout}, ...) its {@code InsertCastTransformer} runs the float32 kernel
 * between inserted casts, and at the higher optimisation levels it drops cast pairs around such runs
 * and folds the weight casts into float32 initializers. The converted model therefore loads and runs
 * on CPU, including float16 {@code BatchNormalization} and {@code LSTM} inputs, and is about half the
 * size on disk, but it is not faster on CPU: float16 is for GPUs and float16-capable CPUs.
 *
 * <p><b>Ranges.</b> With calibration data ({@link QuantizationContext#calibration()}), every float32
 * tensor's min-max range is observed on the data first, and a node stays float32 when a tensor it
 * reads or writes is unsafe in float16: its magnitude exceeds {@link #SAFE_FRACTION} of the float16
 * range ({@code 65504 / 8 = 8188}), its positive (or negative) values come below float16's smallest
 * normal number ({@code 2^-14}) where it feeds a {@code Log}, {@code Reciprocal} or the divisor of a
 * {@code Div} (values that float16 flushes towards 0 there become huge or infinite), or, for the ops
 * that square their input inside ({@link #SQUARING_OPS}), the square of its input's magnitude exceeds
 * the limit. Each such node's decision names the tensor and its range. Without data, every node is
 * converted as before and the result's warnings say that ranges were not checked.
 */
public final class Fp16Converter implements GraphQuantizer {

    /**
     * Op types kept in float32 by default: {@code onnxconverter-common}'s default block list
     * ({@code DEFAULT_OP_BLOCK_LIST}). It holds the {@code ai.onnx.ml} operators, which have no
     * float16 type constraints, and ops whose float16 kernels are missing or numerically unsafe:
     * {@code NonMaxSuppression}, {@code TopK}, {@code RoiAlign}, {@code Resize} and {@code Upsample}
     * (their scales and ROI inputs need float32 precision), {@code Range}, {@code CumSum} (sums
     * overflow), {@code Min} and {@code Max}. quant4j adds the quantization ops
     * {@code QuantizeLinear}, {@code DequantizeLinear} and {@code DynamicQuantizeLinear}, whose float
     * inputs are float32-only before opset 19 ({@code DynamicQuantizeLinear} in every opset).
     */
    public static final Set<String> BLOCKED_OP_TYPES = Set.of("ArrayFeatureExtractor", "Binarizer", "CastMap",
            "CategoryMapper", "DictVectorizer", "FeatureVectorizer", "Imputer", "LabelEncoder", "LinearClassifier",
            "LinearRegressor", "Normalizer", "OneHotEncoder", "SVMClassifier", "SVMRegressor", "Scaler",
            "TreeEnsembleClassifier", "TreeEnsembleRegressor", "ZipMap", "NonMaxSuppression", "TopK", "RoiAlign",
            "Resize", "Range", "CumSum", "Min", "Max", "Upsample", "QuantizeLinear", "DequantizeLinear",
            "DynamicQuantizeLinear");

    /**
     * Fraction of float16's largest finite value (65504) that a tensor's magnitude on the calibration
     * data may reach and still run in float16: 1/8, a limit of 8188. The margin covers inputs beyond
     * the calibration sample (the largest of a few hundred samples often underestimates the largest of
     * a test set by a factor of 2 to 4), and the partial sums that a float16 MatMul, Conv or
     * ReduceSum accumulates on hardware that accumulates in float16; three binary orders of magnitude
     * still leave every ordinary activation (at most a few hundred in the reference models, a few
     * thousand at the outliers of transformers) in float16.
     */
    public static final double SAFE_FRACTION = 1.0 / 8;

    /** Float16's largest finite value. */
    static final double FLOAT16_MAX = 65504;

    /** Float16's smallest positive normal number, 2^-14; below it values lose precision, then become 0. */
    static final double FLOAT16_MIN_NORMAL = 0x1p-14;

    /**
     * Ops that square their input inside (norms, variances): their input's magnitude squared must stay
     * within the limit even when their output is small.
     */
    public static final Set<String> SQUARING_OPS = Set.of("ReduceL2", "ReduceSumSquare", "LpNormalization",
            "LayerNormalization", "InstanceNormalization", "GroupNormalization", "MeanVarianceNormalization",
            "LpPool");

    /** Ops whose result blows up when an input (by index) flushes towards zero in float16. */
    private static final Map<String, Integer> SMALL_VALUE_INPUTS = Map.of("Log", 0, "Reciprocal", 0, "Div", 1);

    private static final Logger LOG = LoggerFactory.getLogger(Fp16Converter.class);

    private final double safeFraction;

    /** A converter that keeps in float32 what exceeds {@link #SAFE_FRACTION} of the float16 range on the data. */
    public Fp16Converter() {
        this(SAFE_FRACTION);
    }

    /**
     * A converter that keeps in float32 the nodes whose tensors exceed {@code safeFraction} of the
     * float16 range on the calibration data.
     *
     * @param safeFraction in (0, 1]
     */
    public Fp16Converter(double safeFraction) {
        if (!(safeFraction > 0 && safeFraction <= 1)) {
            throw new IllegalArgumentException("The safe fraction of the float16 range must be in (0, 1], got "
                    + safeFraction);
        }
        this.safeFraction = safeFraction;
    }

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    private static final int FLOAT16 = TensorProto.DataType.FLOAT16_VALUE;

    /** Ops whose outputs are never float, whatever their inputs. */
    private static final Set<String> NON_FLOAT_OUTPUTS = Set.of("Shape", "Size", "ArgMax", "ArgMin", "NonZero",
            "NonMaxSuppression", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor",
            "IsNaN", "IsInf", "QuantizeLinear", "MatMulInteger", "ConvInteger", "StringNormalizer");

    /** Generator ops whose {@code dtype} attribute (1 = FLOAT) sets the output type. */
    private static final Set<String> DTYPE_OPS = Set.of("EyeLike", "RandomNormal", "RandomNormalLike",
            "RandomUniform", "RandomUniformLike", "Bernoulli");

    @Override
    public QuantizationMode mode() {
        return QuantizationMode.FP16;
    }

    @Override
    public GraphQuantization quantize(Graph graph, QuantizationContext context) {
        // The main graph and every subgraph nested in it (If branches, Loop and Scan bodies): a node
        // with subgraphs stays float32 and its subgraphs are converted on their own, their inputs and
        // outputs (and the outer tensors they read) float32 as a graph's are.
        List<Graph> nested = graph.nestedSubgraphs();
        List<Graph> scopes = new ArrayList<>();
        scopes.add(graph);
        scopes.addAll(nested);
        Map<Graph, Set<String>> floatsOf = new LinkedHashMap<>();
        for (Graph scope : scopes) {
            floatsOf.put(scope, floatTensors(scope, scope.parent().map(floatsOf::get).orElse(Set.of())));
        }
        List<String> warnings = new ArrayList<>();
        Duration calibrationTime = Duration.ZERO;
        Map<String, TensorRange> observedRanges = null;
        if (context.calibration().isPresent()) {
            TensorCalibration calibration = context.calibration().get();
            calibration.requireMatchingInputs(graph);
            Set<String> all = new TreeSet<>();
            floatsOf.forEach((scope, floats) -> floats.stream().filter(t -> !scope.isInitializer(t)).forEach(all::add));
            // Asymmetric: the true min and max of each tensor, not a symmetric envelope.
            CalibratedRanges observed = calibration.calibrate(graph, List.copyOf(all),
                    t -> QuantScheme.UINT8_ASYMMETRIC);
            calibrationTime = observed.time();
            observedRanges = observed.ranges();
            LOG.info("Checked the float16 ranges of {} tensors on {} samples", observed.ranges().size(),
                    observed.samples());
        } else {
            warnings.add("Float16 ranges were not checked: without calibration data every node is converted, and"
                    + " values beyond ±65504 (or tiny values before Log, Reciprocal or Div) become inf or NaN at run"
                    + " time; give calibration data (--data) to keep such nodes in float32 and check the converted"
                    + " model for inf/NaN");
        }
        List<ScopePlan> plans = new ArrayList<>();
        for (Graph scope : scopes) {
            RangeCheck ranges = observedRanges == null ? null
                    : new RangeCheck(scope, observedRanges, FLOAT16_MAX * safeFraction, safeFraction);
            plans.add(plan(scope, floatsOf.get(scope), ranges, context));
        }
        if (plans.stream().allMatch(p -> p.converted().isEmpty())) {
            Map<String, String> kept = new LinkedHashMap<>();
            plans.forEach(p -> kept.putAll(p.kept()));
            String why = kept.isEmpty() ? "it has no node that reads or writes a float32 tensor"
                    : kept.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; "));
            throw new ModelException("Graph '" + graph.name() + "' has no float32 node to convert to float16 (" + why
                    + "). Check that the model is float32 and that the exclusions do not cover every node");
        }
        List<NodeDecision> decisions = new ArrayList<>();
        Set<String> outerCopied = new LinkedHashSet<>();
        for (ScopePlan p : plans) {
            decisions.addAll(convert(p, floatsOf.get(p.scope()), outerCopied, context.listener()));
        }
        Graph.writeBackAll(nested);
        // An outer weight that a subgraph now reads as its own float16 copy may be read by nothing else.
        outerCopied.forEach(graph::removeInitializerIfUnused);
        graph.removeUnusedSubgraphInitializers();
        if (observedRanges != null) {
            long keptForRange = plans.stream().flatMap(p -> p.kept().values().stream())
                    .filter(r -> r.startsWith(RangeCheck.PREFIX)).count();
            long floatNodes = plans.stream().mapToLong(p -> p.kept().size() + p.converted().size()).sum();
            LOG.info("{} of {} float nodes kept in float32 because their values leave the float16 range on the data",
                    keptForRange, floatNodes);
        }
        return new GraphQuantization(decisions, Map.of(), calibrationTime, warnings);
    }

    /** What becomes of the nodes of one graph: converted, kept in float32 (with the reason), or untouched. */
    private record ScopePlan(Graph scope, List<Node> nodes, Set<String> converted, Map<String, String> kept,
            Set<String> excluded, Set<String> untouched) {
    }

    private static ScopePlan plan(Graph scope, Set<String> floats, RangeCheck ranges, QuantizationContext context) {
        Map<String, String> kept = new LinkedHashMap<>();
        Set<String> converted = new LinkedHashSet<>();
        Set<String> excluded = new HashSet<>();
        Set<String> untouched = new HashSet<>();
        List<Node> nodes = scope.nodes();
        for (Node n : nodes) {
            boolean touchesFloat = n.inputs().stream().anyMatch(floats::contains)
                    || n.outputs().stream().anyMatch(floats::contains);
            String reason = touchesFloat ? keepReason(n, context) : null;
            if (reason == null && touchesFloat && ranges != null) {
                reason = ranges.keepReason(n, floats);
            }
            if (!touchesFloat) {
                untouched.add(n.name());
            } else if (reason != null) {
                kept.put(n.name(), reason);
                if (context.config().exclusionReason(n.name(), n.opType()) != null) {
                    excluded.add(n.name());
                }
            } else {
                converted.add(n.name());
            }
        }
        return new ScopePlan(scope, nodes, converted, kept, excluded, untouched);
    }

    /** Converts one graph as planned; returns the decisions of its nodes. */
    private static List<NodeDecision> convert(ScopePlan p, Set<String> floats, Set<String> outerCopied,
            ProgressListener listener) {
        Graph graph = p.scope();
        String where = graph.isMainGraph() ? "" : " (inside subgraph " + graph.path() + ")";
        List<NodeDecision> decisions = new ArrayList<>(p.nodes().size());
        Conversion c = null;
        if (!p.converted().isEmpty()) {
            c = new Conversion(graph, floats, p.converted());
            c.pinOutputs();
            c.convertInitializers(listener);
            outerCopied.addAll(c.convertOuterInitializers());
            for (String name : p.converted()) {
                c.convertAttributes(name);
            }
            c.insertCasts(p.kept().keySet());
            c.updateValueInfo();
        }
        for (Node n : p.nodes()) {
            if (p.untouched().contains(n.name())) {
                decisions.add(new NodeDecision(n.name(), n.opType(), Action.SKIPPED,
                        "reads and writes no float32 tensor, so there is nothing to convert" + where));
            } else if (p.kept().containsKey(n.name())) {
                String why = p.kept().get(n.name());
                String reason = why + "; computes in float32 with Cast nodes at its float16 inputs"
                        + " and outputs" + where;
                if (p.excluded().contains(n.name())) {
                    // Kept as the config asked (mixed precision converts a few chosen layers): not news.
                    LOG.debug("Kept {} ({}) in float32: {}{}", n.name(), n.opType(), why, where);
                } else {
                    LOG.info("Kept {} ({}) in float32: {}{}", n.name(), n.opType(), why, where);
                }
                decisions.add(new NodeDecision(n.name(), n.opType(), Action.SKIPPED, reason));
            } else {
                decisions.add(new NodeDecision(n.name(), n.opType(), Action.QUANTIZED, c.convertedReason(n) + where));
            }
        }
        return decisions;
    }

    /**
     * Which tensors are unsafe in float16 on the calibration data, from their observed ranges
     * (activations) or values (initializers).
     */
    private static final class RangeCheck {
        /** How every range-based reason begins. */
        static final String PREFIX = "float16 range: ";

        private final Graph graph;
        private final Map<String, TensorRange> ranges;
        private final double limit;
        private final double fraction;
        private final Map<String, TensorRange> initializerRanges = new HashMap<>();

        RangeCheck(Graph graph, Map<String, TensorRange> ranges, double limit, double fraction) {
            this.graph = graph;
            this.ranges = ranges;
            this.limit = limit;
            this.fraction = fraction;
        }

        /** The range of a tensor: observed on the data, or an initializer's values; null when unknown. */
        private TensorRange range(String tensor) {
            TensorRange r = ranges.get(tensor);
            if (r != null || !graph.isInitializer(tensor)) {
                return r;
            }
            return initializerRanges.computeIfAbsent(tensor, t -> graph.floatInitializer(t).map(v -> {
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < v.size(); i++) {
                    float x = v.get(i);
                    if (Float.isFinite(x)) {
                        min = Math.min(min, x);
                        max = Math.max(max, x);
                    }
                }
                return min <= max ? new TensorRange(min, max) : null;
            }).orElse(null));
        }

        /** Smallest positive value of a tensor's range side that matters for a divisor or Log input. */
        private static double nearestToZero(TensorRange r) {
            if (r.min() > 0) {
                return r.min();
            }
            if (r.max() < 0) {
                return -r.max();
            }
            return Double.NaN;
        }

        /** Why {@code n} must stay float32 for the ranges of its tensors, or null. */
        String keepReason(Node n, Set<String> floats) {
            List<String> tensors = new ArrayList<>();
            n.inputs().stream().filter(t -> !t.isEmpty() && floats.contains(t)).forEach(tensors::add);
            n.outputs().stream().filter(t -> !t.isEmpty() && floats.contains(t)).forEach(tensors::add);
            for (String t : tensors) {
                TensorRange r = range(t);
                if (r == null) {
                    continue;
                }
                double amax = Math.max(Math.abs(r.min()), Math.abs(r.max()));
                if (amax > limit) {
                    return String.format(java.util.Locale.ROOT, PREFIX + "'%s' reaches %.4g on the calibration data,"
                            + " beyond %s of the float16 range (|x| <= %.0f)", t, amax, fractionText(), limit);
                }
                String small = smallValueReason(t, r);
                if (small != null) {
                    return small;
                }
            }
            if (SQUARING_OPS.contains(n.opType()) && !n.inputs().isEmpty()) {
                TensorRange r = range(n.input(0));
                double amax = r == null ? 0 : Math.max(Math.abs(r.min()), Math.abs(r.max()));
                if (amax * amax > limit) {
                    return String.format(java.util.Locale.ROOT, PREFIX + "%s squares its input '%s', which reaches"
                            + " %.4g on the calibration data: %.4g is beyond %s of the float16 range (|x| <= %.0f)",
                            n.opType(), n.input(0), amax, amax * amax, fractionText(), limit);
                }
            }
            return null;
        }

        /** Why tensor {@code t} is unsafe in float16 for what its small values feed, or null. */
        private String smallValueReason(String t, TensorRange r) {
            double nearest = nearestToZero(r);
            if (!(nearest < FLOAT16_MIN_NORMAL)) {
                return null;
            }
            for (Node reader : graph.consumers(t)) {
                Integer input = SMALL_VALUE_INPUTS.get(reader.opType());
                if (input != null && input < reader.inputs().size() && reader.input(input).equals(t)) {
                    return String.format(java.util.Locale.ROOT, PREFIX + "'%s' comes as close to 0 as %.3g on the"
                            + " calibration data, below float16's smallest normal number 2^-14 (6.1e-5), and feeds"
                            + " %s '%s', whose result float16's loss of those values would blow up", t, nearest,
                            reader.opType(), reader.name());
                }
            }
            return null;
        }

        private String fractionText() {
            return fraction == SAFE_FRACTION ? "1/8" : String.format(java.util.Locale.ROOT, "%.3g", fraction);
        }
    }

    /** Why node {@code n} stays float32, or null when it is converted. */
    private static String keepReason(Node n, QuantizationContext context) {
        String excluded = context.config().exclusionReason(n.name(), n.opType());
        if (excluded != null) {
            return excluded;
        }
        if (!n.domain().isEmpty()) {
            return "operator of domain '" + n.domain() + "', whose float16 support is not known";
        }
        if (BLOCKED_OP_TYPES.contains(n.opType())) {
            return "op type " + n.opType() + " is on the float16 block list (no float16 kernel, or float16 is unsafe"
                    + " for it)";
        }
        if (hasSubgraph(n)) {
            return "it has subgraphs (control flow): the node stays float32 and its subgraphs are converted on their"
                    + " own";
        }
        return null;
    }

    private static boolean hasSubgraph(Node n) {
        return n.attributes().values().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
    }

    // ---------------------------------------------------------------- type inference

    /**
     * Names of the graph's float32 tensors: graph inputs, initializers and node outputs, from their
     * declarations where the graph has them, else inferred op by op in topological order.
     */
    static Set<String> floatTensors(Graph graph) {
        return floatTensors(graph, Set.of());
    }

    /** As {@link #floatTensors(Graph)}, for a subgraph whose enclosing graphs hold the float32 tensors {@code outer}. */
    static Set<String> floatTensors(Graph graph, Set<String> outer) {
        Set<String> floats = new HashSet<>(outer);
        graph.inputs().stream().filter(i -> i.elementType() == FLOAT).forEach(i -> floats.add(i.name()));
        graph.initializers().values().stream().filter(t -> t.getDataType() == FLOAT)
                .forEach(t -> floats.add(t.getName()));
        for (Node n : graph.nodes()) {
            for (int i = 0; i < n.outputs().size(); i++) {
                String out = n.output(i);
                if (out.isEmpty()) {
                    continue;
                }
                int declared = graph.tensorInfo(out).map(TensorInfo::elementType).orElse(0);
                if (declared != 0 ? declared == FLOAT : producesFloat(n, i, floats)) {
                    floats.add(out);
                }
            }
        }
        return floats;
    }

    private static boolean producesFloat(Node n, int output, Set<String> floats) {
        if (!n.domain().isEmpty()) {
            return firstInputIsFloat(n, floats);
        }
        String op = n.opType();
        if (NON_FLOAT_OUTPUTS.contains(op)) {
            return false;
        }
        if (DTYPE_OPS.contains(op) && n.attribute("dtype").isPresent()) {
            return n.intAttribute("dtype", 0) == FLOAT;
        }
        return switch (op) {
            case "Cast" -> n.intAttribute("to", 0) == FLOAT;
            case "CastLike", "Where" -> floats.contains(n.input(1));
            case "DequantizeLinear" -> floats.contains(n.input(1));
            case "DynamicQuantizeLinear" -> output == 1;
            case "OneHot" -> floats.contains(n.input(2));
            case "TopK", "Unique" -> output == 0 && floats.contains(n.input(0));
            case "RandomNormal", "RandomUniform" -> true;
            case "Constant" -> n.attribute("value").map(a -> a.getT().getDataType() == FLOAT).orElse(false)
                    || n.attribute("value_float").isPresent() || n.attribute("value_floats").isPresent();
            case "ConstantOfShape" -> n.attribute("value").map(a -> a.getT().getDataType() == FLOAT).orElse(true);
            case "If" -> subgraphOutputIsFloat(n, "then_branch", output);
            case "Loop" -> subgraphOutputIsFloat(n, "body", output + 1);
            case "Scan" -> subgraphOutputIsFloat(n, "body", output);
            default -> firstInputIsFloat(n, floats);
        };
    }

    private static boolean firstInputIsFloat(Node n, Set<String> floats) {
        return n.inputs().stream().filter(s -> !s.isEmpty()).findFirst().map(floats::contains).orElse(false);
    }

    private static boolean subgraphOutputIsFloat(Node n, String attribute, int index) {
        Optional<GraphProto> g = n.attribute(attribute).filter(AttributeProto::hasG).map(AttributeProto::getG);
        return g.isPresent() && index < g.get().getOutputCount()
                && g.get().getOutput(index).getType().getTensorType().getElemType() == FLOAT;
    }

    // ---------------------------------------------------------------- conversion

    /** A float16 copy of a FLOAT tensor proto and the number of its values that were clamped. */
    private record HalfTensor(TensorProto proto, int clamped) {
    }

    /** Converts a FLOAT tensor proto to FLOAT16 under the same name and shape. */
    private static HalfTensor toHalf(TensorProto t) {
        FloatTensor values = TensorProtos.toFloatTensor(t);
        short[] bits = new short[values.size()];
        int clamped = 0;
        for (int i = 0; i < bits.length; i++) {
            float v = values.get(i);
            if (Float16.isClamped(v)) {
                clamped++;
            }
            bits[i] = Float16.fromFloat(v);
        }
        return new HalfTensor(TensorProtos.float16s(t.getName(), values.shape(), bits), clamped);
    }

    /** The state of one graph's conversion: which tensors now hold float16 values, and the casts made so far. */
    private static final class Conversion {
        private final Graph graph;
        private final Set<String> floats;
        private final Set<String> converted;
        private final Set<String> half = new HashSet<>();
        private final Map<String, String> halfCasts = new HashMap<>();
        private final Map<String, String> floatCasts = new HashMap<>();
        private final Map<String, List<String>> clampNotes = new HashMap<>();

        Conversion(Graph graph, Set<String> floats, Set<String> converted) {
            this.graph = graph;
            this.floats = floats;
            this.converted = converted;
            for (String name : converted) {
                graph.node(name).orElseThrow().outputs().stream().filter(floats::contains).forEach(half::add);
            }
        }

        /**
         * Graph outputs, and tensors read inside a float32 node's subgraph, keep their names and their
         * float32 type: a float16 producer writes a new name, cast back to the old one.
         */
        void pinOutputs() {
            Set<String> pinned = new LinkedHashSet<>();
            graph.outputs().forEach(o -> pinned.add(o.name()));
            for (Node n : graph.nodes()) {
                if (!converted.contains(n.name())) {
                    pinned.addAll(n.subgraphInputs());
                }
            }
            for (String t : pinned) {
                Optional<Node> producer = graph.producer(t);
                if (!half.contains(t) || producer.isEmpty()) {
                    continue;
                }
                String h = graph.uniqueName(t + "_fp16");
                Node p = producer.get();
                graph.replaceNode(p.name(), p.withOutputs(p.outputs().stream().map(o -> o.equals(t) ? h : o).toList()));
                for (Node c : graph.consumers(t)) {
                    if (converted.contains(c.name())) {
                        graph.replaceUse(c.name(), t, h);
                    }
                }
                cast(h, t, FLOAT);
                half.remove(t);
                half.add(h);
            }
        }

        /**
         * FLOAT initializers read by float16 nodes become FLOAT16: in place when only float16 nodes
         * read them, else as a float16 copy for those nodes.
         */
        /** Converts the float32 initializers that converted nodes read, telling {@code listener} of each. */
        void convertInitializers(ProgressListener listener) {
            List<TensorProto> initializers = List.copyOf(graph.initializers().values());
            int done = 0;
            for (TensorProto t : initializers) {
                listener.onProgress(ProgressStages.FP16_WEIGHTS, done++, initializers.size());
                if (t.getDataType() != FLOAT) {
                    continue;
                }
                String name = t.getName();
                List<Node> readers = graph.consumers(name);
                List<Node> halfReaders = readers.stream().filter(n -> converted.contains(n.name())).toList();
                if (halfReaders.isEmpty()) {
                    continue;
                }
                boolean shared = halfReaders.size() < readers.size() || graph.isGraphOutput(name)
                        || graph.isGraphInput(name);
                HalfTensor h = toHalf(t);
                String halfName = shared ? graph.uniqueName(name + "_fp16") : name;
                graph.putInitializer(shared ? h.proto().toBuilder().setName(halfName).build() : h.proto());
                if (shared) {
                    halfReaders.forEach(n -> graph.replaceUse(n.name(), name, halfName));
                }
                half.add(halfName);
                if (h.clamped() > 0) {
                    LOG.warn("Initializer '{}' has {} values beyond the float16 range ±65504; they are clamped to ±65504",
                            name, h.clamped());
                    String note = h.clamped() + " values of '" + name + "' beyond ±65504 clamped to ±65504";
                    halfReaders.forEach(n -> clampNotes.computeIfAbsent(n.name(), k -> new ArrayList<>()).add(note));
                }
            }
            listener.onProgress(ProgressStages.FP16_WEIGHTS, initializers.size(), initializers.size());
        }

        /**
         * In a subgraph, FLOAT initializers of an enclosing graph read by float16 nodes get a float16
         * copy held by the subgraph; returns the outer names, which the enclosing graph may drop once no
         * node reads them.
         */
        Set<String> convertOuterInitializers() {
            Set<String> copied = new LinkedHashSet<>();
            if (graph.isMainGraph()) {
                return copied;
            }
            for (String name : converted) {
                for (String in : Set.copyOf(graph.node(name).orElseThrow().inputs())) {
                    if (in.isEmpty() || graph.initializers().containsKey(in) || half.contains(in)) {
                        continue;
                    }
                    Optional<TensorProto> t = graph.initializer(in).filter(i -> i.getDataType() == FLOAT);
                    if (t.isEmpty()) {
                        continue;
                    }
                    String halfName = halfCasts.computeIfAbsent(in, k -> {
                        String h = graph.uniqueName(k + "_fp16");
                        graph.putInitializer(toHalf(t.get()).proto().toBuilder().setName(h).build());
                        half.add(h);
                        return h;
                    });
                    graph.replaceUse(name, in, halfName);
                    copied.add(in);
                }
            }
            return copied;
        }

        /** Converts the float tensors, float {@code Cast} targets and float dtypes in a float16 node's attributes. */
        void convertAttributes(String nodeName) {
            Node n = graph.node(nodeName).orElseThrow();
            Node updated = n;
            for (AttributeProto a : n.attributes().values()) {
                AttributeProto replacement = convertAttribute(n, a);
                if (replacement != a) {
                    updated = updated.withoutAttribute(a.getName()).withAttribute(replacement);
                }
            }
            if (updated != n) {
                graph.replaceNode(nodeName, updated);
            }
        }

        private AttributeProto convertAttribute(Node n, AttributeProto a) {
            String name = a.getName();
            if (a.getType() == AttributeType.TENSOR && a.getT().getDataType() == FLOAT) {
                return a.toBuilder().setT(attributeTensor(n, a.getT())).build();
            }
            if (a.getType() == AttributeType.TENSORS && a.getTensorsList().stream().anyMatch(t -> t.getDataType() == FLOAT)) {
                AttributeProto.Builder b = a.toBuilder().clearTensors();
                a.getTensorsList().forEach(t -> b.addTensors(t.getDataType() == FLOAT ? attributeTensor(n, t) : t));
                return b.build();
            }
            if (n.is("Constant") && (name.equals("value_float") || name.equals("value_floats"))) {
                FloatTensor values = name.equals("value_float") ? FloatTensor.scalar(a.getF())
                        : FloatTensor.vector(toArray(a.getFloatsList()));
                return Attributes.tensor("value", attributeTensor(n, TensorProtos.floats("", values)));
            }
            boolean floatType = a.getType() == AttributeType.INT && a.getI() == FLOAT;
            if (floatType && (n.is("Cast") && name.equals("to") || DTYPE_OPS.contains(n.opType()) && name.equals("dtype"))) {
                return Attributes.integer(name, FLOAT16);
            }
            return a;
        }

        private TensorProto attributeTensor(Node n, TensorProto t) {
            HalfTensor h = toHalf(t);
            if (h.clamped() > 0) {
                LOG.warn("An attribute tensor of node '{}' has {} values beyond the float16 range ±65504; they are"
                        + " clamped to ±65504", n.name(), h.clamped());
                clampNotes.computeIfAbsent(n.name(), k -> new ArrayList<>())
                        .add(h.clamped() + " attribute values beyond ±65504 clamped to ±65504");
            }
            return h.proto();
        }

        /** Casts float32 inputs of float16 nodes to float16, and float16 inputs of float32 nodes to float32. */
        void insertCasts(Set<String> keptNodes) {
            for (String name : converted) {
                for (String in : Set.copyOf(graph.node(name).orElseThrow().inputs())) {
                    if (floats.contains(in) && !half.contains(in)) {
                        graph.replaceUse(name, in, halfCasts.computeIfAbsent(in, t -> cast(t, null, FLOAT16)));
                    }
                }
            }
            for (String name : keptNodes) {
                for (String in : Set.copyOf(graph.node(name).orElseThrow().inputs())) {
                    if (half.contains(in)) {
                        graph.replaceUse(name, in, floatCasts.computeIfAbsent(in, t -> cast(t, null, FLOAT)));
                    }
                }
            }
        }

        /** Declared types of intermediate tensors that now hold float16 values. */
        void updateValueInfo() {
            for (String t : half) {
                if (graph.producer(t).isEmpty() || graph.isGraphOutput(t)) {
                    continue;
                }
                graph.tensorInfo(t).filter(i -> i.elementType() == FLOAT).ifPresent(i -> {
                    ValueInfoProto p = i.proto();
                    TypeProto type = p.getType().toBuilder()
                            .setTensorType(p.getType().getTensorType().toBuilder().setElemType(FLOAT16)).build();
                    graph.setValueInfo(new TensorInfo(p.toBuilder().setType(type).build()));
                });
            }
        }

        /** Adds {@code Cast(from -> to)}; a null {@code to} gets a fresh name. Returns the output name. */
        private String cast(String from, String to, int type) {
            String suffix = type == FLOAT16 ? "_fp16" : "_fp32";
            String out = to != null ? to : graph.uniqueName(from + suffix);
            graph.addNode(Node.of(graph.uniqueName(from + "_to" + suffix), "Cast", Node.DEFAULT_DOMAIN, List.of(from),
                    List.of(out), List.of(Attributes.integer("to", type))));
            return out;
        }

        String convertedReason(Node n) {
            List<String> notes = clampNotes.getOrDefault(n.name(), List.of());
            return "converted to float16" + (notes.isEmpty() ? "" : "; " + String.join("; ", notes));
        }
    }

    private static float[] toArray(List<Float> values) {
        float[] a = new float[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return a;
    }
}
