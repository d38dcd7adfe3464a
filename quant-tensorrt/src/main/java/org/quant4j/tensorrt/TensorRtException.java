package org.quant4j.tensorrt;

import org.quant4j.api.QuantException;

/** TensorRT or CUDA reported a failure (a parser error, a failed build, a CUDA error code); the message carries TensorRT's text. */
public class TensorRtException extends QuantException {
    private static final long serialVersionUID = 1L;

    public TensorRtException(String message) {
        super(message);
    }

    public TensorRtException(String message, Throwable cause) {
        super(message, cause);
    }
}
