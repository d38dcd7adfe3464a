package org.quant4j.api;

/**
 * A model cannot be read, rewritten or run. The message names the node and the operator where one
 * is involved.
 */
public class ModelException extends QuantException {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
