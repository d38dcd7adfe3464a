package org.quant4j.api.provider;

import org.quant4j.api.QuantException;

/** No provider with the requested name is on the classpath. The message lists the names that are. */
public class UnknownProviderException extends QuantException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception naming the provider asked for and those found.
     *
     * @param message the message shown to the user
     */
    public UnknownProviderException(String message) {
        super(message);
    }
}
