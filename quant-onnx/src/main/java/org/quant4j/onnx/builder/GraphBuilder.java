package org.quant4j.onnx.builder;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnx.graph.TensorProtos;

/**
 * Builds float32 ONNX models op by op. Each helper adds one node (Sigmoid and Mul for SiLU), turns
 * the {@link FloatTensor} weights it is given into initializers, and returns the name of the output
 * tensor, which is the input of the next helper. Node and tensor names are generated and unique
 * ({@code Conv}, {@code Conv_1}, ...); {@link #output(String, String)} gives a graph output a chosen
 * name. The ops follow the semantics of the builder's opset (13 unless given).
 *
 * <pre>{@code
 * GraphBuilder b = GraphBuilder.create("cnn");
 * String x = b.input("input", -1, 1, 28, 28);
 * String y = b.relu(b.conv(x, weights, bias, ConvOptions.of(1, 1)));
 * b.output(b.gemm(b.flatten(b.globalAveragePool(y), 1), fc, fcBias, true), "logits");
 * ModelProto model = b.build();
 * }</pre>
 */
public final class GraphBuilder {

    /** Default-domain opset of {@link #create(String)}. */
    public static final int DEFAULT_OPSET = 13;

    private final Graph graph;

    private GraphBuilder(Graph graph) {
        this.graph = graph;
    }

    /** A builder of a model at opset {@value #DEFAULT_OPSET}. */
    public static GraphBuilder create(String name) {
        return create(name, DEFAULT_OPSET);
    }

    /** A builder of a model at the given default-domain opset. */
    public static GraphBuilder create(String name, int opset) {
        return new GraphBuilder(Graph.create(name, opset));
    }

    /** The graph under construction, for ops without a helper; changes to it show in {@link #build()}. */
    public Graph graph() {
        return graph;
    }

    /**
     * A builder of a subgraph of this graph (an If branch, a Loop or Scan body): it reads this
     * graph's tensors by name, and its names never clash with this graph's. Pass its
     * {@code graph().toGraphProto()} as the node attribute, or use {@link #ifElse}.
     */
    public GraphBuilder subgraph(String name) {
        return new GraphBuilder(graph.newSubgraph(name));
    }

    /** An If node choosing between two subgraphs built with {@link #subgraph}; returns its outputs. */
    public List<String> ifElse(String condition, GraphBuilder then, GraphBuilder otherwise) {
        return ops("If", List.of(condition), then.graph().outputs().size(),
                Attributes.graph("then_branch", then.graph().toGraphProto()),
                Attributes.graph("else_branch", otherwise.graph().toGraphProto()));
    }

    /** Declares a float32 graph input; {@code -1} marks a dynamic dimension (the batch, usually). */
    public String input(String name, long... shape) {
        graph.addInput(TensorInfo.floatTensor(name, shape));
        return name;
    }

    /** Adds {@code values} as an initializer named after {@code base} (made unique); returns its name. */
    public String initializer(String base, FloatTensor values) {
        return graph.putInitializer(graph.uniqueName(base), values);
    }

    /** Declares {@code tensor} a graph output under its own name. */
    public String output(String tensor) {
        graph.addOutput(TensorInfo.floatTensorOfUnknownShape(tensor));
        return tensor;
    }

    /** Renames {@code tensor} to {@code name} and declares it a graph output. */
    public String output(String tensor, String name) {
        graph.renameTensor(tensor, name);
        return output(name);
    }

    /**
     * Adds a node of the default domain with one output.
     *
     * @return the output tensor name
     */
    public String op(String opType, List<String> inputs, AttributeProto... attributes) {
        return node(graph.uniqueName(opType), opType, inputs, attributes);
    }

    /** Adds a node of the default domain with {@code outputs} outputs; returns their names. */
    public List<String> ops(String opType, List<String> inputs, int outputs, AttributeProto... attributes) {
        String name = graph.uniqueName(opType);
        List<String> outs = new ArrayList<>(outputs);
        for (int i = 0; i < outputs; i++) {
            outs.add(graph.uniqueName(name + "_out" + i));
        }
        graph.addNode(Node.of(name, opType, Node.DEFAULT_DOMAIN, inputs, outs, Arrays.asList(attributes)));
        return outs;
    }

