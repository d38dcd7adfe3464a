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

    /**
     * Checks the reason.
     *
     * @param available true when the provider can work here
     * @param reason    why not, in words a person can act on; {@code "available"} when it can
     * @param cause     the underlying failure, if any; null is taken as empty
     */
    public Availability {
        Objects.requireNonNull(reason, "reason");
        cause = cause == null ? Optional.empty() : cause;
    }

    /**
     * A provider that cannot work here, with no underlying exception.
     *
     * @param reason why, and what to do about it
     * @return the availability
     */
    public static Availability unavailable(String reason) {
        return new Availability(false, reason, Optional.empty());
    }

    /**
     * A provider that cannot work here because of {@code cause}.
     *
     * @param reason why, and what to do about it
     * @param cause the failure, e.g. an {@link UnsatisfiedLinkError}; may be null
     * @return the availability
     */
    public static Availability unavailable(String reason, Throwable cause) {
        return new Availability(false, reason, Optional.ofNullable(cause));
    }
}
