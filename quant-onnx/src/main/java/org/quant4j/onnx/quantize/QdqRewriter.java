package org.quant4j.onnx.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.quant4j.api.ChannelRanges;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.ModelException;
import org.quant4j.api.Precision;
import org.quant4j.api.QuantParams;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.TensorRange;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.api.quantize.ProgressStages;
import org.quant4j.calibration.method.PerChannelMinMax;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.TensorProtos;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites a graph as a {@link QdqPlan} says: removes absorbed activations, replaces weights by
 * int8 initializers, biases by int32 ones and other constants by integers of the activation
 * scheme, each read through a DequantizeLinear, and puts QuantizeLinear then DequantizeLinear
 * after every quantized activation tensor. A graph output keeps its name: the DequantizeLinear
 * writes it.
 */
final class QdqRewriter {

    private static final Logger LOG = LoggerFactory.getLogger(QdqRewriter.class);

    /**
     * Largest bias level stored: half of int32, so that the integer kernel's int32 accumulator has
     * room for the products it adds to the bias.
     */
    static final double MAX_BIAS_LEVEL = 1 << 30;

    private final Graph graph;
    private final QdqPlan plan;
    private final Map<String, String> dequantized = new HashMap<>();
    private final Set<String> replaced = new LinkedHashSet<>();
    private final Map<String, String> notes = new LinkedHashMap<>();

    private QdqRewriter(Graph graph, QdqPlan plan) {
        this.graph = graph;
        this.plan = plan;
    }

    /**
     * Applies {@code plan} to {@code graph}.
     *
     * @param listener told of each compute node whose constants are quantized, as
     *                 {@link ProgressStages#WEIGHTS}
     * @return notes on quantized nodes whose weight range had to widen for their bias to fit int32
     */
    static Map<String, String> apply(Graph graph, QdqPlan plan, ProgressListener listener) {
        QdqRewriter r = new QdqRewriter(graph, plan);
        r.removeAbsorbedActivations();
        int total = plan.computeNodes().size();
        int done = 0;
        listener.onProgress(ProgressStages.WEIGHTS, 0, total);
        for (Map.Entry<String, QdqPlan.NodeRoles> e : plan.computeNodes().entrySet()) {
            r.quantizeConstants(e.getKey(), e.getValue());
            listener.onProgress(ProgressStages.WEIGHTS, ++done, total);
        }
        plan.activationParams().forEach(r::insertQdq);
        r.replaced.forEach(graph::removeInitializerIfUnused);
        return r.notes;
    }

    private void removeAbsorbedActivations() {
        for (QdqPlan.Absorption a : plan.absorptions()) {
            Node activation = graph.removeNode(a.activation());
            Node producer = graph.node(a.producer()).orElseThrow();
            List<String> outputs = new ArrayList<>(producer.outputs());
            outputs.set(outputs.indexOf(a.input()), a.output());
            graph.replaceNode(producer.name(), producer.withOutputs(outputs));
            activation.inputs().stream().skip(1).filter(s -> !s.isEmpty()).forEach(graph::removeInitializerIfUnused);
        }
    }

    // ---------------------------------------------------------------- initializers

    private void quantizeConstants(String nodeName, QdqPlan.NodeRoles roles) {
        QuantParams input = plan.activationParams().get(roles.activations().get(0));
        QuantParams weightParams = null;
        if (!roles.weight().isEmpty()) {
            QuantScheme scheme = plan.weightScheme(nodeName, roles);
            Optional<Int16Pairing> pairLimit = plan.pairLimit(roles);
            weightParams = weightParams(roles.weight(), scheme, pairLimit, null);
            double[] widening = roles.bias().isEmpty() ? null : biasWidening(nodeName, roles, input, weightParams);
            if (widening != null) {
                weightParams = weightParams(roles.weight(), scheme, pairLimit, widening);
                String note = "the range of weight '" + roles.weight() + "' is widened (up to x"
                        + String.format(Locale.ROOT, "%.3g", Arrays.stream(widening).max().orElse(1))
                        + ") so that its int32 bias fits; its channels have nearly no weight";
                LOG.warn("Node '{}': {}", nodeName, note);
                notes.put(nodeName, note);
            }
            use(nodeName, roles.weight(), quantizedInitializer(roles.weight(), weightParams));
        } else if (roles.activations().size() > 1 && !roles.bias().isEmpty()) {
            // Gemm of two activations: the "weight" scale is that of its second input.
            weightParams = plan.activationParams().get(roles.activations().get(1));
        }
        for (String c : roles.constants()) {
            // The activation scheme of the node's inputs, so that ONNX Runtime sees one integer type.
            QuantScheme scheme = plan.schemeOverride(c).orElse(input.scheme());
            use(nodeName, c, quantizedInitializer(c, constantParams(c, scheme)));
        }
        if (!roles.bias().isEmpty()) {
            use(nodeName, roles.bias(), quantizedBias(nodeName, roles, input, weightParams));
        }
    }

