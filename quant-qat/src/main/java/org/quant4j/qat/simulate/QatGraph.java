package org.quant4j.qat.simulate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quant4j.api.ModelException;
import org.quant4j.api.TensorRange;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnx.ops.OpSpec;
import org.quant4j.onnx.ops.OpTable;
import org.quant4j.onnx.quantize.QdqLayout;
import org.quant4j.onnx.transform.DropoutRemoval;
import org.quant4j.onnx.transform.IdentityRemoval;
import org.quant4j.onnx.transform.TransformPipeline;

/**
 * A float ONNX classifier run by DJL with simulated INT8: every initializer of a Conv, Gemm, MatMul
 * or BatchNormalization becomes a trainable {@link Parameter}, and fake quantizers sit where the
 * static QDQ quantizer puts QuantizeLinear/DequantizeLinear (the {@link QdqLayout} of the folded
 * graph): an {@link ActivationQuantizer} per group of activation tensors, and per-channel (or
 * per-tensor) symmetric fake quantization of the weight of every quantized compute node.
 *
 * <p>A Conv followed by a BatchNormalization is simulated folded, as the exported model runs it
 * (Krishnamoorthi 2018, section 3.2; PyTorch's {@code ConvBn2d}): the weight is scaled by
 * {@code gamma / sqrt(runningVar + eps)} and fake-quantized; while batch-norm statistics are live in
 * training, the convolution's output is divided by that factor again and batch-normalised with the
 * batch statistics (which also update the running ones); once they are frozen, and always at
 * inference, the convolution uses the folded bias, which is exactly the exported Conv.
 *
 * <p>Not simulated, as in PyTorch's eager QAT: the int32 rounding of biases, and constants that
 * Add, Mul or MatMul read (the exporter quantizes them with their own range). The straight-through
 * estimator passes gradients everywhere, also where the quantizer saturates (PyTorch's FakeQuantize
 * zeroes them there); {@link RangeMode#LEARNED_SCALE} masks them, as LSQ does.
 *
 * <p>Ops: Conv (2-D, symmetric pads), BatchNormalization, Gemm ({@code transA = 0}, alpha and beta
 * 1), MatMul with a constant right side, Relu, Clip, Sigmoid, Add, Mul, MaxPool, AveragePool,
 * GlobalAveragePool, Flatten; Identity and Dropout are removed first. One float input and one output.
 */
