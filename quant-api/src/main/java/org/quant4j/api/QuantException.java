package org.quant4j.api;

/**
 * Root of every exception quant4j throws. Unchecked: each subtype says what went wrong and how to
 * fix it, so callers rarely need to catch more than this one type.
 */
public class QuantException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message that names the problem and its fix.
     *
     * @param message the message shown to the user
     */
    public QuantException(String message) {
        super(message);
    }

    /**
     * An exception with a message and the lower-level failure behind it.
     *
     * @param message the message shown to the user
     * @param cause the underlying exception, or null
     */
    public QuantException(String message, Throwable cause) {
        super(message, cause);
    }
}
