package org.quant4j.onnx.graph;

import java.util.Arrays;

/**
 * An immutable dense float32 tensor: a shape and its values in row-major (C) order. Used for
 * initializers of a {@link Graph} and for the outputs of a model run.
 */
public final class FloatTensor {

    private final long[] shape;
    private final float[] data;

    /**
     * @param shape dimensions, each {@code >= 0}; an empty shape is a scalar with one value
     * @param data  {@code prod(shape)} values in row-major order (copied)
     */
    public FloatTensor(long[] shape, float[] data) {
        this.shape = shape.clone();
        long n = elementCount(this.shape);
        if (n != data.length) {
            throw new IllegalArgumentException("A tensor of shape " + Arrays.toString(shape) + " holds " + n
                    + " values, got " + data.length);
        }
        this.data = data.clone();
    }

    private FloatTensor(long[] shape, float[] data, boolean adopted) {
        this.shape = shape.clone();
        this.data = data;
    }

    /**
     * A tensor that takes over {@code data} without copying it (a model's weights are decoded once,
     * not twice); for arrays made for the tensor and not kept by the caller.
     */
    static FloatTensor adopt(long[] shape, float[] data) {
        long n = elementCount(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("A tensor of shape " + Arrays.toString(shape) + " holds " + n
                    + " values, got " + data.length);
        }
        return new FloatTensor(shape, data, true);
    }

    /** A scalar (rank 0) tensor. */
    public static FloatTensor scalar(float value) {
        return new FloatTensor(new long[0], new float[] {value});
    }

    /** A rank-1 tensor holding {@code values}. */
    public static FloatTensor vector(float... values) {
        return new FloatTensor(new long[] {values.length}, values);
    }

    /** A tensor of the given shape filled with {@code value}. */
    public static FloatTensor filled(float value, long... shape) {
        float[] d = new float[Math.toIntExact(elementCount(shape))];
        Arrays.fill(d, value);
        return new FloatTensor(shape, d);
    }

    /** Number of elements of a tensor of this shape; every dimension must be {@code >= 0}. */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Tensor dimensions must be >= 0, got " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Dimension {@code axis}. */
    public long dim(int axis) {
        return shape[axis];
    }

    /** Number of values. */
    public int size() {
        return data.length;
    }

    /** Value at flat (row-major) index {@code i}. */
    public float get(int i) {
        return data[i];
    }

    /** A copy of the values in row-major order. */
    public float[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