    /**
     * Symmetric per-channel or per-tensor parameters of a weight, from its values, widened to keep
     * int16 pair sums in range when {@code pairLimit} is present, with the range of channel
     * {@code c} multiplied by {@code widening[c]} when given.
     */
    private QuantParams weightParams(String name, QuantScheme scheme, Optional<Int16Pairing> pairLimit,
            double[] widening) {
        FloatTensor w = graph.floatInitializer(name).orElseThrow();
        if (scheme.perChannel()) {
            if (scheme.axis() >= w.rank()) {
                throw new InvalidInputException("Weight '" + name + "' of shape " + Arrays.toString(w.shape())
                        + " has no channel axis " + scheme.axis() + ": fix the scheme of its tensor override");
            }
            ChannelRanges ranges = PerChannelMinMax.compute(w.values(), intShape(w), scheme.axis(),
                    scheme.symmetric());
            if (pairLimit.isPresent()) {
                ranges = pairLimit.get().limitPairSums(ranges, w.values(), w.shape());
            }
            if (widening != null) {
                double[] mins = ranges.mins();
                double[] maxs = ranges.maxs();
                for (int c = 0; c < mins.length; c++) {
                    mins[c] *= widening[c];
                    maxs[c] *= widening[c];
                }
                ranges = new ChannelRanges(ranges.axis(), mins, maxs);
            }
            return QuantParams.forChannels(ranges, scheme);
        }
        TensorRange range = plan.fixedRange(name).orElseGet(() -> wholeRange(w, scheme.symmetric()));
        if (pairLimit.isPresent()) {
            range = pairLimit.get().limitPairSums(range, w.values(), w.shape());
        }
        if (widening != null) {
            range = new TensorRange(range.min() * widening[0], range.max() * widening[0]);
        }
        return QuantParams.forRange(range, scheme);
    }

    /**
     * How much each weight channel's range must widen for the int32 bias to stay within
     * {@link #MAX_BIAS_LEVEL} levels, or null when it already does. A channel whose weights are
     * nearly zero has a tiny scale, and its bias divided by {@code inputScale * weightScale} would
     * not fit int32; ONNX Runtime's own quantizer widens the weight scale too.
     */
    private double[] biasWidening(String nodeName, QdqPlan.NodeRoles roles, QuantParams input, QuantParams weight) {
        FloatTensor b = graph.floatInitializer(roles.bias()).orElseThrow();
        int channels = requireBiasFits(nodeName, roles, b, weight);
        double[] widening = new double[channels];
        Arrays.fill(widening, 1);
        boolean widen = false;
        for (int c = 0; c < b.size(); c++) {
            int wc = channels == 1 ? 0 : c;
            double level = Math.abs(b.get(c)) / (double) biasScale(roles, input, weight, wc);
            if (level > MAX_BIAS_LEVEL) {
                widening[wc] = Math.max(widening[wc], level / MAX_BIAS_LEVEL);
                widen = true;
            }
        }
        return widen ? widening : null;
    }

    /** Checks that the bias has one value per weight channel (or the weight one scale); returns the channels. */
    private int requireBiasFits(String nodeName, QdqPlan.NodeRoles roles, FloatTensor b, QuantParams weight) {
        int channels = weight.size();
        if (channels != 1 && channels != b.size()) {
            throw new ModelException("Node '" + nodeName + "' has bias '" + roles.bias() + "' of " + b.size()
                    + " values but its weight '" + roles.weight() + "' has " + channels + " output channels: the"
                    + " model is invalid");
        }
        return channels;
    }

    /** Scale of the int32 bias of weight channel {@code c}, a float32 product as ONNX Runtime computes it. */
    private static float biasScale(QdqPlan.NodeRoles roles, QuantParams input, QuantParams weight, int c) {
        return roles.biasFactor() * input.scale(0) * weight.scale(c);
    }

    /** Per-tensor parameters of a constant input (of Add, Mul, Concat) in the activation scheme. */
    private QuantParams constantParams(String name, QuantScheme scheme) {
        FloatTensor c = graph.floatInitializer(name).orElseThrow();
        TensorRange range = plan.fixedRange(name).orElseGet(() -> wholeRange(c, scheme.symmetric()));
        return QuantParams.forRange(range, scheme);
    }

