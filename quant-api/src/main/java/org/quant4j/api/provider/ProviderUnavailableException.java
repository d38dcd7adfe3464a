package org.quant4j.api.provider;

import org.quant4j.api.QuantException;

/** A provider is on the classpath but cannot work on this machine; the cause says why. */
public class ProviderUnavailableException extends QuantException {
    private static final long serialVersionUID = 1L;

    public ProviderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