    /**
     * 2-D (or N-D) convolution. {@code weights} is {@code [M, C/group, k1, k2, ...]}; {@code bias} is
     * {@code [M]} or null for none.
     */
    public String conv(String x, FloatTensor weights, FloatTensor bias, ConvOptions options) {
        if (weights.rank() < 3) {
            throw new IllegalArgumentException("Conv weights are [M, C/group, k...], got " + weights);
        }
        int spatial = weights.rank() - 2;
        if (options.strides().length != spatial) {
            throw new IllegalArgumentException("Conv weights " + weights + " have " + spatial + " spatial axes but the"
                    + " options have " + options.strides().length);
        }
        if (weights.dim(0) % options.group() != 0) {
            throw new IllegalArgumentException("Conv output channels " + weights.dim(0) + " are not divisible by group "
                    + options.group());
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != weights.dim(0))) {
            throw new IllegalArgumentException("Conv bias must be [" + weights.dim(0) + "], got " + bias);
        }
        String name = graph.uniqueName("Conv");
        List<String> in = new ArrayList<>(List.of(x, initializer(name + "_W", weights)));
        if (bias != null) {
            in.add(initializer(name + "_B", bias));
        }
        long[] kernel = Arrays.copyOfRange(weights.shape(), 2, weights.rank());
        return node(name, "Conv", in,
                Attributes.ints("kernel_shape", kernel),
                Attributes.ints("strides", options.strides()),
                Attributes.ints("pads", options.pads()),
                Attributes.ints("dilations", options.dilations()),
                Attributes.integer("group", options.group()));
    }

    /** BatchNormalization in inference form (running statistics). */
    public String batchNorm(String x, FloatTensor scale, FloatTensor bias, FloatTensor mean, FloatTensor variance,
            float epsilon) {
        return batchNorm(x, new BatchNormParams(scale, bias, mean, variance), epsilon);
    }

    /** BatchNormalization in inference form (running statistics). */
    public String batchNorm(String x, BatchNormParams p, float epsilon) {
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("Batch-norm epsilon must be > 0, got " + epsilon);
        }
        String name = graph.uniqueName("BatchNormalization");
        List<String> in = List.of(x, initializer(name + "_scale", p.scale()), initializer(name + "_bias", p.bias()),
                initializer(name + "_mean", p.mean()), initializer(name + "_var", p.variance()));
        return node(name, "BatchNormalization", in, Attributes.floating("epsilon", epsilon));
    }

    public String relu(String x) {
        return op("Relu", List.of(x));
    }

    public String sigmoid(String x) {
        return op("Sigmoid", List.of(x));
    }

    /** SiLU (swish) as {@code x * Sigmoid(x)}, the form exporters emit and quantizers recognise. */
    public String silu(String x) {
        return mul(x, sigmoid(x));
    }

    /** Clip to {@code [min, max]}: inputs from opset 11 on, attributes before. */
    public String clip(String x, float min, float max) {
        if (!(min <= max)) {
            throw new IllegalArgumentException("Clip needs min <= max, got [" + min + ", " + max + "]");
        }
        if (graph.opset() < 11) {
            return op("Clip", List.of(x), Attributes.floating("min", min), Attributes.floating("max", max));
        }
        String name = graph.uniqueName("Clip");
        return node(name, "Clip", List.of(x, initializer(name + "_min", FloatTensor.scalar(min)),
                initializer(name + "_max", FloatTensor.scalar(max))));
    }

    public String mul(String a, String b) {
        return op("Mul", List.of(a, b));
    }

    public String add(String a, String b) {
        return op("Add", List.of(a, b));
    }

    /** Square 2-D max pooling. */
    public String maxPool(String x, int kernel, int stride, int pad) {
        return op("MaxPool", List.of(x), poolAttributes(kernel, stride, pad));
    }

    /** Square 2-D average pooling; padded cells are not counted. */
    public String averagePool(String x, int kernel, int stride, int pad) {
        return op("AveragePool", List.of(x), poolAttributes(kernel, stride, pad));
    }

    public String globalAveragePool(String x) {
        return op("GlobalAveragePool", List.of(x));
    }

    /** Flattens to 2-D: dimensions before {@code axis} form the rows. */
    public String flatten(String x, int axis) {
        return op("Flatten", List.of(x), Attributes.integer("axis", axis));
    }

    /**
     * {@code x * B' + C} with {@code B' = transB ? B^T : B}; {@code c} is {@code [N]} or null for none.
     * With {@code transB}, {@code b} is {@code [N, K]} (PyTorch's Linear layout), else {@code [K, N]}.
     */
    public String gemm(String x, FloatTensor b, FloatTensor c, boolean transB) {
        if (b.rank() != 2) {
            throw new IllegalArgumentException("Gemm weights must be 2-D, got " + b);
        }
        long n = transB ? b.dim(0) : b.dim(1);
        if (c != null && !(c.rank() == 1 && c.dim(0) == n)) {
            throw new IllegalArgumentException("Gemm bias must be [" + n + "], got " + c);
        }
        String name = graph.uniqueName("Gemm");
        List<String> in = new ArrayList<>(List.of(x, initializer(name + "_B", b)));
        if (c != null) {
            in.add(initializer(name + "_C", c));
        }
        return node(name, "Gemm", in, Attributes.integer("transB", transB ? 1 : 0));
    }

    /** Matrix product with a constant right-hand side. */
    public String matMul(String a, FloatTensor b) {
        String name = graph.uniqueName("MatMul");
        return node(name, "MatMul", List.of(a, initializer(name + "_B", b)));
    }

    /** Matrix product of two tensors. */
    public String matMul(String a, String b) {
        return op("MatMul", List.of(a, b));
    }

    /** Adds a constant (e.g. a bias) to {@code x} with broadcasting. */
    public String add(String x, FloatTensor constant) {
        String name = graph.uniqueName("Add");
        return node(name, "Add", List.of(x, initializer(name + "_B", constant)));
    }

    /** Reshape to {@code shape}; {@code -1} infers one dimension and {@code 0} copies the input's. */
    public String reshape(String x, long... shape) {
        String name = graph.uniqueName("Reshape");
        String shapeName = graph.uniqueName(name + "_shape");
        graph.putInitializer(TensorProtos.int64Vector(shapeName, shape));
        return node(name, "Reshape", List.of(x, shapeName));
    }

    public String concat(int axis, String... inputs) {
        if (inputs.length == 0) {
            throw new IllegalArgumentException("Concat needs at least one input");
        }
        return op("Concat", List.of(inputs), Attributes.integer("axis", axis));
    }

    /** Softmax along {@code axis} (opset 13 semantics: one axis). */
    public String softmax(String x, int axis) {
        return op("Softmax", List.of(x), Attributes.integer("axis", axis));
    }

    /**
     * A forward ONNX LSTM over {@code x} of shape {@code [seq, batch, input]}.
     *
     * @param w weights {@code [1, 4*hidden, input]} (gates i, o, f, c)
     * @param r recurrence weights {@code [1, 4*hidden, hidden]}
     * @param b biases {@code [1, 8*hidden]} (Wb then Rb), or null for zero
     */
    public LstmOutputs lstm(String x, FloatTensor w, FloatTensor r, FloatTensor b, int hiddenSize) {
        if (w.rank() != 3 || w.dim(0) != 1 || w.dim(1) != 4L * hiddenSize) {
            throw new IllegalArgumentException("LSTM W must be [1, " + 4 * hiddenSize + ", input], got " + w);
        }
        if (r.rank() != 3 || r.dim(0) != 1 || r.dim(1) != 4L * hiddenSize || r.dim(2) != hiddenSize) {
            throw new IllegalArgumentException("LSTM R must be [1, " + 4 * hiddenSize + ", " + hiddenSize + "], got " + r);
        }
        if (b != null && (b.rank() != 2 || b.dim(0) != 1 || b.dim(1) != 8L * hiddenSize)) {
            throw new IllegalArgumentException("LSTM B must be [1, " + 8 * hiddenSize + "], got " + b);
        }
        String name = graph.uniqueName("LSTM");
        List<String> in = new ArrayList<>(List.of(x, initializer(name + "_W", w), initializer(name + "_R", r)));
        if (b != null) {
            in.add(initializer(name + "_B", b));
        }
        List<String> outs = List.of(graph.uniqueName(name + "_Y"), graph.uniqueName(name + "_Y_h"),
                graph.uniqueName(name + "_Y_c"));
        graph.addNode(Node.of(name, "LSTM", Node.DEFAULT_DOMAIN, in, outs,
                List.of(Attributes.integer("hidden_size", hiddenSize))));
        return new LstmOutputs(outs.get(0), outs.get(1), outs.get(2));
    }

    public String identity(String x) {
        return op("Identity", List.of(x));
    }

    /** Dropout, an identity at inference: ratio as an input from opset 12 on, an attribute before. */
    public String dropout(String x, float ratio) {
        if (!(ratio >= 0 && ratio < 1)) {
            throw new IllegalArgumentException("Dropout ratio must be in [0, 1), got " + ratio);
        }
        if (graph.opset() < 12) {
            return op("Dropout", List.of(x), Attributes.floating("ratio", ratio));
        }
        String name = graph.uniqueName("Dropout");
        return node(name, "Dropout", List.of(x, initializer(name + "_ratio", FloatTensor.scalar(ratio))));
    }

    /** The model as a protobuf message. */
    public ModelProto build() {
        return graph.toProto();
    }

    /** The model, validated. */
    public OnnxModel buildModel() {
        return graph.toModel();
    }

    private String node(String name, String opType, List<String> inputs, AttributeProto... attributes) {
        String out = graph.uniqueName(name + "_out");
        graph.addNode(Node.of(name, opType, Node.DEFAULT_DOMAIN, inputs, List.of(out), Arrays.asList(attributes)));
        return out;
    }

    private static AttributeProto[] poolAttributes(int kernel, int stride, int pad) {
        if (kernel < 1 || stride < 1 || pad < 0 || pad >= kernel) {
            throw new IllegalArgumentException("Pooling needs kernel >= 1, stride >= 1 and 0 <= pad < kernel, got kernel "
                    + kernel + ", stride " + stride + ", pad " + pad);
        }
        return new AttributeProto[] {
            Attributes.ints("kernel_shape", kernel, kernel),
            Attributes.ints("strides", stride, stride),
            Attributes.ints("pads", pad, pad, pad, pad)};
    }
}
