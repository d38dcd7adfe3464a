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

    /**
     * A float32 tensor sharing {@code values}.
     *
     * @param values the elements in C order; not copied
     * @param shape the dimensions, each &gt;= 0, whose product is {@code values.length}
     * @return the tensor
     * @throws IllegalArgumentException when the shape is negative or does not match the element count
     */
    public static Tensor ofFloats(float[] values, long... shape) {
        return new Tensor(ElementType.FLOAT32, shape, FloatBuffer.wrap(values));
    }

    /**
     * A float16 tensor sharing {@code bits}, the IEEE 754 half-precision bits of each element.
     *
     * @param bits the raw half-precision bits of each element in C order; not copied
     * @param shape the dimensions, each &gt;= 0, whose product is {@code bits.length}
     * @return the tensor
     * @throws IllegalArgumentException when the shape is negative or does not match the element count
     */
    public static Tensor ofFloat16Bits(short[] bits, long... shape) {
        return new Tensor(ElementType.FLOAT16, shape, ShortBuffer.wrap(bits));
    }

    /**
     * An int64 tensor sharing {@code values}.
     *
     * @param values the elements in C order; not copied
     * @param shape the dimensions, each &gt;= 0, whose product is {@code values.length}
     * @return the tensor
     * @throws IllegalArgumentException when the shape is negative or does not match the element count
     */
    public static Tensor ofLongs(long[] values, long... shape) {
        return new Tensor(ElementType.INT64, shape, LongBuffer.wrap(values));
    }

    /**
     * An int32 tensor sharing {@code values}.
     *
     * @param values the elements in C order; not copied
     * @param shape the dimensions, each &gt;= 0, whose product is {@code values.length}
     * @return the tensor
     * @throws IllegalArgumentException when the shape is negative or does not match the element count
     */
    public static Tensor ofInts(int[] values, long... shape) {
        return new Tensor(ElementType.INT32, shape, IntBuffer.wrap(values));
    }

    /**
     * An int8, uint8 or bool tensor sharing {@code values} (uint8 elements are read unsigned, bool
     * elements are 0 or 1).
     *
     * @param type {@link ElementType#INT8}, {@link ElementType#UINT8} or {@link ElementType#BOOL}
     * @param values the elements in C order, one byte each; not copied
     * @param shape the dimensions, each &gt;= 0, whose product is {@code values.length}
     * @return the tensor
     * @throws IllegalArgumentException when {@code type} is not a one-byte type, or the shape does not
     *     match the element count
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
     *
     * @param type the element type the bytes encode
     * @param bytes the raw elements; read from position to limit, the buffer itself is not moved
     * @param order the byte order of multi-byte elements in {@code bytes}
     * @param shape the dimensions, whose product is the number of elements in {@code bytes}
     * @return a tensor owning its own copy of the elements
     * @throws IllegalArgumentException when the shape does not match the element count
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

    /**
     * This tensor with another shape of the same number of elements, sharing the elements.
     *
     * @param newShape the new dimensions, whose product is {@link #elements()}
     * @return a tensor viewing the same elements
     * @throws IllegalArgumentException when the new shape holds a different number of elements
     */
    public Tensor reshape(long... newShape) {
        return new Tensor(type, newShape, duplicate());
    }

    /**
     * Index {@code i} of the first axis, copied: the shape without its first dimension.
     *
     * @param i index along the first axis, from 0 to {@code shape()[0] - 1}
     * @return a new tensor of rank one less
     * @throws IllegalArgumentException when the tensor is a scalar or {@code i} is outside its first axis
     */
    public Tensor slice(int i) {
        if (shape.length == 0 || i < 0 || i >= shape[0]) {
            throw new IllegalArgumentException("Cannot take index " + i + " of the first axis of " + this);
        }
        int per = shape[0] == 0 ? 0 : values.remaining() / (int) shape[0];
        ByteBuffer all = littleEndianBytes();
        return copyOf(type, all.slice(i * per * type.bytes(), per * type.bytes()), ByteOrder.LITTLE_ENDIAN,
                Arrays.copyOfRange(shape, 1, shape.length));
    }

    /**
     * The tensors joined along their first axis, copied: the samples of several batches as one.
     *
     * @param parts the tensors in order, of one type and equal in every dimension but the first
     * @return the joined tensor; the only part itself when there is just one
     * @throws IllegalArgumentException when there are none, or they differ in type or in any
     *                                  dimension but the first
     */
    public static Tensor concat(java.util.List<Tensor> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("Nothing to concatenate");
        }
        Tensor first = parts.get(0);
        if (parts.size() == 1) {
            return first;
        }
        long rows = 0;
        int bytes = 0;
        for (Tensor t : parts) {
            if (t.type != first.type || t.shape.length == 0 || t.shape.length != first.shape.length
                    || !Arrays.equals(Arrays.copyOfRange(t.shape, 1, t.shape.length),
                            Arrays.copyOfRange(first.shape, 1, first.shape.length))) {
                throw new IllegalArgumentException("Cannot join " + t + " to " + first + " along the first axis:"
                        + " samples of different shapes or types go in different batches");
            }
            rows += t.shape[0];
            bytes = Math.addExact(bytes, Math.multiplyExact(t.values.remaining(), t.type.bytes()));
        }
        ByteBuffer all = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        parts.forEach(t -> all.put(t.littleEndianBytes()));
        long[] shape = first.shape.clone();
        shape[0] = rows;
        return copyOf(first.type, all.flip(), ByteOrder.LITTLE_ENDIAN, shape);
    }

    /**
     * A copy with axis {@code from} moved to position {@code to}, the other axes keeping their order
     * (NumPy's {@code moveaxis}): the samples on the first axis of a batch moved to a model's batch
     * axis, say.
     *
     * @param from the axis to move, from 0 to rank - 1
     * @param to where it ends up, from 0 to rank - 1
     * @return the rearranged copy, or this tensor when {@code from == to}
     * @throws IllegalArgumentException when an axis is outside the tensor's rank
     */
    public Tensor moveAxis(int from, int to) {
        int rank = shape.length;
        if (from < 0 || from >= rank || to < 0 || to >= rank) {
            throw new IllegalArgumentException("Cannot move axis " + from + " to " + to + " of " + this);
        }
        if (from == to) {
            return this;
        }
        java.util.List<Integer> order = new java.util.ArrayList<>();
        for (int d = 0; d < rank; d++) {
            if (d != from) {
                order.add(d);
            }
        }
        order.add(to, from);
        long[] stride = new long[rank];
        long step = 1;
        for (int d = rank - 1; d >= 0; d--) {
            stride[d] = step;
            step *= shape[d];
        }
        long[] outShape = new long[rank];
        long[] outStride = new long[rank];
        for (int d = 0; d < rank; d++) {
            outShape[d] = shape[order.get(d)];
            outStride[d] = stride[order.get(d)];
        }
        int size = type.bytes();
        ByteBuffer in = littleEndianBytes();
        ByteBuffer out = ByteBuffer.allocate(in.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        int[] index = new int[rank];
        int n = values.remaining();
        for (int k = 0; k < n; k++) {
            long at = 0;
            for (int d = 0; d < rank; d++) {
                at += index[d] * outStride[d];
            }
            out.put(in.slice((int) at * size, size));
            for (int d = rank - 1; d >= 0; d--) {
                if (++index[d] < outShape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return copyOf(type, out.flip(), ByteOrder.LITTLE_ENDIAN, outShape);
    }

    /** The elements as little-endian bytes, in a new buffer. */
    private ByteBuffer littleEndianBytes() {
        ByteBuffer out = ByteBuffer.allocate(Math.multiplyExact(values.remaining(), type.bytes()))
                .order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case FLOAT32 -> out.asFloatBuffer().put((FloatBuffer) duplicate());
            case FLOAT16 -> out.asShortBuffer().put((ShortBuffer) duplicate());
            case INT64 -> out.asLongBuffer().put((LongBuffer) duplicate());
            case INT32 -> out.asIntBuffer().put((IntBuffer) duplicate());
            default -> out.put((ByteBuffer) duplicate());
        }
        return out.rewind();
    }

    private Buffer duplicate() {
        return values.duplicate();
    }

    /**
     * The element type.
     *
     * @return the type of every element
     */
    public ElementType type() {
        return type;
    }

    /**
     * The shape, e.g. {@code [N, 128]}.
     *
     * @return a copy of the dimensions; empty for a scalar
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Number of elements.
     *
     * @return the product of the dimensions (1 for a scalar)
     */
    public int elements() {
        return values.remaining();
    }

    /**
     * The elements of a float32 tensor, read-only.
     *
     * @return a read-only view of the elements in C order
     * @throws IllegalStateException when the tensor is not float32
     */
    public FloatBuffer floats() {
        return ((FloatBuffer) require(ElementType.FLOAT32)).asReadOnlyBuffer();
    }

    /**
     * The half-precision bits of a float16 tensor, read-only.
     *
     * @return a read-only view of the IEEE 754 half-precision bits in C order
     * @throws IllegalStateException when the tensor is not float16
     */
    public ShortBuffer float16Bits() {
        return ((ShortBuffer) require(ElementType.FLOAT16)).asReadOnlyBuffer();
    }

    /**
     * The elements of an int64 tensor, read-only.
     *
     * @return a read-only view of the elements in C order
     * @throws IllegalStateException when the tensor is not int64
     */
    public LongBuffer longs() {
        return ((LongBuffer) require(ElementType.INT64)).asReadOnlyBuffer();
    }

    /**
     * The elements of an int32 tensor, read-only.
     *
     * @return a read-only view of the elements in C order
     * @throws IllegalStateException when the tensor is not int32
     */
    public IntBuffer ints() {
        return ((IntBuffer) require(ElementType.INT32)).asReadOnlyBuffer();
    }

    /**
     * The elements of an int8, uint8 or bool tensor, read-only.
     *
     * @return a read-only view of the elements in C order, one byte each (uint8 to be read unsigned)
     * @throws IllegalStateException when the tensor's elements are wider than one byte
     */
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
