package org.quant4j.tensorrt.calibration;

import java.nio.FloatBuffer;

/**
 * Where a calibration batch goes: one buffer per network input, on the GPU in the engine builder
 * ({@code CudaBuffers}), a recording fake in tests. An implementation copies the values before
 * returning; the caller reuses its arrays.
 */
public interface DeviceBuffers {

    /** Copies {@code values} (one full batch of input {@code input}) into that input's buffer. */
    void upload(String input, FloatBuffer values);
}
