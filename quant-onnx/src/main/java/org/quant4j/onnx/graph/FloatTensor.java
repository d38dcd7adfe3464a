package org.quant4j.onnx.graph;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * An immutable dense float32 tensor: a shape and its values in row-major (C) order. Used for
 * initializers of a {@link Graph} and for the outputs of a model run.
 *
 * <p>The values are held as a read-only buffer: an array copied at construction, or, for an
 * initializer ({@link TensorProtos#toFloatTensor}), a view of the tensor proto's little-endian
 * {@code raw_data}, so that reading a weight decodes nothing and copies nothing. {@link #values()}
 * gives that read-only view; {@link #data()} a copy.
 */
public final class FloatTensor {

    private final long[] shape;
    /** Read-only, position 0, limit the element count; never handed out without {@code duplicate()}. */
    private final FloatBuffer values;

    /**
     * @param shape dimensions, each {@code >= 0}; an empty shape is a scalar with one value
     * @param data  {@code prod(shape)} values in row-major order (copied)
     */
    public FloatTensor(long[] shape, float[] data) {
        this(shape, FloatBuffer.wrap(data.clone()));
    }

    private FloatTensor(long[] shape, FloatBuffer values) {
        this.shape = shape.clone();
        long n = elementCount(this.shape);
        if (n != values.remaining()) {
            throw new IllegalArgumentException("A tensor of shape " + Arrays.toString(shape) + " holds " + n
                    + " values, got " + values.remaining());
        }
        this.values = values.slice().asReadOnlyBuffer();
    }

    /**
     * A tensor that takes over {@code data} without copying it (a model's weights are decoded once,
     * not twice); for arrays made for the tensor and not kept by the caller.
     */
    static FloatTensor adopt(long[] shape, float[] data) {
        return new FloatTensor(shape, FloatBuffer.wrap(data));
    }

    /**
     * A tensor over the {@code remaining()} values of {@code values} without copying them; for
     * buffers nobody writes to afterwards, such as the read-only view of a tensor proto's bytes.
     */
    static FloatTensor view(long[] shape, FloatBuffer values) {
        return new FloatTensor(shape, values);
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
        return adopt(shape, d);
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
        return values.limit();
    }

    /** Value at flat (row-major) index {@code i}. */
    public float get(int i) {
        return values.get(i);
    }

    /**
     * The values in row-major order as a read-only buffer positioned at 0, without a copy: the way to
     * read a large tensor (a weight) without allocating its size again. Writing through it throws
     * {@link java.nio.ReadOnlyBufferException}.
     */
    public FloatBuffer values() {
        return values.duplicate();
    }

    /** A copy of the values in row-major order. */
    public float[] data() {
        float[] copy = new float[size()];
        values.get(0, copy);
        return copy;
    }

    /** Equal shapes and the same float bit patterns, as {@link Arrays#equals(float[], float[])} compares. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FloatTensor t) || !Arrays.equals(shape, t.shape)) {
            return false;
        }
        for (int i = 0; i < size(); i++) {
            if (Float.floatToIntBits(get(i)) != Float.floatToIntBits(t.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** As {@link Arrays#hashCode(float[])} of the values, combined with the shape's. */
    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < size(); i++) {
            h = 31 * h + Float.floatToIntBits(get(i));
        }
        return 31 * Arrays.hashCode(shape) + h;
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
