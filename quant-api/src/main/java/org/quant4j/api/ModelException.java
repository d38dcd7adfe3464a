package org.quant4j.api;

/**
 * A model cannot be read, rewritten or run. The message names the node and the operator where one
 * is involved.
 */
public class ModelException extends QuantException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message that names the problem and its fix.
     *
     * @param message the message shown to the user
     */
    public ModelException(String message) {
        super(message);
    }

    /**
     * An exception with a message and the lower-level failure behind it.
     *
     * @param message the message shown to the user
     * @param cause the underlying exception, or null
     */
    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