public final class QatGraph extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final String CONV = "Conv";
    private static final String BN = "BatchNormalization";
    private static final Set<String> OPS = Set.of(CONV, BN, "Gemm", "MatMul", "Relu", "Clip", "Sigmoid", "Add", "Mul",
            "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten");

    /** One op, or a Conv with the BatchNormalization folded into it. */
    private record Step(Node node, Node batchNorm) {
    }

    private final Graph graph;
    private final String input;
    private final String output;
    private final List<Step> steps = new ArrayList<>();
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, NDArray> constants = new HashMap<>();
    private final List<ActivationQuantizer> quantizers = new ArrayList<>();
    private final Map<String, ActivationQuantizer> quantizerOf = new HashMap<>();
    private final Map<String, QdqLayout.WeightSite> weightSites;
    private boolean fakeQuantization = true;
    private boolean batchNormFrozen;
    private boolean observersFrozen;

    /**
     * Builds the simulation of {@code model}; parameter arrays are created on {@code manager}.
     *
     * @param layout            where static quantization of {@code model} puts its quantizers, with the
     *                          calibrated ranges the activation quantizers start from
     * @param mode              how activation ranges follow training
     * @param averagingConstant the constant of {@link RangeMode#MOVING_AVERAGE}
     * @throws ModelException when the model has an op, or a form of an op, that is not simulated
     */
    public QatGraph(OnnxModel model, QdqLayout layout, RangeMode mode, double averagingConstant, NDManager manager) {
        super(VERSION);
        this.graph = Graph.of(model);
        TransformPipeline.of(new IdentityRemoval(), new DropoutRemoval()).apply(graph);
        List<TensorInfo> inputs = graph.inputs().stream().filter(i -> !graph.isInitializer(i.name())).toList();
        if (inputs.size() != 1 || graph.outputs().size() != 1) {
            throw new ModelException("Quantization-aware training takes a model with one input and one output; model"
                    + " graph '" + graph.name() + "' has " + inputs.size() + " inputs and " + graph.outputs().size()
                    + " outputs");
        }
        this.input = inputs.get(0).name();
        this.output = graph.outputs().get(0).name();
        this.weightSites = layout.weights();
        planSteps(manager);
        Set<String> produced = new HashSet<>();
        produced.add(input);
        steps.forEach(s -> produced.add((s.batchNorm() != null ? s.batchNorm() : s.node()).output(0)));
        int id = 0;
        for (QdqLayout.ActivationGroup g : layout.activations()) {
            for (String t : g.tensors()) {
                if (!produced.contains(t)) {
                    throw new ModelException("Static quantization quantizes tensor '" + t + "', which the simulation of"
                            + " graph '" + graph.name() + "' does not compute; it cannot be trained faithfully");
                }
            }
            ActivationQuantizer q = new ActivationQuantizer("activation" + id++, g.tensors(), g.range(),
                    g.params().scheme(), mode, averagingConstant, manager);
            quantizers.add(q);
            g.tensors().forEach(t -> quantizerOf.put(t, q));
            q.parameters().forEach(this::addParameter);
        }
    }

    // ---------------------------------------------------------------- construction

    private void planSteps(NDManager manager) {
        Set<String> fused = new HashSet<>();
        for (Node n : graph.nodes()) {
            if (fused.contains(n.name())) {
                continue;
            }
            if (!n.domain().isEmpty() || !OPS.contains(n.opType())) {
                throw new ModelException("Node '" + n.name() + "' is " + (n.domain().isEmpty() ? "" : n.domain() + ":")
                        + n.opType() + ", which quantization-aware training does not simulate; supported ops: "
                        + OPS.stream().sorted().toList() + " (Identity and Dropout are removed)");
            }
            Node bn = null;
            if (n.is(CONV)) {
                bn = foldableBatchNorm(n);
                if (bn != null) {
                    fused.add(bn.name());
                }
                requireSymmetricPads(n);
            }
            if ((n.is("Gemm") || n.is("MatMul")) && !graph.consumers(n.output(0)).isEmpty()
                    && graph.consumers(n.output(0)).get(0).is(BN)) {
                throw new ModelException("BatchNormalization after " + n.opType() + " '" + n.name() + "' is folded by"
                        + " the quantizer, but quantization-aware training simulates folding after Conv only");
            }
            registerInputs(n, bn, manager);
            steps.add(new Step(n, bn));
        }
    }

    private Node foldableBatchNorm(Node conv) {
        List<Node> readers = graph.consumers(conv.output(0));
        if (readers.size() != 1 || graph.isGraphOutput(conv.output(0))) {
            return null;
        }
        Node bn = readers.get(0);
        boolean constant = bn.inputs().stream().skip(1).allMatch(graph::isInitializer);
        return bn.is(BN) && bn.input(0).equals(conv.output(0)) && constant ? bn : null;
    }

    private void registerInputs(Node n, Node bn, NDManager manager) {
        OpSpec spec = OpTable.of(n);
        if (n.is(BN)) {
            registerBatchNorm(n, manager);
        } else if (spec.weightInput() >= 0) {
            param(n, spec.weightInput(), Parameter.Type.WEIGHT, true, manager);
            if (spec.biasInput() >= 0 && !n.input(spec.biasInput()).isEmpty()) {
                param(n, spec.biasInput(), Parameter.Type.BIAS, true, manager);
            }
        } else {
            n.inputs().stream().filter(graph::isInitializer)
                    .forEach(t -> {
                        FloatTensor c = floatInitializer(n, t);
                        constants.put(t, manager.create(c.data(), new Shape(c.shape())));
                    });
        }
        if (bn != null) {
            registerBatchNorm(bn, manager);
        }
    }

    private void registerBatchNorm(Node bn, NDManager manager) {
        param(bn, 1, Parameter.Type.GAMMA, true, manager);
        param(bn, 2, Parameter.Type.BETA, true, manager);
        param(bn, 3, Parameter.Type.RUNNING_MEAN, false, manager);
        param(bn, 4, Parameter.Type.RUNNING_VAR, false, manager);
    }

    private void param(Node n, int index, Parameter.Type type, boolean trainable, NDManager manager) {
        String name = n.input(index);
        if (!graph.isInitializer(name)) {
            throw new ModelException("Input " + index + " ('" + name + "') of " + n.opType() + " '" + n.name()
                    + "' is computed, not a constant; quantization-aware training needs constant weights");
        }
        if (!params.containsKey(name)) {
            FloatTensor t = floatInitializer(n, name);
            NDArray array = manager.create(t.data(), new Shape(t.shape()));
            Parameter p = Parameter.builder().setName(name).setType(type).optRequiresGrad(trainable).optArray(array)
                    .build();
            params.put(name, p);
            addParameter(p);
        }
    }

    private FloatTensor floatInitializer(Node n, String name) {
        return graph.floatInitializer(name).orElseThrow(() -> new ModelException("Initializer '" + name + "' of "
                + n.opType() + " '" + n.name() + "' is not float32; quantization-aware training needs float weights"));
    }

    private void requireSymmetricPads(Node n) {
        if (!n.stringAttribute("auto_pad", "NOTSET").equals("NOTSET")) {
            throw new ModelException(n.opType() + " '" + n.name() + "' uses auto_pad; give explicit pads");
        }
        long[] pads = n.intsAttribute("pads").orElse(new long[4]);
        if (pads.length != 4 || pads[0] != pads[2] || pads[1] != pads[3]) {
            throw new ModelException(n.opType() + " '" + n.name() + "' has pads " + Arrays.toString(pads)
                    + "; the simulation supports 2-D ops with equal padding on both sides");
        }
    }

    // ---------------------------------------------------------------- switches

    /** Turns fake quantization on (the default: simulated INT8) or off (the float model). */
    public void setFakeQuantization(boolean on) {
        this.fakeQuantization = on;
    }

    /** Stops (true) or resumes the update of batch-norm statistics; frozen, training uses the running ones. */
    public void setBatchNormFrozen(boolean frozen) {
        this.batchNormFrozen = frozen;
    }

    /** Stops (true) or resumes the update of activation ranges (and of learned scales). */
    public void setObserversFrozen(boolean frozen) {
        this.observersFrozen = frozen;
        for (ActivationQuantizer q : quantizers) {
            if (frozen) {
                q.freeze();
            } else {
                q.unfreeze();
            }
        }
    }

    public boolean batchNormFrozen() {
        return batchNormFrozen;
    }

    public boolean observersFrozen() {
        return observersFrozen;
    }

    /** The activation quantizers, one per group of tensors that share parameters. */
    public List<ActivationQuantizer> activationQuantizers() {
        return List.copyOf(quantizers);
    }

    /**
     * Restarts every activation quantizer from the ranges of {@code layout}, a layout of the same
     * graph and config (another calibration method, say).
     *
     * @throws IllegalArgumentException when {@code layout} groups the tensors differently
     */
    public void resetActivationRanges(QdqLayout layout) {
        if (layout.activations().size() != quantizers.size()) {
            throw new IllegalArgumentException("The layout has " + layout.activations().size()
                    + " activation groups, the simulation " + quantizers.size());
        }
        for (int i = 0; i < quantizers.size(); i++) {
            QdqLayout.ActivationGroup g = layout.activations().get(i);
            if (!g.tensors().equals(quantizers.get(i).tensors())) {
                throw new IllegalArgumentException("Activation group " + i + " is " + g.tensors() + " in the layout but "
                        + quantizers.get(i).tensors() + " in the simulation");
            }
            quantizers.get(i).reset(g.range());
        }
    }

    /** The current range of every quantized activation tensor, by tensor name. */
    public Map<String, TensorRange> activationRanges() {
        Map<String, TensorRange> ranges = new LinkedHashMap<>();
        for (ActivationQuantizer q : quantizers) {
            TensorRange r = q.range();
            q.tensors().forEach(t -> ranges.put(t, r));
        }
        return ranges;
    }

    /** The current value of every trained initializer (weights, biases, batch-norm parameters and statistics). */
    public Map<String, FloatTensor> initializers() {
        Map<String, FloatTensor> values = new LinkedHashMap<>();
        params.forEach((name, p) -> values.put(name,
                new FloatTensor(p.getArray().getShape().getShape(), p.getArray().toFloatArray())));
        return values;
    }

    /** The parameter holding initializer {@code name}, for inspection. */
    public Parameter initializerParameter(String name) {
        Parameter p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException("No trained initializer '" + name + "'; known: " + params.keySet());
        }
        return p;
    }

    // ---------------------------------------------------------------- forward

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        Map<String, NDArray> values = new HashMap<>();
        NDManager scope = inputs.singletonOrThrow().getManager();
        values.put(input, quantize(input, inputs.singletonOrThrow(), store, training));
        for (Step s : steps) {
            Node n = s.node();
            NDArray y = run(n, s.batchNorm(), values, store, training, scope);
            String out = (s.batchNorm() != null ? s.batchNorm() : n).output(0);
            values.put(out, quantize(out, y, store, training));
        }
        return new NDList(values.get(output));
    }

    private NDArray quantize(String tensor, NDArray x, ParameterStore store, boolean training) {
        ActivationQuantizer q = fakeQuantization ? quantizerOf.get(tensor) : null;
        // A group shared across a pass-through op (MaxPool, Flatten) is observed once per pass, on
        // its first tensor, so all its members use one range, as they do in the exported model.
        return q == null ? x : q.apply(x, store, training, training && !observersFrozen
                && tensor.equals(q.tensors().get(0)));
    }

    private NDArray run(Node n, Node bn, Map<String, NDArray> values, ParameterStore store, boolean training,
            NDManager scope) {
        NDArray x = value(n.input(0), values);
        if (x.getManager() != scope) {
            x = local(x, scope);
        }
        return switch (n.opType()) {
            case CONV -> conv(n, bn, x, store, training);
            case BN -> batchNorm(n, x, store, training);
            case "Gemm" -> gemm(n, x, store, training);
            case "MatMul" -> x.matMul(weight(n, x, store, training));
            case "Relu" -> Activation.relu(x);
            case "Sigmoid" -> Activation.sigmoid(x);
            case "Clip" -> clip(n, x);
            case "Add" -> x.add(value(n.input(1), values));
            case "Mul" -> x.mul(value(n.input(1), values));
            case "MaxPool" -> {
                requireSymmetricPads(n);
                yield Pool.maxPool2d(x, kernel(n), strides(n), pads(n), n.intAttribute("ceil_mode", 0) == 1);
            }
            case "AveragePool" -> {
                requireSymmetricPads(n);
                yield Pool.avgPool2d(x, kernel(n), strides(n), pads(n), n.intAttribute("ceil_mode", 0) == 1,
                        n.intAttribute("count_include_pad", 0) == 1);
            }
            case "GlobalAveragePool" -> Pool.globalAvgPool2d(x).reshape(x.getShape().get(0), x.getShape().get(1), 1, 1);
            case "Flatten" -> flatten(n, x);
            default -> throw new IllegalStateException("Unplanned op " + n.opType());
        };
    }

    private NDArray value(String tensor, Map<String, NDArray> values) {
        NDArray v = values.get(tensor);
        if (v == null) {
            v = constants.get(tensor);
        }
        if (v == null) {
            throw new IllegalStateException("Tensor '" + tensor + "' is read before it is computed");
        }
        return v;
    }

    /**
     * The value of parameter {@code name} for this forward pass, as an array of the pass's own
     * manager (gradients still reach the parameter). DJL attaches the result of an op to the manager
     * of its first operand: an op that starts from a parameter array would leave its result on the
     * model's manager, which lives as long as the model, and every training step would leak it.
     */
    private NDArray p(String name, ParameterStore store, boolean training, NDManager scope) {
        Parameter p = params.get(name);
        return local(store.getValue(p, p.getArray().getDevice(), training), scope);
    }

    /**
     * The array of a batch-norm running statistic itself: batch normalisation in training updates it
     * in place, which a scope copy would swallow. It needs no gradient, and the op's result belongs
     * to the manager of its input.
     */
    private NDArray runningStatistic(String name) {
        return params.get(name).getArray();
    }

    /** {@code a} itself when it belongs to {@code scope}, else {@code 0 + a} computed in {@code scope}. */
    public static NDArray local(NDArray a, NDManager scope) {
        return a.getManager() == scope ? a : scope.create(0f).add(a);
    }

    /** The weight of a compute node, fake-quantized when static quantization quantizes the node. */
    private NDArray weight(Node n, NDArray x, ParameterStore store, boolean training) {
        return fakeQuantizedWeight(n, floatWeight(n, x, store, training));
    }

    /** The float weight of a compute node (the input the op table names). */
    private NDArray floatWeight(Node n, NDArray x, ParameterStore store, boolean training) {
        return p(n.input(OpTable.of(n).weightInput()), store, training, x.getManager());
    }

    /** The bias of a compute node, or null when it has none. */
    private NDArray bias(Node n, NDArray x, ParameterStore store, boolean training) {
        int input = OpTable.of(n).biasInput();
        return input >= 0 && !n.input(input).isEmpty() ? p(n.input(input), store, training, x.getManager()) : null;
    }

    private NDArray fakeQuantizedWeight(Node n, NDArray w) {
        QdqLayout.WeightSite site = fakeQuantization ? weightSites.get(n.name()) : null;
        return site == null ? w : FakeQuant.weight(w, site.axis(), site.scheme(), site.pairLimit());
    }

    private NDArray conv(Node n, Node bn, NDArray x, ParameterStore store, boolean training) {
        if (x.getShape().dimension() != 4) {
            throw new ModelException("Conv '" + n.name() + "' reads " + x.getShape() + "; the simulation supports 2-D"
                    + " convolutions of NCHW tensors");
        }
        NDArray w = floatWeight(n, x, store, training);
        NDArray b = bias(n, x, store, training);
        Shape stride = strides(n);
        Shape pad = pads(n);
        Shape dilation = shape2(n.intsAttribute("dilations").orElse(new long[] {1, 1}));
        int groups = (int) n.intAttribute("group", 1);
        if (bn == null) {
            return Conv2d.conv2d(x, fakeQuantizedWeight(n, w), b, stride, pad, dilation, groups).singletonOrThrow();
        }
        NDArray gamma = p(bn.input(1), store, training, x.getManager());
        NDArray beta = p(bn.input(2), store, training, x.getManager());
        NDArray mean = p(bn.input(3), store, training, x.getManager());
        NDArray var = p(bn.input(4), store, training, x.getManager());
        float eps = bn.floatAttribute("epsilon", 1e-5f);
        long m = w.getShape().get(0);
        NDArray factor = gamma.div(var.add(eps).sqrt());
        NDArray folded = fakeQuantizedWeight(n, w.mul(factor.reshape(m, 1, 1, 1)));
        if (!training || batchNormFrozen) {
            NDArray bias = beta.sub(mean.mul(factor));
            if (b != null) {
                bias = bias.add(b.mul(factor));
            }
            return Conv2d.conv2d(x, folded, bias, stride, pad, dilation, groups).singletonOrThrow();
        }
        NDArray y = Conv2d.conv2d(x, folded, null, stride, pad, dilation, groups).singletonOrThrow()
                .div(factor.reshape(1, m, 1, 1));
        if (b != null) {
            y = y.add(b.reshape(1, m, 1, 1));
        }
        // The running statistics are updated in place, so the op gets the parameters' own arrays.
        return BatchNorm.batchNorm(y, runningStatistic(bn.input(3)), runningStatistic(bn.input(4)), gamma, beta, 1,
                bn.floatAttribute("momentum", 0.9f), eps, true).singletonOrThrow();
    }

    private NDArray batchNorm(Node n, NDArray x, ParameterStore store, boolean training) {
        return BatchNorm.batchNorm(x, runningStatistic(n.input(3)), runningStatistic(n.input(4)),
                p(n.input(1), store, training, x.getManager()), p(n.input(2), store, training, x.getManager()), 1,
                n.floatAttribute("momentum", 0.9f), n.floatAttribute("epsilon", 1e-5f), training && !batchNormFrozen)
                .singletonOrThrow();
    }

    private NDArray gemm(Node n, NDArray x, ParameterStore store, boolean training) {
        OpSpec spec = OpTable.of(n);
        if (n.intAttribute("transA", 0) != 0 || spec.alpha(n) != 1f || spec.beta(n) != 1f) {
            throw new ModelException("Gemm '" + n.name() + "' uses transA, alpha or beta; the simulation supports"
                    + " y = x W' + b and y = x W + b only");
        }
        NDArray w = weight(n, x, store, training);
        // Linear takes the weight [N, K], output channels first.
        if (spec.weightAxis(n, 2) != 0) {
            w = w.transpose();
        }
        return Linear.linear(x, w, bias(n, x, store, training)).singletonOrThrow();
    }

    private NDArray clip(Node n, NDArray x) {
        double[] bounds = OpTable.bounds(graph, n);
        if (bounds == null) {
            throw new ModelException("Clip '" + n.name() + "' bounds " + n.inputs().subList(1, n.inputs().size())
                    + " must be constant scalars");
        }
        // Opset 6 Clip has its bounds as attributes; from opset 11 on they are inputs 1 and 2.
        float lo = n.input(1).isEmpty() ? n.floatAttribute("min", -Float.MAX_VALUE) : (float) bounds[0];
        float hi = n.input(2).isEmpty() ? n.floatAttribute("max", Float.MAX_VALUE) : (float) bounds[1];
        return x.clip(lo, hi);
    }

    private static NDArray flatten(Node n, NDArray x) {
        int axis = (int) n.intAttribute("axis", 1);
        Shape s = x.getShape();
        if (axis < 0) {
            axis += s.dimension();
        }
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= s.get(i);
        }
        return x.reshape(outer, -1);
    }

    private static Shape kernel(Node n) {
        return shape2(n.intsAttribute("kernel_shape").orElseThrow(() -> new ModelException(n.opType() + " '"
                + n.name() + "' has no kernel_shape")));
    }

    private static Shape strides(Node n) {
        return shape2(n.intsAttribute("strides").orElse(new long[] {1, 1}));
    }

    private static Shape pads(Node n) {
        long[] p = n.intsAttribute("pads").orElse(new long[4]);
        return new Shape(p[0], p[1]);
    }

    private static Shape shape2(long[] values) {
        if (values.length != 2) {
            throw new ModelException("Expected 2 values (a 2-D op), got " + Arrays.toString(values));
        }
        return new Shape(values);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long[] shape = graph.outputs().get(0).shape().orElseThrow(() -> new ModelException("Output '" + output
                + "' of graph '" + graph.name() + "' has no declared shape"));
        long[] out = shape.clone();
        out[0] = inputShapes[0].get(0);
        return new Shape[] {new Shape(out)};
    }

    @Override
    public String toString() {
        return "QatGraph[" + graph.name() + ", " + steps.size() + " steps, " + quantizers.size()
                + " activation quantizers, " + weightSites.size() + " quantized weights]";
    }
}
