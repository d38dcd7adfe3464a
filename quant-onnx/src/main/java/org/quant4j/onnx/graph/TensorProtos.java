package org.quant4j.onnx.graph;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.Arrays;
import org.quant4j.api.ModelException;

/**
 * Conversions between ONNX {@code TensorProto}s and Java arrays. Values are written as
 * {@code raw_data}, which the ONNX spec defines as little-endian, fixed-width, row-major.
 */
public final class TensorProtos {

    private TensorProtos() {
    }

    /** Value {@code index} (row-major) of a FLOAT tensor being written by {@link #floats(String, long[], FloatValues)}. */
    @FunctionalInterface
    public interface FloatValues {
        float get(int index);
    }

    /** A FLOAT tensor proto named {@code name} holding {@code tensor}. */
    public static TensorProto floats(String name, FloatTensor tensor) {
        return floats(name, tensor.shape(), tensor::get);
    }

    /**
     * A FLOAT tensor proto named {@code name} of shape {@code dims} whose value {@code i} is
     * {@code values.get(i)}, written straight into its {@code raw_data}: no float array of the
     * tensor's size is made on the way (a rescaled weight is held once, as bytes).
     */
    public static TensorProto floats(String name, long[] dims, FloatValues values) {
        int n = Math.toIntExact(FloatTensor.elementCount(dims));
        ByteBuffer buf = ByteBuffer.allocate(Math.multiplyExact(n, Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            buf.putFloat(values.get(i));
        }
        return raw(name, TensorProto.DataType.FLOAT_VALUE, dims, buf.array(), Float.BYTES, true);
    }

    /** An INT64 tensor proto named {@code name} of shape {@code dims} holding {@code values}. */
    public static TensorProto int64s(String name, long[] dims, long... values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            buf.putLong(v);
        }
        return raw(name, TensorProto.DataType.INT64_VALUE, dims, buf.array(), Long.BYTES, true);
    }

    /** An INT8 tensor proto (e.g. quantized weights or a zero point) of shape {@code dims}. */
    public static TensorProto int8s(String name, long[] dims, byte... values) {
        return raw(name, TensorProto.DataType.INT8_VALUE, dims, values, 1);
    }

