package org.quant4j.onnx.transform;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Arrays;
import org.quant4j.api.ModelException;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.TensorProtos;

/**
 * The value of a constant tensor of element type FLOAT, INT64 or INT32, for evaluating constant
 * subgraphs in Java: floats are kept as float32 (so arithmetic rounds as the runtime's does),
 * integers as longs. Row-major, like ONNX.
 */
final class ConstantTensor {

    static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    static final int INT64 = TensorProto.DataType.INT64_VALUE;
    static final int INT32 = TensorProto.DataType.INT32_VALUE;

    private final int type;
    private final long[] dims;
    private final float[] floats;
    private final long[] ints;

    private ConstantTensor(int type, long[] dims, float[] floats, long[] ints) {
        this.type = type;
        this.dims = dims.clone();
        this.floats = floats;
        this.ints = ints;
        long n = FloatTensor.elementCount(dims);
        if (n != size()) {
            throw new IllegalArgumentException("Shape " + Arrays.toString(dims) + " needs " + n + " values, got " + size());
        }
    }

    static ConstantTensor ofFloats(long[] dims, float[] values) {
        return new ConstantTensor(FLOAT, dims, values, null);
    }

    static ConstantTensor ofInts(int type, long[] dims, long[] values) {
        if (type != INT64 && type != INT32) {
            throw new IllegalArgumentException("Not an integer type: " + TensorProtos.typeName(type));
        }
        return new ConstantTensor(type, dims, null, values);
    }

    /** True when {@link #of} can read tensors of this element type. */
    static boolean supports(int type) {
        return type == FLOAT || type == INT64 || type == INT32;
    }

    /** The value of a FLOAT, INT64 or INT32 tensor proto. */
    static ConstantTensor of(TensorProto t) {
        long[] dims = TensorProtos.dims(t);
        switch (t.getDataType()) {
            case FLOAT:
                return ofFloats(dims, TensorProtos.toFloatTensor(t).data());
            case INT64:
                return ofInts(INT64, dims, TensorProtos.toLongs(t));
            case INT32:
                return ofInts(INT32, dims, Arrays.stream(TensorProtos.toInts(t)).asLongStream().toArray());
            default:
                throw new ModelException("Tensor '" + t.getName() + "' has element type "
                        + TensorProtos.typeName(t.getDataType()) + ", which constant folding does not evaluate");
        }
    }

    /** This value as a tensor proto named {@code name}. */
    TensorProto toProto(String name) {
        return switch (type) {
            case FLOAT -> TensorProtos.floats(name, new FloatTensor(dims, floats));
            case INT64 -> TensorProtos.int64s(name, dims, ints);
            default -> TensorProtos.int32s(name, dims, Arrays.stream(ints).mapToInt(Math::toIntExact).toArray());
        };
    }

    int type() {
        return type;
    }

    boolean isFloat() {
        return type == FLOAT;
    }

    long[] dims() {
        return dims.clone();
    }

    int rank() {
        return dims.length;
    }

    int size() {
        return floats != null ? floats.length : ints.length;
    }

    float floatAt(int i) {
        return floats != null ? floats[i] : ints[i];
    }

    long longAt(int i) {
        return ints != null ? ints[i] : (long) floats[i];
    }

    /** All values as longs (integer tensors, e.g. shapes, axes and indices). */
    long[] longs() {
        long[] out = new long[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = longAt(i);
        }
        return out;
    }

    /** A tensor of shape {@code newDims} whose element {@code i} is this tensor's element {@code from[i]}. */
    ConstantTensor take(int[] from, long[] newDims) {
        if (floats != null) {
            float[] v = new float[from.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = floats[from[i]];
            }
            return ofFloats(newDims, v);
        }
        long[] v = new long[from.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = ints[from[i]];
        }
        return ofInts(type, newDims, v);
    }

    /** The same values with another shape of the same element count. */
    ConstantTensor reshaped(long[] newDims) {
        return new ConstantTensor(type, newDims, floats, ints);
    }

    /** Converted to element type {@code to} (FLOAT, INT64 or INT32); float to integer truncates toward zero. */
    ConstantTensor cast(int to) {
        if (to == FLOAT) {
            float[] v = new float[size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = floatAt(i);
            }
            return ofFloats(dims, v);
        }
        long[] v = new long[size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = to == INT32 ? (int) longAt(i) : longAt(i);
        }
        return ofInts(to, dims, v);
    }

    /** Row-major strides of {@code dims}. */
    static long[] strides(long[] dims) {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    @Override
    public String toString() {
        return TensorProtos.typeName(type) + Arrays.toString(dims);
    }
}
