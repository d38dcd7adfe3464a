package org.quant4j.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.quant4j.api.ModelException;

class FloatTensorTest {

    @Test
    void valuesAreAReadOnlyViewThatCannotChangeTheTensor() {
        float[] source = {1, 2, 3, 4};
        FloatTensor t = new FloatTensor(new long[] {2, 2}, source);
        FloatBuffer view = t.values();
        assertTrue(view.isReadOnly());
        assertThrows(ReadOnlyBufferException.class, () -> view.put(0, 9f));
        assertThrows(ReadOnlyBufferException.class, () -> view.put(new float[] {9, 9}));
        // Moving one view's position moves neither the tensor nor the next view.
        view.position(3);
        assertEquals(0, t.values().position());
        assertEquals(4, t.values().remaining());
        // The constructor copied its array, and data() hands out copies.
        source[0] = 100;
        t.data()[1] = 100;
        assertArrayEquals(new float[] {1, 2, 3, 4}, t.data());
    }

    @Test
    void anInitializerIsReadThroughAViewOfItsBytes() {
        float[] values = {1.5f, -2f, 0f, 7.25f, Float.MIN_VALUE, -0f};
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        byte[] raw = bytes.array();
        TensorProto proto = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(2).addDims(3).setRawData(ByteString.copyFrom(raw)).build();

        FloatTensor t = TensorProtos.toFloatTensor(proto);
        assertArrayEquals(new long[] {2, 3}, t.shape());
        assertArrayEquals(values, t.data());
        assertTrue(t.values().isReadOnly());
        assertThrows(ReadOnlyBufferException.class, () -> t.values().put(0, 3f));
        // Nothing written through the tensor reaches the proto: its bytes are as they were.
        assertArrayEquals(raw, proto.getRawData().toByteArray());
        // The same values written back give the same bytes.
        assertEquals(proto.getRawData(), TensorProtos.floats("w", t).getRawData());
    }

    @Test
    void rawDataOfTheWrongLengthIsCorrupt() {
        TensorProto proto = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(2).setRawData(ByteString.copyFrom(new byte[9])).build();
        ModelException e = assertThrows(ModelException.class, () -> TensorProtos.toFloatTensor(proto));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void computedValuesAreWrittenStraightIntoBytes() {
        TensorProto computed = TensorProtos.floats("c", new long[] {2, 3}, i -> i * 0.5f - 1);
        TensorProto copied = TensorProtos.floats("c",
                new FloatTensor(new long[] {2, 3}, new float[] {-1, -0.5f, 0, 0.5f, 1, 1.5f}));
        assertEquals(copied, computed);
        assertArrayEquals(new long[] {2, 3}, TensorProtos.dims(computed));
        assertEquals(24, computed.getRawData().size());
    }

    @Test
    void equalityComparesBitPatternsAsArraysDo() {
        float[] a = {0f, Float.NaN, 1f};
        float[] b = {-0f, Float.NaN, 1f};
        FloatTensor ta = FloatTensor.vector(a);
        FloatTensor view = TensorProtos.toFloatTensor(TensorProtos.floats("a", ta));
        assertEquals(ta, view);
        assertEquals(ta.hashCode(), view.hashCode());
        assertEquals(31 * Arrays.hashCode(new long[] {3}) + Arrays.hashCode(a), ta.hashCode());
        assertNotEquals(ta, FloatTensor.vector(b));
        assertNotEquals(ta, new FloatTensor(new long[] {1, 3}, a));
    }

    @Test
    void int8ValuesAreReadFromRawDataOrInt32Data() {
        TensorProto raw = TensorProtos.int8s("q", new long[] {4}, (byte) -127, (byte) 0, (byte) 5, (byte) 127);
        TensorProto legacy = TensorProto.newBuilder().setName("q").setDataType(TensorProto.DataType.INT8_VALUE)
                .addDims(4).addInt32Data(-127).addInt32Data(0).addInt32Data(5).addInt32Data(127).build();
        for (TensorProto t : new TensorProto[] {raw, legacy}) {
            ByteBuffer b = TensorProtos.toInt8Buffer(t);
            assertTrue(b.isReadOnly());
            byte[] out = new byte[b.remaining()];
            b.get(out);
            assertArrayEquals(new byte[] {-127, 0, 5, 127}, out);
        }
        assertThrows(ModelException.class, () -> TensorProtos.toInt8Buffer(TensorProtos.int32s("i", new long[] {1}, 3)));
    }
}