    /** A UINT8 tensor proto of shape {@code dims}; each value must be in [0, 255]. */
    public static TensorProto uint8s(String name, long[] dims, int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] > 255) {
                throw new IllegalArgumentException("UINT8 values are in [0, 255], got " + values[i] + " at " + i);
            }
            b[i] = (byte) values[i];
        }
        return raw(name, TensorProto.DataType.UINT8_VALUE, dims, b, 1, true);
    }

    /** An INT32 tensor proto (e.g. a quantized bias) of shape {@code dims}. */
    public static TensorProto int32s(String name, long[] dims, int... values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            buf.putInt(v);
        }
        return raw(name, TensorProto.DataType.INT32_VALUE, dims, buf.array(), Integer.BYTES, true);
    }

    /**
     * A FLOAT16 tensor proto of shape {@code dims} from IEEE 754 binary16 bit patterns (see
     * {@code org.quant4j.onnx.quantize.Float16} for the conversion from float32).
     */
    public static TensorProto float16s(String name, long[] dims, short... bits) {
        ByteBuffer buf = ByteBuffer.allocate(bits.length * Short.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (short b : bits) {
            buf.putShort(b);
        }
        return raw(name, TensorProto.DataType.FLOAT16_VALUE, dims, buf.array(), Short.BYTES, true);
    }

    /**
     * An INT8 or UINT8 tensor proto of shape {@code dims} that takes over {@code values}: the array
     * becomes the tensor's {@code raw_data} without a copy (a large weight is held once, not twice),
     * so the caller must not change it afterwards. UINT8 values are the bytes read as unsigned.
     *
     * @param dataType {@link TensorProto.DataType#INT8_VALUE} or {@link TensorProto.DataType#UINT8_VALUE}
     */
    public static TensorProto adoptBytes(String name, int dataType, long[] dims, byte[] values) {
        if (dataType != TensorProto.DataType.INT8_VALUE && dataType != TensorProto.DataType.UINT8_VALUE) {
            throw new IllegalArgumentException("adoptBytes makes INT8 or UINT8 tensors, not data type " + dataType);
        }
        return raw(name, dataType, dims, values, 1, true);
    }

    private static TensorProto raw(String name, int dataType, long[] dims, byte[] littleEndian, int width) {
        return raw(name, dataType, dims, littleEndian, width, false);
    }

    private static TensorProto raw(String name, int dataType, long[] dims, byte[] littleEndian, int width,
            boolean adopt) {
        long n = FloatTensor.elementCount(dims);
        if (n * width != littleEndian.length) {
            throw new IllegalArgumentException("Tensor '" + name + "' of shape " + Arrays.toString(dims) + " needs " + n
                    + " values, got " + littleEndian.length / width);
        }
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(dataType)
                .addAllDims(asList(dims))
                .setRawData(adopt ? UnsafeByteOperations.unsafeWrap(littleEndian) : ByteString.copyFrom(littleEndian))
                .build();
    }

    /** A rank-1 INT64 tensor proto. */
    public static TensorProto int64Vector(String name, long... values) {
        return int64s(name, new long[] {values.length}, values);
    }

    /** The dimensions of a tensor proto. */
    public static long[] dims(TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** Throws a {@link ModelException} naming both types unless {@code t} holds elements of {@code type}. */
    private static void requireType(TensorProto t, int type) {
        if (t.getDataType() != type) {
            throw new ModelException("Tensor '" + t.getName() + "' has element type " + typeName(t.getDataType())
                    + ", expected " + typeName(type));
        }
    }

    /**
     * The values of a FLOAT tensor proto, from {@code float_data} or {@code raw_data}. Values in
     * {@code raw_data} are not decoded: the tensor reads them through a read-only view of the
     * proto's bytes, so a weight is never copied by reading it.
     *
     * @throws ModelException when the tensor is not FLOAT, keeps its data in an external file, or
     *                        holds a number of values that does not match its shape
     */
    public static FloatTensor toFloatTensor(TensorProto t) {
        requireInline(t);
        requireType(t, TensorProto.DataType.FLOAT_VALUE);
        long[] dims = dims(t);
        int n = Math.toIntExact(FloatTensor.elementCount(dims));
        if (t.hasRawData()) {
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer();
            if (raw.remaining() != (long) n * Float.BYTES) {
                throw corrupt(t, dims, n, raw.remaining() / Float.BYTES);
            }
            return FloatTensor.view(dims, raw.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
        }
        float[] values = new float[t.getFloatDataCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = t.getFloatData(i);
        }
        if (values.length != n) {
            throw corrupt(t, dims, n, values.length);
        }
        return FloatTensor.adopt(dims, values);
    }

    private static ModelException corrupt(TensorProto t, long[] dims, long n, long holds) {
        return new ModelException("Tensor '" + t.getName() + "' of shape " + Arrays.toString(dims) + " should hold "
                + n + " values but holds " + holds + ": the model file is corrupt");
    }

    /**
     * The values of an INT8, UINT8 or INT32 tensor proto as ints, from {@code raw_data} or
     * {@code int32_data} (where ONNX keeps 8-bit values that are not raw).
     *
     * @throws ModelException when the tensor has another type or keeps its data in an external file
     */
    public static int[] toInts(TensorProto t) {
        requireInline(t);
        int type = t.getDataType();
        if (type != TensorProto.DataType.INT8_VALUE && type != TensorProto.DataType.UINT8_VALUE
                && type != TensorProto.DataType.INT32_VALUE) {
            throw new ModelException("Tensor '" + t.getName() + "' has element type " + typeName(type)
                    + ", expected INT8, UINT8 or INT32");
        }
        if (!t.hasRawData()) {
            return t.getInt32DataList().stream().mapToInt(Integer::intValue).toArray();
        }
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().slice().order(ByteOrder.LITTLE_ENDIAN);
        int[] out;
        if (type == TensorProto.DataType.INT32_VALUE) {
            out = new int[raw.remaining() / Integer.BYTES];
            raw.asIntBuffer().get(out);
        } else {
            out = new int[raw.remaining()];
            for (int i = 0; i < out.length; i++) {
                byte b = raw.get(i);
                out[i] = type == TensorProto.DataType.UINT8_VALUE ? Byte.toUnsignedInt(b) : b;
            }
        }
        return out;
    }

    /**
     * The values of an INT8 tensor proto as a read-only buffer of its bytes, positioned at 0: a view
     * of {@code raw_data} (no copy, so no int per weight), or bytes made from {@code int32_data}.
     *
     * @throws ModelException when the tensor is not INT8, keeps its data in an external file, or
     *                        holds a number of values that does not match its shape
     */
    public static ByteBuffer toInt8Buffer(TensorProto t) {
        requireInline(t);
        requireType(t, TensorProto.DataType.INT8_VALUE);
        long[] dims = dims(t);
        long n = FloatTensor.elementCount(dims);
        ByteBuffer values;
        if (t.hasRawData()) {
            values = t.getRawData().asReadOnlyByteBuffer();
        } else {
            byte[] b = new byte[t.getInt32DataCount()];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) t.getInt32Data(i);
            }
            values = ByteBuffer.wrap(b).asReadOnlyBuffer();
        }
        if (values.remaining() != n) {
            throw corrupt(t, dims, n, values.remaining());
        }
        return values.slice();
    }

    /**
     * The values of an INT64 tensor proto, from {@code int64_data} or {@code raw_data}.
     *
     * @throws ModelException when the tensor is not INT64 or keeps its data in an external file
     */
    public static long[] toLongs(TensorProto t) {
        requireInline(t);
        requireType(t, TensorProto.DataType.INT64_VALUE);
        if (t.hasRawData()) {
            LongBuffer lb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
            long[] values = new long[lb.remaining()];
            lb.get(values);
            return values;
        }
        return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }

    /** The ONNX name of an element type number, e.g. {@code FLOAT} for 1. */
    public static String typeName(int dataType) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(dataType);
        return t == null ? "type #" + dataType : t.name();
    }

    private static void requireInline(TensorProto t) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new ModelException("Tensor '" + t.getName() + "' keeps its data in an external file, which quant4j"
                    + " does not read: save the model with all tensors inside the .onnx file");
        }
    }

    private static Iterable<Long> asList(long[] dims) {
        return Arrays.stream(dims).boxed().toList();
    }
}
