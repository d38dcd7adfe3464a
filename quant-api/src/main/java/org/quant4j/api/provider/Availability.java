package org.quant4j.api.provider;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether a provider is usable here; when it is not, a reason a person can act on (e.g.
 * {@code "libcuda.so.1 not found: install the NVIDIA driver"}) and the underlying cause, if any.
 */
public record Availability(boolean available, String reason, Optional<Throwable> cause) {

    /** The value of every provider that needs nothing special. */
    public static final Availability AVAILABLE = new Availability(true, "available", Optional.empty());

    public Availability {
        Objects.requireNonNull(reason, "reason");
        cause = cause == null ? Optional.empty() : cause;
    }

    public static Availability unavailable(String reason) {
        return new Availability(false, reason, Optional.empty());
    }

    public static Availability unavailable(String reason, Throwable cause) {
        return new Availability(false, reason, Optional.ofNullable(cause));
    }
}
