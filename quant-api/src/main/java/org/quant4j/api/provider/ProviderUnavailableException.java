package org.quant4j.api.provider;

import org.quant4j.api.QuantException;

/** A provider is on the classpath but cannot work on this machine; the cause says why. */
public class ProviderUnavailableException extends QuantException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception naming the provider and why it cannot work.
     *
     * @param message the message shown to the user
     * @param cause the underlying failure, or null
     */
    public ProviderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
