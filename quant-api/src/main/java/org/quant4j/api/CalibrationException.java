package org.quant4j.api;

/** Calibration cannot produce a usable range, for example because no finite value was observed. */
public class CalibrationException extends QuantException {
    private static final long serialVersionUID = 1L;

    public CalibrationException(String message) {
        super(message);
    }

    public CalibrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
