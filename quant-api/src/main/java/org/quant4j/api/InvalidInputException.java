package org.quant4j.api;

/**
 * Input given by the user is unusable: a missing or truncated file, a wrong magic number, data of
 * the wrong shape, an option out of range. The message names the input and the fix.
 */
public class InvalidInputException extends QuantException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message that names the problem and its fix.
     *
     * @param message the message shown to the user
     */
    public InvalidInputException(String message) {
        super(message);
    }

    /**
     * An exception with a message and the lower-level failure behind it.
     *
     * @param message the message shown to the user
     * @param cause the underlying exception, or null
     */
    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