    /** The range of all values of {@code t}: a single channel spanning the whole tensor. */
    private static TensorRange wholeRange(FloatTensor t, boolean symmetric) {
        if (t.size() == 0) {
            return new TensorRange(0, 0);
        }
        return PerChannelMinMax.compute(t.values(), new int[] {1, t.size()}, 0, symmetric).channel(0);
    }

    /** Stores {@code name} quantized with {@code q}; returns the DequantizeLinear output that replaces it. */
    private String quantizedInitializer(String name, QuantParams q) {
        // A shared initializer with the same parameters is quantized once.
        String key = name + "|" + q.scheme() + "|" + Arrays.toString(q.scales()) + Arrays.toString(q.zeroPoints());
        String existing = dequantized.get(key);
        if (existing != null) {
            return existing;
        }
        FloatTensor w = graph.floatInitializer(name).orElseThrow();
        // Bytes, not ints: a weight's levels are held once at a quarter of its float size.
        byte[] levels = new byte[w.size()];
        int axis = q.scheme().perChannel() ? q.scheme().axis() : -1;
        int inner = 1;
        for (int d = axis + 1; axis >= 0 && d < w.rank(); d++) {
            inner *= (int) w.dim(d);
        }
        int channels = axis >= 0 ? (int) w.dim(axis) : 1;
        for (int i = 0; i < levels.length; i++) {
            int channel = axis >= 0 ? (i / inner) % channels : 0;
            levels[i] = level8(q.quantize(w.get(i), channel), q.scheme().precision());
        }
        String quantized = graph.uniqueName(name + "_quantized");
        graph.putInitializer(bytes(quantized, q.scheme().precision(), w.shape(), levels));
        String output = dequantizeLinear(name, quantized, q, axis);
        dequantized.put(key, output);
        replaced.add(name);
        return output;
    }

    /**
     * Stores the bias as int32 at scale {@code biasFactor * inputScale * weightScale} (per channel
     * when the weight is), zero point 0, as ONNX Runtime's integer kernels expect it; returns the
     * DequantizeLinear output.
     */
    private String quantizedBias(String nodeName, QdqPlan.NodeRoles roles, QuantParams input, QuantParams weight) {
        String name = roles.bias();
        FloatTensor b = graph.floatInitializer(name).orElseThrow();
        int n = b.size();
        int channels = requireBiasFits(nodeName, roles, b, weight);
        float[] scales = new float[n];
        int[] levels = new int[n];
        for (int c = 0; c < n; c++) {
            scales[c] = biasScale(roles, input, weight, channels == 1 ? 0 : c);
            double level = Math.rint(b.get(c) / (double) scales[c]);
            if (!(Math.abs(level) <= Integer.MAX_VALUE)) {
                throw new ModelException("Bias '" + name + "' of node '" + nodeName + "' does not fit int32: value "
                        + b.get(c) + " at scale " + scales[c] + " (input scale x weight scale). Exclude node '"
                        + nodeName + "' to keep it in float");
            }
            levels[c] = (int) level;
        }
        boolean perChannel = channels != 1;
        long[] dims = perChannel ? new long[] {n} : new long[0];
        String quantized = graph.uniqueName(name + "_quantized");
        graph.putInitializer(TensorProtos.int32s(quantized, b.shape(), levels));
        String scale = graph.uniqueName(name + "_scale");
        graph.putInitializer(scale, perChannel ? new FloatTensor(dims, scales) : FloatTensor.scalar(scales[0]));
        String zeroPoint = graph.uniqueName(name + "_zero_point");
        graph.putInitializer(TensorProtos.int32s(zeroPoint, dims, new int[perChannel ? n : 1]));
        String output = graph.uniqueName(name + "_dequantized");
        addDequantizeLinear(name, quantized, scale, zeroPoint, output, perChannel ? 0 : -1);
        replaced.add(name);
        return output;
    }

    /**
     * Makes node {@code nodeName} read {@code replacement} instead of initializer {@code original},
     * and drops {@code original} once no node reads it: weights are replaced one at a time, so the
     * float weights and their int8 copies are not all held at once.
     */
    private void use(String nodeName, String original, String replacement) {
        graph.replaceUse(nodeName, original, replacement);
        graph.releaseInitializerIfUnused(original);
    }

    // ---------------------------------------------------------------- activations

