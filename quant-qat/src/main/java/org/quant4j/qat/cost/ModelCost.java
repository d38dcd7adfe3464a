package org.quant4j.qat.cost;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.quant4j.api.ModelException;
import org.quant4j.onnxruntime.graph.Graph;
import org.quant4j.onnxruntime.graph.Node;
import org.quant4j.onnxruntime.graph.OnnxModel;
import org.quant4j.onnxruntime.graph.TensorInfo;
import org.quant4j.onnxruntime.graph.TensorProtos;

/**
 * Size and compute of a convolutional classifier, counted from its ONNX graph for one image.
 * Parameters are the elements of the float initializers except the running mean and variance of
 * BatchNormalization (statistics, not trained parameters) and the ratio of Dropout, which is how
 * published parameter counts are given. MACs are the multiply-accumulates of Conv ({@code output elements x C_in/group x k_h x
 * k_w}), Gemm and MatMul, the usual convention; element-wise ops, pooling and normalisation are not
 * counted. Shapes are propagated from the input with the batch axis set to 1, through Conv,
 * BatchNormalization, Relu, Sigmoid, Add, Mul, MaxPool, AveragePool, GlobalAveragePool, Flatten,
 * Gemm, MatMul, Dropout and Identity.
 *
 * @param parameters trainable parameters
 * @param macs       multiply-accumulates of one forward pass of one image
 */
public record ModelCost(long parameters, long macs) {

    /**
     * Counts the cost of {@code model}.
     *
     * @throws ModelException when the graph has an op outside the list above, or an input without a static shape
     */
    public static ModelCost of(OnnxModel model) {
        Graph graph = model.graph();
        Map<String, long[]> shapes = new HashMap<>();
        for (TensorInfo input : graph.inputs()) {
            if (graph.isInitializer(input.name())) {
                continue;
            }
            long[] shape = input.shape().orElseThrow(() -> new ModelException("Input '" + input.name()
                    + "' has no declared shape; MACs need static input shapes")).clone();
            if (shape.length > 0 && shape[0] < 0) {
                shape[0] = 1;
            }
            for (long d : shape) {
                if (d < 0) {
                    throw new ModelException("Input '" + input.name() + "' has a dynamic axis besides the batch: "
                            + Arrays.toString(shape) + "; MACs need static image sizes");
                }
            }
            shapes.put(input.name(), shape);
        }
        Set<String> notParameters = new HashSet<>();
        long macs = 0;
        for (Node node : graph.topologicalSort()) {
            if (node.is("BatchNormalization")) {
                notParameters.add(node.input(3));
                notParameters.add(node.input(4));
            } else if (node.is("Dropout")) {
                notParameters.addAll(node.inputs().subList(1, node.inputs().size()));
            }
            long[] in = shape(graph, shapes, node.input(0), node);
            long[] out;
            switch (node.opType()) {
                case "Conv" -> {
                    long[] w = shape(graph, shapes, node.input(1), node);
                    long[] strides = node.intsAttribute("strides").orElse(new long[] {1, 1});
                    long[] pads = node.intsAttribute("pads").orElse(new long[4]);
                    long[] dilations = node.intsAttribute("dilations").orElse(new long[] {1, 1});
                    out = new long[] {in[0], w[0], 0, 0};
                    for (int a = 0; a < 2; a++) {
                        long effective = dilations[a] * (w[2 + a] - 1) + 1;
                        out[2 + a] = (in[2 + a] + pads[a] + pads[a + 2] - effective) / strides[a] + 1;
                    }
                    macs += elements(out) * w[1] * w[2] * w[3];
                }
                case "MaxPool", "AveragePool" -> {
                    long[] k = node.intsAttribute("kernel_shape").orElseThrow();
                    long[] strides = node.intsAttribute("strides").orElse(new long[] {1, 1});
                    long[] pads = node.intsAttribute("pads").orElse(new long[4]);
                    out = new long[] {in[0], in[1], 0, 0};
                    for (int a = 0; a < 2; a++) {
                        out[2 + a] = (in[2 + a] + pads[a] + pads[a + 2] - k[a]) / strides[a] + 1;
                    }
                }
                case "GlobalAveragePool" -> out = new long[] {in[0], in[1], 1, 1};
                case "Flatten" -> {
                    int axis = (int) node.intAttribute("axis", 1);
                    long rows = elements(Arrays.copyOfRange(in, 0, axis));
                    out = new long[] {rows, elements(in) / rows};
                }
                case "Gemm" -> {
                    long[] b = shape(graph, shapes, node.input(1), node);
                    boolean transB = node.intAttribute("transB", 0) == 1;
                    long n = transB ? b[0] : b[1];
                    out = new long[] {in[0], n};
                    macs += in[0] * in[1] * n;
                }
                case "MatMul" -> {
                    long[] b = shape(graph, shapes, node.input(1), node);
                    out = in.clone();
                    out[out.length - 1] = b[b.length - 1];
                    macs += elements(in) * b[b.length - 1];
                }
                case "Add", "Mul" -> out = broadcast(in, shape(graph, shapes, node.input(1), node));
                case "BatchNormalization", "Relu", "Sigmoid", "Dropout", "Identity" -> out = in;
                default -> throw new ModelException("ModelCost cannot propagate shapes through node '" + node.name()
                        + "' (" + node.opType() + "); it handles the ops of convolutional classifiers only");
            }
            shapes.put(node.output(0), out);
        }
        long parameters = 0;
        for (Map.Entry<String, TensorProto> e : graph.initializers().entrySet()) {
            if (!notParameters.contains(e.getKey()) && e.getValue().getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                parameters += elements(TensorProtos.dims(e.getValue()));
            }
        }
        return new ModelCost(parameters, macs);
    }

    private static long[] shape(Graph graph, Map<String, long[]> shapes, String tensor, Node node) {
        long[] s = shapes.get(tensor);
        if (s == null) {
            s = graph.initializer(tensor).map(TensorProtos::dims).orElseThrow(() -> new ModelException("Node '"
                    + node.name() + "' reads '" + tensor + "', whose shape is unknown"));
            shapes.put(tensor, s);
        }
        return s;
    }

    private static long[] broadcast(long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            out[i] = Math.max(da, db);
        }
        return out;
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
