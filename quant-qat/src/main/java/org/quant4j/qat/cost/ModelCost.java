package org.quant4j.qat.cost;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.quant4j.api.ModelException;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.ShapeInference;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnx.graph.TensorProtos;

/**
 * Size and compute of a convolutional classifier, counted from its ONNX graph for one image.
 * Parameters are the elements of the float initializers except the running mean and variance of
 * BatchNormalization (statistics, not trained parameters) and the ratio of Dropout, which is how
 * published parameter counts are given. MACs are the multiply-accumulates of Conv ({@code output elements x C_in/group x k_h x
 * k_w}), Gemm and MatMul, the usual convention; element-wise ops, pooling and normalisation are not
 * counted. Shapes come from {@link ShapeInference} (for one image: the batch axis set to 1), so
 * every node must be one it covers (Conv, BatchNormalization, activations, Add, Mul, pooling,
 * Flatten on axis 1, Gemm, MatMul by a constant, Dropout, Identity, ...).
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
        for (TensorInfo input : graph.inputs()) {
            if (graph.isInitializer(input.name())) {
                continue;
            }
            long[] shape = input.shape().orElseThrow(() -> new ModelException("Input '" + input.name()
                    + "' has no declared shape; MACs need static input shapes"));
            for (int i = 1; i < shape.length; i++) {
                if (shape[i] < 0) {
                    throw new ModelException("Input '" + input.name() + "' has a dynamic axis besides the batch: "
                            + Arrays.toString(shape) + "; MACs need static image sizes");
                }
            }
        }
        // Shapes for a batch; one image is the batch axis set to 1.
        Map<String, long[]> shapes = ShapeInference.infer(graph);
        Set<String> notParameters = new HashSet<>();
        long macs = 0;
        for (Node node : graph.topologicalSort()) {
            if (node.is("BatchNormalization")) {
                notParameters.add(node.input(3));
                notParameters.add(node.input(4));
            } else if (node.is("Dropout")) {
                notParameters.addAll(node.inputs().subList(1, node.inputs().size()));
            }
            long[] out = shapes.get(node.output(0));
            if (out == null) {
                throw new ModelException("ModelCost cannot propagate shapes through node '" + node.name() + "' ("
                        + node.opType() + "); it handles the ops of convolutional classifiers only");
            }
            long outputs = ShapeInference.valuesPerSample(out);
            switch (node.opType()) {
                case "Conv" -> macs += outputs * elements(weight(graph, node), 1);
                case "Gemm", "MatMul" -> {
                    long[] in = shapes.get(node.input(0));
                    macs += ShapeInference.valuesPerSample(in) / in[in.length - 1] * elements(weight(graph, node), 0);
                }
                default -> {
                }
            }
        }
        long parameters = 0;
        for (Map.Entry<String, TensorProto> e : graph.initializers().entrySet()) {
            if (!notParameters.contains(e.getKey()) && e.getValue().getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                parameters += elements(TensorProtos.dims(e.getValue()), 0);
            }
        }
        return new ModelCost(parameters, macs);
    }

    /** Dimensions of the constant weight (input 1) of {@code node}. */
    private static long[] weight(Graph graph, Node node) {
        return graph.initializer(node.input(1)).map(TensorProtos::dims).orElseThrow(() -> new ModelException(
                "Node '" + node.name() + "' reads '" + node.input(1) + "', which is not a constant"));
    }

    /** Product of {@code shape[from..]}. */
    private static long elements(long[] shape, int from) {
        long n = 1;
        for (int i = from; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }
}
