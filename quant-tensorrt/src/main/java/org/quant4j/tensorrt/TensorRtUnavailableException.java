package org.quant4j.tensorrt;

import org.quant4j.api.provider.ProviderUnavailableException;

/**
 * TensorRT cannot run on this machine: the message names the missing piece (a JNI jar, the NVIDIA
 * driver's {@code libcuda.so.1}, a GPU, the TensorRT libraries) and what to install.
 */
public class TensorRtUnavailableException extends ProviderUnavailableException {
    private static final long serialVersionUID = 1L;

    public TensorRtUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
