package org.quant4j.api.provider;

/**
 * A provider found with {@link java.util.ServiceLoader}: a stable short name, a priority and an
 * availability check. Providers must be cheap to instantiate and must not load native code; the
 * product they create loads natives lazily.
 */
public interface NamedProvider {

    /**
     * Stable, short ASCII name used for look-up, e.g. {@code "entropy"} or {@code "onnxruntime"}.
     *
     * @return the name; compared case-insensitively
     */
    String name();

    /**
     * Higher wins when several providers are usable and no name is requested.
     *
     * @return the priority; 0 by default
     */
    default int priority() {
        return 0;
    }

    /**
     * Whether this provider can work on this machine, and why not when it cannot.
     *
     * @return {@link Availability#AVAILABLE} by default
     */
    default Availability availability() {
        return Availability.AVAILABLE;
    }
}
