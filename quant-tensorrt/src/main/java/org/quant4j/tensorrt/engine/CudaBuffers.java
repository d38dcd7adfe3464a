package org.quant4j.tensorrt.engine;

import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMemcpy;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.quant4j.api.InvalidInputException;
import org.quant4j.tensorrt.calibration.DeviceBuffers;

/**
 * One float32 GPU buffer per tensor name, with a host staging buffer each; freed on close.
 * Closing twice is harmless; use after close throws {@link IllegalStateException}.
 */
final class CudaBuffers implements DeviceBuffers, AutoCloseable {

    private final Map<String, Pointer> device = new LinkedHashMap<>();
    private final Map<String, FloatPointer> host = new LinkedHashMap<>();
    private final Map<String, Long> elements = new LinkedHashMap<>();
    private boolean closed;

    /** Allocates {@code elementsByName} floats per name. */
    CudaBuffers(Map<String, Long> elementsByName) {
        try {
            elementsByName.forEach((name, n) -> {
                Pointer p = new Pointer();
                TensorRtRuntime.check(cudaMalloc(p, n * Float.BYTES), "allocate " + n * Float.BYTES
                        + " bytes for tensor '" + name + "'");
                device.put(name, p);
                host.put(name, new FloatPointer(n));
                elements.put(name, n);
            });
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void upload(String input, FloatBuffer values) {
        FloatPointer staging = staging(input);
        long n = values.remaining();
        if (n > elements.get(input)) {
            throw new InvalidInputException("Tensor '" + input + "' takes " + elements.get(input) + " values, got " + n);
        }
        float[] copy = new float[(int) n];
        values.duplicate().get(copy);
        staging.position(0).put(copy);
        TensorRtRuntime.check(cudaMemcpy(device.get(input), staging, n * Float.BYTES, cudaMemcpyHostToDevice),
                "copy tensor '" + input + "' to the GPU");
    }

    /** The first {@code n} values of {@code name} back from the GPU. */
    float[] download(String name, long n) {
        FloatPointer staging = staging(name);
        TensorRtRuntime.check(cudaMemcpy(staging, device.get(name), n * Float.BYTES, cudaMemcpyDeviceToHost),
                "copy tensor '" + name + "' from the GPU");
        float[] out = new float[Math.toIntExact(n)];
        staging.position(0).get(out);
        return out;
    }

    /** The device pointer of {@code name}. */
    Pointer pointer(String name) {
        staging(name);
        return device.get(name);
    }

    private FloatPointer staging(String name) {
        if (closed) {
            throw new IllegalStateException("CudaBuffers is closed");
        }
        FloatPointer p = host.get(name);
        if (p == null) {
            throw new InvalidInputException("No GPU buffer for tensor '" + name + "'; buffers exist for "
                    + device.keySet());
        }
        return p;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        device.values().forEach(p -> {
            if (!p.isNull()) {
                cudaFree(p);
            }
        });
        host.values().forEach(Pointer::close);
        device.clear();
        host.clear();
    }
}
