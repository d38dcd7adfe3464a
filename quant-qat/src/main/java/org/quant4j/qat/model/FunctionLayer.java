package org.quant4j.qat.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A layer without parameters whose function is known by kind, so that the ONNX exporter can map it
 * to an operator (DJL's own activations and pools are opaque lambdas). Outputs follow ONNX: global
 * average pooling keeps the spatial axes ({@code [N, C, 1, 1]}), max pooling rounds down, and
 * flatten keeps the batch axis.
 */
public final class FunctionLayer extends AbstractBlock {

    /** The function a layer computes. */
    public enum Kind {
        /** {@code max(x, 0)}. */
        RELU,
        /** {@code x * sigmoid(x)} (swish). */
        SILU,
        /** {@code 1 / (1 + exp(-x))}. */
        SIGMOID,
        /** Square max pooling without padding; the kernel and stride are the layer's. */
        MAX_POOL,
        /** Mean over the spatial axes, kept as size-1 axes. */
        GLOBAL_AVERAGE_POOL,
        /** Reshape to {@code [N, everything else]}. */
        FLATTEN
    }

    private static final byte VERSION = 1;

    private final Kind kind;
    private final int kernel;
    private final int stride;

    private FunctionLayer(Kind kind, int kernel, int stride) {
        super(VERSION);
        this.kind = kind;
        this.kernel = kernel;
        this.stride = stride;
    }

    /** ReLU. */
    public static FunctionLayer relu() {
        return new FunctionLayer(Kind.RELU, 0, 0);
    }

    /** SiLU (swish), {@code x * sigmoid(x)}. */
    public static FunctionLayer silu() {
        return new FunctionLayer(Kind.SILU, 0, 0);
    }

    /** The logistic sigmoid. */
    public static FunctionLayer sigmoid() {
        return new FunctionLayer(Kind.SIGMOID, 0, 0);
    }

    /** Square max pooling of {@code kernel x kernel} windows moved by {@code stride}, no padding. */
    public static FunctionLayer maxPool(int kernel, int stride) {
        if (kernel < 1 || stride < 1) {
            throw new IllegalArgumentException("Max pooling needs kernel >= 1 and stride >= 1, got kernel " + kernel
                    + ", stride " + stride);
        }
        return new FunctionLayer(Kind.MAX_POOL, kernel, stride);
    }

    /** Global average pooling to {@code [N, C, 1, 1]}. */
    public static FunctionLayer globalAveragePool() {
        return new FunctionLayer(Kind.GLOBAL_AVERAGE_POOL, 0, 0);
    }

    /** Flatten to {@code [N, C*H*W]}. */
    public static FunctionLayer flatten() {
        return new FunctionLayer(Kind.FLATTEN, 0, 0);
    }

    /** What the layer computes. */
    public Kind kind() {
        return kind;
    }

    /** Pooling window size; 0 unless {@link Kind#MAX_POOL}. */
    public int kernel() {
        return kernel;
    }

    /** Pooling stride; 0 unless {@link Kind#MAX_POOL}. */
    public int stride() {
        return stride;
    }

    /** Applies the layer's function to {@code x}. */
    public NDArray apply(NDArray x) {
        return switch (kind) {
            case RELU -> Activation.relu(x);
            case SILU -> x.mul(Activation.sigmoid(x));
            case SIGMOID -> Activation.sigmoid(x);
            case MAX_POOL -> Pool.maxPool2d(x, new Shape(kernel, kernel), new Shape(stride, stride), new Shape(0, 0),
                    false);
            case GLOBAL_AVERAGE_POOL -> globalAveragePool(x);
            case FLATTEN -> x.reshape(x.getShape().get(0), -1);
        };
    }

    /** Spatial mean of an NCHW array, kept as {@code [N, C, 1, 1]}. */
    static NDArray globalAveragePool(NDArray x) {
        Shape s = x.getShape();
        return Pool.globalAvgPool2d(x).reshape(s.get(0), s.get(1), 1, 1);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape in = inputs[0];
        Shape out = switch (kind) {
            case RELU, SILU, SIGMOID -> in;
            case MAX_POOL -> new Shape(in.get(0), in.get(1), (in.get(2) - kernel) / stride + 1,
                    (in.get(3) - kernel) / stride + 1);
            case GLOBAL_AVERAGE_POOL -> new Shape(in.get(0), in.get(1), 1, 1);
            case FLATTEN -> new Shape(in.get(0), in.size() / in.get(0));
        };
        return new Shape[] {out};
    }

    @Override
    public String toString() {
        return kind == Kind.MAX_POOL ? "MaxPool(" + kernel + ", " + stride + ")" : kind.name();
    }
}
