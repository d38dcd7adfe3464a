package org.quant4j.api;

/** Calibration cannot produce a usable range, for example because no finite value was observed. */
public class CalibrationException extends QuantException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message that names the problem and its fix.
     *
     * @param message the message shown to the user
     */
    public CalibrationException(String message) {
        super(message);
    }

    /**
     * An exception with a message and the lower-level failure behind it.
     *
     * @param message the message shown to the user
     * @param cause the underlying exception, or null
     */
    public CalibrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