    /** Inserts QuantizeLinear and DequantizeLinear after {@code tensor}; every reader reads the DequantizeLinear. */
    private void insertQdq(String tensor, QuantParams q) {
        String scale = graph.uniqueName(tensor + "_scale");
        graph.putInitializer(scale, FloatTensor.scalar(q.scale(0)));
        String zeroPoint = graph.uniqueName(tensor + "_zero_point");
        graph.putInitializer(integers(zeroPoint, q.scheme().precision(), new long[0], q.zeroPoint(0)));
        String quantized = graph.uniqueName(tensor + "_quantized");
        var producer = graph.producer(tensor);
        if (graph.isGraphOutput(tensor) && producer.isPresent()) {
            // The producer writes a new name; DequantizeLinear writes the graph output, whose name is kept.
            String before = graph.uniqueName(tensor + "_float");
            Node p = producer.get();
            List<String> outputs = new ArrayList<>(p.outputs());
            outputs.set(outputs.indexOf(tensor), before);
            graph.replaceNode(p.name(), p.withOutputs(outputs));
            addQuantizeLinear(tensor, before, scale, zeroPoint, quantized);
            addDequantizeLinear(tensor, quantized, scale, zeroPoint, tensor, -1);
            return;
        }
        // A subgraph reading the tensor keeps the float value; ONNX Runtime fuses only direct inputs.
        List<Node> readers = graph.consumers(tensor).stream()
                .filter(r -> r.inputs().contains(tensor) && !r.subgraphInputs().contains(tensor)).toList();
        addQuantizeLinear(tensor, tensor, scale, zeroPoint, quantized);
        String output = graph.uniqueName(tensor + "_dequantized");
        addDequantizeLinear(tensor, quantized, scale, zeroPoint, output, -1);
        for (Node reader : readers) {
            graph.replaceUse(reader.name(), tensor, output);
        }
    }

    private void addQuantizeLinear(String base, String input, String scale, String zeroPoint, String output) {
        graph.addNode(Node.of(graph.uniqueName(base + "_QuantizeLinear"), "QuantizeLinear", Node.DEFAULT_DOMAIN,
                List.of(input, scale, zeroPoint), List.of(output), List.of()));
    }

    private void addDequantizeLinear(String base, String input, String scale, String zeroPoint, String output,
            int axis) {
        List<AttributeProto> attrs = axis >= 0 ? List.of(Attributes.integer("axis", axis)) : List.of();
        graph.addNode(Node.of(graph.uniqueName(base + "_DequantizeLinear"), "DequantizeLinear", Node.DEFAULT_DOMAIN,
                List.of(input, scale, zeroPoint), List.of(output), attrs));
    }

    /** DequantizeLinear of an integer initializer; returns its output. */
    private String dequantizeLinear(String base, String quantized, QuantParams q, int axis) {
        boolean perChannel = axis >= 0;
        long[] dims = perChannel ? new long[] {q.size()} : new long[0];
        String scale = graph.uniqueName(base + "_scale");
        graph.putInitializer(scale, perChannel ? new FloatTensor(dims, q.scales()) : FloatTensor.scalar(q.scale(0)));
        String zeroPoint = graph.uniqueName(base + "_zero_point");
        graph.putInitializer(integers(zeroPoint, q.scheme().precision(), dims, q.zeroPoints()));
        String output = graph.uniqueName(base + "_dequantized");
        addDequantizeLinear(base, quantized, scale, zeroPoint, output, axis);
        return output;
    }

    /** An int8 or uint8 tensor proto of integer levels. */
    private static TensorProto integers(String name, Precision precision, long[] dims, int... levels) {
        byte[] bytes = new byte[levels.length];
        for (int i = 0; i < levels.length; i++) {
            bytes[i] = level8(levels[i], precision);
        }
        return bytes(name, precision, dims, bytes);
    }

    /** An int8 or uint8 tensor proto that takes over {@code levels} (bytes from {@link #level8}). */
    private static TensorProto bytes(String name, Precision precision, long[] dims, byte[] levels) {
        return switch (precision) {
            case UINT8 -> TensorProtos.adoptBytes(name, TensorProto.DataType.UINT8_VALUE, dims, levels);
            case INT8 -> TensorProtos.adoptBytes(name, TensorProto.DataType.INT8_VALUE, dims, levels);
            default -> throw new InvalidInputException("QDQ tensors are int8 or uint8, not " + precision);
        };
    }

    /** One level as the byte of an int8 or uint8 tensor; a level outside the type's range is a bug. */
    private static byte level8(int level, Precision precision) {
        boolean fits = switch (precision) {
            case UINT8 -> level >= 0 && level <= 255;
            case INT8 -> level >= -128 && level <= 127;
            default -> throw new InvalidInputException("QDQ tensors are int8 or uint8, not " + precision);
        };
        if (!fits) {
            throw new IllegalArgumentException(precision + " level out of range: " + level);
        }
        return (byte) level;
    }

    private static int[] intShape(FloatTensor t) {
        int[] s = new int[t.rank()];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.toIntExact(t.dim(i));
        }
        return s;
    }
}
