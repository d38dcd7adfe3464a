package org.quant4j.api;

/**
 * Input given by the user is unusable: a missing or truncated file, a wrong magic number, data of
 * the wrong shape, an option out of range. The message names the input and the fix.
 */
public class InvalidInputException extends QuantException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
