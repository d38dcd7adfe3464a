package org.quant4j.api.data;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A typed tensor value: an {@link ElementType}, a shape and the elements in C order, held as one
 * Java array of the type's natural width ({@code float[]} for float32, {@code short[]} for the bits
 * of float16, {@code long[]} for int64, {@code int[]} for int32, {@code byte[]} for int8, uint8 and
 * bool). The factories that take an array share it, as {@link Batch} does, so that a tensor costs no
 * extra memory: do not modify the array after handing it over. Every accessor returns a read-only
 * view, so the tensor itself cannot be changed through it.
 */
public final class Tensor {

    private final ElementType type;
    private final long[] shape;
    private final Buffer values;

    private Tensor(ElementType type, long[] shape, Buffer values) {
        this.type = type;
        this.shape = shape.clone();
        this.values = values;
        long n = 1;
        for (long d : this.shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Tensor dimensions must be >= 0, got " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n != values.remaining()) {
            throw new IllegalArgumentException("A " + type + " tensor of shape " + Arrays.toString(shape) + " needs "
                    + n + " elements, got " + values.remaining());
        }
    }

    /** A float32 tensor sharing {@code values}. */
    public static Tensor ofFloats(float[] values, long... shape) {
        return new Tensor(ElementType.FLOAT32, shape, FloatBuffer.wrap(values));
    }

    /** A float16 tensor sharing {@code bits}, the IEEE 754 half-precision bits of each element. */
    public static Tensor ofFloat16Bits(short[] bits, long... shape) {
        return new Tensor(ElementType.FLOAT16, shape, ShortBuffer.wrap(bits));
    }

    /** An int64 tensor sharing {@code values}. */
    public static Tensor ofLongs(long[] values, long... shape) {
        return new Tensor(ElementType.INT64, shape, LongBuffer.wrap(values));
    }

    /** An int32 tensor sharing {@code values}. */
    public static Tensor ofInts(int[] values, long... shape) {
        return new Tensor(ElementType.INT32, shape, IntBuffer.wrap(values));
    }

    /**
     * An int8, uint8 or bool tensor sharing {@code values} (uint8 elements are read unsigned, bool
     * elements are 0 or 1).
     *
     * @throws IllegalArgumentException when {@code type} is not a one-byte type
     */
    public static Tensor ofBytes(ElementType type, byte[] values, long... shape) {
        if (type.bytes() != 1) {
            throw new IllegalArgumentException(type + " is not a one-byte element type: use its own factory");
        }
        return new Tensor(type, shape, ByteBuffer.wrap(values));
    }

    /**
     * A tensor of {@code type} copied from {@code bytes}, its elements in C order in {@code order}
     * (a NumPy file's little-endian data, say), from the buffer's position to its limit.
     */
    public static Tensor copyOf(ElementType type, ByteBuffer bytes, ByteOrder order, long... shape) {
        ByteBuffer in = bytes.duplicate().order(order);
        int n = Math.toIntExact(in.remaining() / type.bytes());
        switch (type) {
            case FLOAT32: {
                float[] v = new float[n];
                in.asFloatBuffer().get(v);
                return ofFloats(v, shape);
            }
            case FLOAT16: {
                short[] v = new short[n];
                in.asShortBuffer().get(v);
                return ofFloat16Bits(v, shape);
            }
            case INT64: {
                long[] v = new long[n];
                in.asLongBuffer().get(v);
                return ofLongs(v, shape);
            }
            case INT32: {
                int[] v = new int[n];
                in.asIntBuffer().get(v);
                return ofInts(v, shape);
            }
            default: {
                byte[] v = new byte[n];
                in.get(v);
                return ofBytes(type, v, shape);
            }
        }
    }

    /** The element type. */
    public ElementType type() {
        return type;
    }

    /** The shape, e.g. {@code [N, 128]}. */
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public int elements() {
        return values.remaining();
    }

    /** The elements of a float32 tensor, read-only. */
    public FloatBuffer floats() {
        return ((FloatBuffer) require(ElementType.FLOAT32)).asReadOnlyBuffer();
    }

    /** The half-precision bits of a float16 tensor, read-only. */
    public ShortBuffer float16Bits() {
        return ((ShortBuffer) require(ElementType.FLOAT16)).asReadOnlyBuffer();
    }

    /** The elements of an int64 tensor, read-only. */
    public LongBuffer longs() {
        return ((LongBuffer) require(ElementType.INT64)).asReadOnlyBuffer();
    }

    /** The elements of an int32 tensor, read-only. */
    public IntBuffer ints() {
        return ((IntBuffer) require(ElementType.INT32)).asReadOnlyBuffer();
    }

    /** The elements of an int8, uint8 or bool tensor, read-only. */
    public ByteBuffer bytes() {
        if (type.bytes() != 1) {
            throw new IllegalStateException("A " + type + " tensor has no byte elements");
        }
        return ((ByteBuffer) values).asReadOnlyBuffer();
    }

    private Buffer require(ElementType wanted) {
        if (type != wanted) {
            throw new IllegalStateException("The tensor holds " + type + " elements, not " + wanted);
        }
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && type == t.type && Arrays.equals(shape, t.shape) && values.equals(t.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, Arrays.hashCode(shape), values);
    }

    @Override
    public String toString() {
        return "Tensor[" + type + " " + Arrays.toString(shape) + "]";
    }
}
