package org.quant4j.onnxruntime.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.quant4j.api.data.ElementType;
import org.quant4j.api.data.Tensor;

/**
 * Moves {@link Tensor}s into ONNX Runtime: the runtime type of each element type, and tensors over
 * direct native-order buffers, which ONNX Runtime reads in place (a heap buffer would be copied into
 * freshly allocated native memory on every run).
 */
final class OrtTensors {

    private OrtTensors() {
    }

    /** The ONNX Runtime type of {@code type}. */
    static OnnxJavaType javaType(ElementType type) {
        return switch (type) {
            case FLOAT32 -> OnnxJavaType.FLOAT;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case INT64 -> OnnxJavaType.INT64;
            case INT32 -> OnnxJavaType.INT32;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case BOOL -> OnnxJavaType.BOOL;
        };
    }

    /** A direct native-order buffer of {@code bytes} bytes. */
    static ByteBuffer direct(long bytes) {
        return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
    }

    /** Number of bytes the elements of {@code t} take. */
    static long bytes(Tensor t) {
        return (long) t.elements() * t.type().bytes();
    }

    /** Copies the elements of {@code t} to the start of {@code buffer}, a native-order buffer. */
    static void copy(Tensor t, ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate().order(ByteOrder.nativeOrder()).clear();
        switch (t.type()) {
            case FLOAT32 -> b.asFloatBuffer().put(t.floats());
            case FLOAT16 -> b.asShortBuffer().put(t.float16Bits());
            case INT64 -> b.asLongBuffer().put(t.longs());
            case INT32 -> b.asIntBuffer().put(t.ints());
            default -> b.put(t.bytes());
        }
    }

    /**
     * An ONNX Runtime tensor of {@code type} and {@code shape} over {@code buffer}, a direct
     * native-order buffer of exactly its bytes, which it reads in place: keep the buffer until the
     * tensor is closed.
     */
    static OnnxTensor over(ByteBuffer buffer, ElementType type, long[] shape) throws OrtException {
        ByteBuffer b = buffer.duplicate().order(ByteOrder.nativeOrder()).clear();
        var env = OrtRuntime.environment();
        return switch (type) {
            case FLOAT32 -> OnnxTensor.createTensor(env, b.asFloatBuffer(), shape);
            case FLOAT16 -> OnnxTensor.createTensor(env, b.asShortBuffer(), shape, OnnxJavaType.FLOAT16);
            case INT64 -> OnnxTensor.createTensor(env, b.asLongBuffer(), shape);
            case INT32 -> OnnxTensor.createTensor(env, b.asIntBuffer(), shape);
            case INT8 -> OnnxTensor.createTensor(env, b, shape);
            case UINT8 -> OnnxTensor.createTensor(env, b, shape, OnnxJavaType.UINT8);
            case BOOL -> OnnxTensor.createTensor(env, b, shape, OnnxJavaType.BOOL);
        };
    }
}
