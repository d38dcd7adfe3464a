package org.quant4j.onnx.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.quant4j.api.ChannelRanges;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.ModelException;
import org.quant4j.api.Precision;
import org.quant4j.api.QuantParams;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.NodeDecision.Action;
import org.quant4j.api.quantize.ProgressStages;
import org.quant4j.calibration.method.PerChannelMinMax;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.TensorProtos;
import org.quant4j.onnx.ops.OpSpec;
import org.quant4j.onnx.ops.OpSpec.DynamicForm;
import org.quant4j.onnx.ops.OpTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic int8 quantization for ONNX Runtime's CPU kernels, in the form
 * {@code onnxruntime.quantization.quantize_dynamic} emits: int8 symmetric weights stored in the
 * model, activations quantized to uint8 at run time from their observed range.
 *
 * <ul>
 *   <li>{@code MatMul} with a constant 2-D weight {@code B [K, N]} and {@code Gemm} with a constant
 *       {@code B} (and {@code transA = 0}) become
 *       {@code DynamicQuantizeLinear(A) -> MatMulInteger(A_q, B_q, A_zp, B_zp) -> Cast(float) ->
 *       Mul(A_scale * B_scale)}; a Gemm's {@code transB} is applied to the weight before
 *       quantization, its {@code alpha} is folded into {@code B_scale} and {@code beta * C} is added
 *       after with {@code Add}. ONNX Runtime's graph optimiser fuses the pattern into
 *       {@code com.microsoft:DynamicQuantizeMatMul} (bias {@code Add} included). Weights are int8,
 *       per tensor or, with {@link QuantizationConfig#perChannel()}, per output column (axis 1 of
 *       {@code [K, N]}). ONNX Runtime 1.29's CPU {@code MatMulInteger} accepts every combination of
 *       uint8 and int8 {@code A} and {@code B}, with a scalar or per-column ({@code [N]})
 *       {@code b_zero_point}, and {@code DynamicQuantizeMatMul} honours per-column scales, so
 *       per-channel weights need no fallback. The fusion happens from the EXTENDED optimisation level
 *       on; below it the unfused integer ops run.</li>
 *   <li>{@code LSTM} with constant {@code W} and {@code R} becomes
 *       {@code com.microsoft:DynamicQuantizeLSTM} with int8 weights transposed to
 *       {@code [num_directions, input_size, 4*hidden]} and {@code [num_directions, hidden, 4*hidden]},
 *       scales and zero points of shape {@code [num_directions]} (per tensor, one per direction) or
 *       {@code [num_directions, 4*hidden]} (per channel, one scale per gate row); ONNX Runtime 1.29's
 *       CPU kernel honours both.</li>
 *   <li>{@code Conv} with a constant weight becomes {@code DynamicQuantizeLinear(X) -> ConvInteger ->
 *       Cast(float) -> Mul(X_scale * W_scale) [-> Add(bias)]}, as {@code quantize_dynamic} emits it:
 *       the weights are int8 levels stored as uint8 with zero point 128 (ONNX Runtime's CPU
 *       ConvInteger takes uint8 weights and one zero point), per channel with scales of shape
 *       {@code [M, 1, ...]} applied after the integer convolution. The kernel (MLAS's u8u8 GEMM)
 *       widens to 16 bits before multiplying, so no kernel target limits these weights. ONNX Runtime
 *       fuses nothing here, and on the reference models ConvInteger was about 4x slower than float
 *       Conv and lost 0.26 pp top-1, so Conv is quantized only in models with no MatMul, Gemm or LSTM
 *       to quantize, or when {@link QuantizationConfig#dynamicConv()} asks for it.</li>
 * </ul>
 *
 * <p>Weight scales come from {@link QuantParams#forRange}/{@link QuantParams#forChannels} with the
 * symmetric narrow-range int8 scheme, so {@code scale = amax / 127} and the zero point is 0. Float
 * weights that no node reads any more are removed. Every MatMul, Gemm, LSTM and Conv gets a decision.
 */
public final class DynamicQuantizer implements GraphQuantizer {

    /** Domain of ONNX Runtime's contrib operators. */
    public static final String MS_DOMAIN = "com.microsoft";

    /** Reason given for a MatMul or Gemm whose weight is computed at run time. */
    public static final String NOT_CONSTANT = "weight is not a constant";

    /**
     * Reason given for a Conv left in float in a model with MatMul, Gemm or LSTM to quantize. On the
     * reference models (ONNX Runtime 1.29, 10,000 Fashion-MNIST test images) ConvInteger cost accuracy
     * and speed against float Conv, so it is an opt-in there.
     */
    public static final String CONV_LEFT_FLOAT = "Conv stays float in dynamic mode when the model has MatMul, Gemm"
            + " or LSTM to quantize (ONNX Runtime's float Conv is faster and more accurate than its ConvInteger);"
            + " quantize it with --dynamic-conv (QuantizationConfig.dynamicConv)";

    private static final Logger LOG = LoggerFactory.getLogger(DynamicQuantizer.class);

    /** ONNX LSTM attributes that {@code DynamicQuantizeLSTM} shares (it has no {@code layout}). */
    private static final Set<String> LSTM_ATTRIBUTES = Set.of("activation_alpha", "activation_beta", "activations",
            "clip", "direction", "hidden_size", "input_forget");

    @Override
    public QuantizationMode mode() {
        return QuantizationMode.DYNAMIC;
    }

    @Override
    public GraphQuantization quantize(Graph graph, QuantizationContext context) {
        QuantizationConfig config = context.config();
        if (config.weightPrecision() != Precision.INT8) {
            throw new InvalidInputException("Dynamic quantization stores int8 weights, but the config asks for "
                    + config.weightPrecision() + " weights: set weightPrecision(INT8) or use static mode");
        }
        if (!config.activationScheme().equals(QuantScheme.UINT8_ASYMMETRIC)) {
            LOG.warn("Dynamic mode quantizes activations at run time with DynamicQuantizeLinear, which produces uint8"
                    + " asymmetric values; the configured activation scheme ({}) does not apply",
                    config.activationScheme());
        }
        // The main graph and every subgraph nested in it (If branches, Loop and Scan bodies), planned together.
        List<Graph> nested = graph.nestedSubgraphs();
        List<Graph> graphs = new ArrayList<>();
        graphs.add(graph);
        graphs.addAll(nested);
        List<Plan> plans = new ArrayList<>();
        for (Graph g : graphs) {
            for (Node n : g.nodes()) {
                if (OpTable.of(n).dynamic() == DynamicForm.NONE) {
                    continue;
                }
                String excluded = config.exclusionReason(n.name(), n.opType());
                Optional<String> blocker = excluded != null ? Optional.of(excluded) : blocker(g, n);
                plans.add(new Plan(g, n, blocker.orElse(null)));
            }
        }
        // Conv only when asked, or when the model has nothing else to quantize (a convolution-only model).
        boolean othersQuantized = plans.stream().anyMatch(p -> p.skipReason() == null
                && OpTable.of(p.node()).dynamic() != DynamicForm.CONV_INTEGER);
        if (!config.dynamicConv() && othersQuantized) {
            plans.replaceAll(p -> p.skipReason() == null && OpTable.of(p.node()).dynamic() == DynamicForm.CONV_INTEGER
                    ? new Plan(p.graph(), p.node(), CONV_LEFT_FLOAT) : p);
        }
        if (plans.stream().allMatch(p -> p.skipReason() != null)) {
            String considered = plans.isEmpty() ? "the graph has none of these ops"
                    : plans.stream().map(p -> p.node().name() + " (" + p.node().opType() + "): " + p.skipReason())
                            .collect(Collectors.joining("; "));
            throw new ModelException("Graph '" + graph.name() + "' has no MatMul, Gemm, LSTM or Conv with constant weights to"
                    + " quantize dynamically (" + considered + "). Use static QDQ or FP16 mode for this model, or"
                    + " remove the exclusions that cover these nodes");
        }
        Map<Graph, Rewriter> rewriters = new LinkedHashMap<>();
        List<NodeDecision> decisions = new ArrayList<>(plans.size());
        context.listener().onProgress(ProgressStages.WEIGHTS, 0, plans.size());
        for (Plan p : plans) {
            Node n = p.node();
            String where = p.graph().isMainGraph() ? "" : " (inside subgraph " + p.graph().path() + ")";
            if (p.skipReason() != null) {
                LOG.info("Skipped {} ({}): {}{}", n.name(), n.opType(), p.skipReason(), where);
                decisions.add(new NodeDecision(n.name(), n.opType(), Action.SKIPPED, p.skipReason() + where));
                context.listener().onProgress(ProgressStages.WEIGHTS, decisions.size(), plans.size());
                continue;
            }
            Rewriter rewriter = rewriters.computeIfAbsent(p.graph(), g -> new Rewriter(g, config));
            String reason = switch (OpTable.of(n).dynamic()) {
                case LSTM -> rewriter.lstm(n);
                case CONV_INTEGER -> rewriter.conv(n);
                default -> rewriter.matMul(n);
            };
            LOG.debug("Quantized {} ({}): {}{}", n.name(), n.opType(), reason, where);
            decisions.add(new NodeDecision(n.name(), n.opType(), Action.QUANTIZED, reason + where));
            context.listener().onProgress(ProgressStages.WEIGHTS, decisions.size(), plans.size());
        }
        rewriters.values().forEach(r -> LOG.debug("Removed float weights no node reads any more: {}",
                r.removeUnusedWeights()));
        Graph.writeBackAll(nested);
        // A subgraph's weight held by an enclosing graph is unread once the subgraph reads its int8 copy.
        rewriters.values().forEach(r -> r.floatWeights.forEach(graph::removeInitializerIfUnused));
        graph.removeUnusedSubgraphInitializers();
        return GraphQuantization.of(decisions);
    }

    /** Why node {@code n} cannot be quantized dynamically, or empty when it can. */
    private static Optional<String> blocker(Graph graph, Node n) {
        OpSpec spec = OpTable.of(n);
        DynamicForm form = spec.dynamic();
        // Gemm's transA and LSTM's layout: attributes the other candidates do not have (so they read 0).
        if (form == DynamicForm.MATMUL_INTEGER && n.intAttribute("transA", 0) != 0) {
            return Optional.of("transA=1 (a transposed activation) has no MatMulInteger form");
        }
        if (form == DynamicForm.LSTM && n.intAttribute("layout", 0) != 0) {
            return Optional.of("layout=1 (batch-major) is not supported by DynamicQuantizeLSTM");
        }
        return spec.weightInputs().stream()
                .map(i -> weightBlocker(graph, n.input(i), form))
                .flatMap(Optional::stream).findFirst();
    }

    private static Optional<String> weightBlocker(Graph graph, String weight, DynamicForm form) {
        Optional<TensorProto> t = weight.isEmpty() ? Optional.empty() : graph.initializer(weight);
        if (t.isEmpty()) {
            return Optional.of(NOT_CONSTANT);
        }
        if (t.get().getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            return Optional.of("weight '" + weight + "' is " + TensorProtos.typeName(t.get().getDataType())
                    + ", not float32");
        }
        if (!form.acceptsRank(t.get().getDimsCount())) {
            return Optional.of("weight '" + weight + "' has rank " + t.get().getDimsCount() + ", expected "
                    + (form == DynamicForm.CONV_INTEGER ? "3 or more" : form.weightRank()));
        }
        return Optional.empty();
    }

    /** A candidate node and why it is skipped ({@code null} when it is quantized). */
    private record Plan(Graph graph, Node node, String skipReason) {
    }

    /** Int8 values of a row-major {@code [rows, cols]} matrix and the parameters that produced them. */
    private record Int8Matrix(byte[] values, QuantParams params) {
    }

    /** Outputs of the DynamicQuantizeLinear that quantizes one activation tensor. */
    private record DynamicActivation(String quantized, String scale, String zeroPoint) {
    }

    /** Rewrites planned nodes of one graph; shares DynamicQuantizeLinear nodes between readers of a tensor. */
    private static final class Rewriter {
        private final Graph graph;
        private final QuantizationConfig config;
        private final Map<String, DynamicActivation> activations = new HashMap<>();
        private final Set<String> floatWeights = new LinkedHashSet<>();

        Rewriter(Graph graph, QuantizationConfig config) {
            this.graph = graph;
            this.config = config;
        }

        /** Rewrites a MatMul or Gemm; returns the decision reason. */
        String matMul(Node n) {
            OpSpec spec = OpTable.of(n);
            String weightName = n.input(spec.weightInput());
            FloatTensor w = graph.floatInitializer(weightName).orElseThrow();
            // Output columns along axis 0 mean the weight is [N, K] (Gemm's transB).
            boolean transB = spec.weightAxis(n, 2) == 0;
            int k = (int) (transB ? w.dim(1) : w.dim(0));
            int cols = (int) (transB ? w.dim(0) : w.dim(1));
            float[] kn = transB ? transpose(w.data(), cols, k) : w.data();
            QuantScheme scheme = config.weightScheme(1);
            double[] limits = config.kernelTarget().limitsPairSums()
                    ? Int16Pairing.COLUMNS.largestPairSums(kn, new long[] {k, cols}) : null;
            Int8Matrix q = quantize(kn, k, cols, scheme, limits);
            floatWeights.add(weightName);

            String base = n.name();
            long[] paramShape = scheme.perChannel() ? new long[] {cols} : new long[0];
            String wq = graph.uniqueName(weightName + "_quantized");
            graph.putInitializer(TensorProtos.int8s(wq, new long[] {k, cols}, q.values()));
            String wzp = graph.uniqueName(weightName + "_zero_point");
            graph.putInitializer(TensorProtos.int8s(wzp, paramShape, new byte[(int) FloatTensor.elementCount(paramShape)]));
            float alpha = spec.alpha(n);
            float[] scales = q.params().scales();
            for (int i = 0; i < scales.length; i++) {
                scales[i] *= alpha;
            }
            String wscale = graph.putInitializer(graph.uniqueName(weightName + "_scale"),
                    new FloatTensor(paramShape, scales));

            String y = n.output(0);
            String a = n.input(0);
            graph.removeNode(n.name());
            DynamicActivation act = activation(a);
            String integer = add(base + "_MatMulInteger", "MatMulInteger", List.of(act.quantized(), wq, act.zeroPoint(),
                    wzp), null);
            String asFloat = add(base + "_Cast", "Cast", List.of(integer), null,
                    Attributes.integer("to", TensorProto.DataType.FLOAT_VALUE));
            String scale = add(base + "_scales_Mul", "Mul", List.of(act.scale(), wscale), null);
            String bias = spec.biasInput() >= 0 ? bias(n, spec) : null;
            String product = add(base + "_output_Mul", "Mul", List.of(asFloat, scale), bias == null ? y : null);
            if (bias != null) {
                add(base + "_bias_Add", "Add", List.of(product, bias), y);
            }
            return "int8 weights " + (scheme.perChannel() ? "per channel (" + cols + " output columns)" : "per tensor")
                    + (transB ? " from the transposed weight (transB=1)" : "")
                    + ", uint8 activations quantized at run time: DynamicQuantizeLinear, MatMulInteger, Cast, Mul"
                    + (bias != null ? ", Add" : "") + " (ONNX Runtime fuses them into DynamicQuantizeMatMul)";
        }

        /**
         * Rewrites a Conv into {@code DynamicQuantizeLinear(X) -> ConvInteger(X_q, W_q, X_zp, W_zp) ->
         * Cast(float) -> Mul(X_scale * W_scale) [-> Add(bias)]}, as ONNX Runtime's {@code quantize_dynamic}
         * does; returns the decision reason. ONNX Runtime's CPU ConvInteger takes uint8 weights with one
         * scalar zero point only, so the weights are quantized as symmetric narrow-range int8 (the
         * levels of the MatMul weights) and stored shifted by 128 as uint8 with zero point 128; per
         * channel, the scales of shape {@code [M, 1, ...]} are applied after the integer convolution,
         * which the shared zero point allows.
         */
        String conv(Node n) {
            OpSpec spec = OpTable.of(n);
            String weightName = n.input(spec.weightInput());
            FloatTensor w = graph.floatInitializer(weightName).orElseThrow();
            long[] dims = w.shape();
            int m = (int) dims[0];
            int k = w.size() / m;
            // Weights are operand A of MLAS's u8u8 GEMM, which widens both operands to 16 bits and adds
            // products in int32: no int16 pair sums that could saturate, so no kernel target limits them.
            QuantScheme scheme = config.weightScheme(0);
            Int8Matrix q = quantize(w.data(), m, k, scheme, null);
            int[] unsigned = new int[q.values().length];
            for (int i = 0; i < unsigned.length; i++) {
                unsigned[i] = q.values()[i] + 128;
            }
            floatWeights.add(weightName);
            String wq = graph.uniqueName(weightName + "_quantized");
            graph.putInitializer(TensorProtos.uint8s(wq, dims, unsigned));
            String wzp = graph.uniqueName(weightName + "_zero_point");
            graph.putInitializer(TensorProtos.uint8s(wzp, new long[0], 128));
            // Scales broadcast over the output [N, M, spatial...]: [M, 1, ...] per channel, a scalar per tensor.
            long[] scaleShape = new long[dims.length - 1];
            java.util.Arrays.fill(scaleShape, 1);
            scaleShape[0] = m;
            String wscale = graph.putInitializer(graph.uniqueName(weightName + "_scale"),
                    new FloatTensor(scheme.perChannel() ? scaleShape : new long[0], q.params().scales()));

            String bias = null;
            String b = spec.biasInput() < n.inputs().size() ? n.input(spec.biasInput()) : "";
            if (!b.isEmpty()) {
                Optional<FloatTensor> constant = graph.floatInitializer(b);
                if (constant.isPresent()) {
                    floatWeights.add(b);
                    bias = graph.putInitializer(graph.uniqueName(b + "_reshaped"),
                            new FloatTensor(scaleShape, constant.get().data()));
                } else {
                    String shape = graph.uniqueName(b + "_shape");
                    graph.putInitializer(TensorProtos.int64s(shape, new long[] {scaleShape.length}, scaleShape));
                    bias = add(n.name() + "_bias_Reshape", "Reshape", List.of(b, shape), null);
                }
            }
            String y = n.output(0);
            String x = n.input(0);
            List<AttributeProto> attributes = List.copyOf(n.attributes().values());
            graph.removeNode(n.name());
            DynamicActivation act = activation(x);
            String integer = add(n.name() + "_ConvInteger", "ConvInteger",
                    List.of(act.quantized(), wq, act.zeroPoint(), wzp), null, attributes.toArray(AttributeProto[]::new));
            String asFloat = add(n.name() + "_Cast", "Cast", List.of(integer), null,
                    Attributes.integer("to", TensorProto.DataType.FLOAT_VALUE));
            String scale = add(n.name() + "_scales_Mul", "Mul", List.of(act.scale(), wscale), null);
            String product = add(n.name() + "_output_Mul", "Mul", List.of(asFloat, scale), bias == null ? y : null);
            if (bias != null) {
                add(n.name() + "_bias_Add", "Add", List.of(product, bias), y);
            }
            return "int8 weights " + (scheme.perChannel() ? "per channel (" + m + " output channels)" : "per tensor")
                    + " stored as uint8 with zero point 128 (ConvInteger's CPU kernel takes uint8 weights), uint8"
                    + " activations quantized at run time: DynamicQuantizeLinear, ConvInteger, Cast, Mul"
                    + (bias != null ? ", Add" : "");
        }

        /** {@code beta * C} of a Gemm, or null when it has no C or beta is 0. */
        private String bias(Node gemm, OpSpec spec) {
            String c = gemm.input(spec.biasInput());
            float beta = spec.beta(gemm);
            if (c.isEmpty() || beta == 0f) {
                return null;
            }
            if (beta == 1f) {
                return c;
            }
            Optional<TensorProto> constant = graph.initializer(c)
                    .filter(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE);
            if (constant.isPresent()) {
                FloatTensor values = TensorProtos.toFloatTensor(constant.get());
                float[] scaled = values.data();
                for (int i = 0; i < scaled.length; i++) {
                    scaled[i] *= beta;
                }
                floatWeights.add(c);
                return graph.putInitializer(graph.uniqueName(c + "_times_beta"), new FloatTensor(values.shape(), scaled));
            }
            String betaName = graph.putInitializer(graph.uniqueName(gemm.name() + "_beta"), FloatTensor.scalar(beta));
            return add(gemm.name() + "_beta_Mul", "Mul", List.of(c, betaName), null);
        }

        /** Rewrites an LSTM into DynamicQuantizeLSTM; returns the decision reason. */
        String lstm(Node n) {
            List<Integer> weights = OpTable.of(n).weightInputs();
            Int8Lstm w = lstmWeight(n.input(weights.get(0)));
            Int8Lstm r = lstmWeight(n.input(weights.get(1)));
            List<String> inputs = new ArrayList<>(List.of(n.input(0), w.values(), r.values()));
            for (int i = 3; i <= 7; i++) {
                inputs.add(n.input(i));
            }
            inputs.addAll(List.of(w.scale(), w.zeroPoint(), r.scale(), r.zeroPoint()));
            List<AttributeProto> attributes = n.attributes().values().stream()
                    .filter(a -> LSTM_ATTRIBUTES.contains(a.getName())).toList();
            graph.removeNode(n.name());
            graph.addNode(Node.of(graph.uniqueName(n.name() + "_quant"), "DynamicQuantizeLSTM", MS_DOMAIN, inputs,
                    n.outputs(), attributes));
            if (!graph.opsetImports().containsKey(MS_DOMAIN)) {
                graph.setOpsetImport(MS_DOMAIN, 1);
            }
            return "com.microsoft DynamicQuantizeLSTM with int8 W and R "
                    + (config.perChannel() ? "per channel (one scale per row of 4*hidden)" : "per tensor (one scale per"
                    + " direction)") + ", activations quantized at run time";
        }

        /** Int8 W or R of an LSTM, transposed to {@code [num_directions, cols, 4*hidden]}, with its parameters. */
        private Int8Lstm lstmWeight(String name) {
            FloatTensor w = graph.floatInitializer(name).orElseThrow();
            int directions = (int) w.dim(0);
            int gates = (int) w.dim(1);
            int cols = (int) w.dim(2);
            floatWeights.add(name);
            // Per channel: one scale per row of each direction; per tensor: one per direction (the kernel
            // reads a scale per direction), so both are rows of a 2-D view with the scale along axis 0.
            QuantScheme rows = config.weightScheme(0).toBuilder().perChannel(0).build();
            // The kernel pairs products along each gate row's input features.
            double[] rowLimits = config.kernelTarget().limitsPairSums()
                    ? Int16Pairing.ROWS.largestPairSums(w.data(), new long[] {(long) directions * gates, cols}) : null;
            double[] directionLimits = null;
            if (rowLimits != null && !config.perChannel()) {
                directionLimits = new double[directions];
                for (int r = 0; r < rowLimits.length; r++) {
                    directionLimits[r / gates] = Math.max(directionLimits[r / gates], rowLimits[r]);
                }
            }
            Int8Matrix q = config.perChannel()
                    ? quantize(w.data(), directions * gates, cols, rows, rowLimits)
                    : quantize(w.data(), directions, gates * cols, rows, directionLimits);
            byte[] transposed = new byte[q.values().length];
            int block = gates * cols;
            for (int d = 0; d < directions; d++) {
                for (int g = 0; g < gates; g++) {
                    for (int c = 0; c < cols; c++) {
                        transposed[d * block + c * gates + g] = q.values()[d * block + g * cols + c];
                    }
                }
            }
            long[] paramShape = config.perChannel() ? new long[] {directions, gates} : new long[] {directions};
            String values = graph.uniqueName(name + "_quantized");
            graph.putInitializer(TensorProtos.int8s(values, new long[] {directions, cols, gates}, transposed));
            String scale = graph.putInitializer(graph.uniqueName(name + "_scale"),
                    new FloatTensor(paramShape, q.params().scales()));
            String zeroPoint = graph.uniqueName(name + "_zero_point");
            graph.putInitializer(TensorProtos.int8s(zeroPoint, paramShape, new byte[q.params().size()]));
            return new Int8Lstm(values, scale, zeroPoint);
        }

        private DynamicActivation activation(String tensor) {
            return activations.computeIfAbsent(tensor, t -> {
                String node = graph.uniqueName(t + "_DynamicQuantizeLinear");
                List<String> outs = List.of(graph.uniqueName(t + "_quantized"), graph.uniqueName(t + "_scale"),
                        graph.uniqueName(t + "_zero_point"));
                graph.addNode(Node.of(node, "DynamicQuantizeLinear", List.of(t), outs));
                return new DynamicActivation(outs.get(0), outs.get(1), outs.get(2));
            });
        }

        /** Adds a default-domain node named after {@code base}; returns its output ({@code output} if given). */
        private String add(String base, String opType, List<String> inputs, String output, AttributeProto... attrs) {
            String name = graph.uniqueName(base);
            String out = output != null ? output : graph.uniqueName(name + "_out");
            graph.addNode(Node.of(name, opType, Node.DEFAULT_DOMAIN, inputs, List.of(out), List.of(attrs)));
            return out;
        }

        List<String> removeUnusedWeights() {
            return floatWeights.stream().filter(graph::removeInitializerIfUnused).toList();
        }
    }

    /** Initializer names of one quantized LSTM weight. */
    private record Int8Lstm(String values, String scale, String zeroPoint) {
    }

    /**
     * Quantizes a row-major {@code [rows, cols]} matrix with {@code scheme}: one scale for a per-tensor
     * scheme, else one per row (axis 0) or per column (axis 1). Ranges are symmetric, and at least
     * {@code pairLimits[channel]} (the largest int16 pair sum, see {@link Int16Pairing}) when given.
     */
    private static Int8Matrix quantize(float[] data, int rows, int cols, QuantScheme scheme, double[] pairLimits) {
        QuantParams params;
        if (scheme.perChannel()) {
            ChannelRanges ranges = PerChannelMinMax.compute(data, new int[] {rows, cols}, scheme.axis(), true);
            params = QuantParams.forChannels(pairLimits == null ? ranges : Int16Pairing.widenTo(ranges, pairLimits),
                    scheme);
        } else {
            ChannelRanges all = PerChannelMinMax.compute(data, new int[] {1, data.length}, 0, true);
            double limit = pairLimits == null ? 0 : java.util.Arrays.stream(pairLimits).max().orElse(0);
            params = QuantParams.forRange(Int16Pairing.widenTo(all, new double[] {limit}).channel(0), scheme);
        }
        byte[] q = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            int channel = !scheme.perChannel() ? 0 : scheme.axis() == 0 ? i / cols : i % cols;
            q[i] = (byte) params.quantize(data[i], channel);
        }
        return new Int8Matrix(q, params);
    }

    /** The transpose of a row-major {@code [rows, cols]} matrix. */
    private static float[] transpose(float[] data, int rows, int cols) {
        float[] t = new float[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = data[r * cols + c];
            }
        }
        return t;
    }
}
