package org.quant4j.api;

/**
 * Root of every exception quant4j throws. Unchecked: each subtype says what went wrong and how to
 * fix it, so callers rarely need to catch more than this one type.
 */
public class QuantException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QuantException(String message) {
        super(message);
    }

    public QuantException(String message, Throwable cause) {
        super(message, cause);
    }
}
