package org.quant4j.report.compare;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The outcome of one acceptance target, with a sentence that says plainly whether it was met.
 *
 * @param kind      which target
 * @param target    the target in words, e.g. "top-1 drop versus FP32 at most 1.00 pp"
 * @param method    the method it was checked on; empty when no method qualified
 * @param measured  the measured value in the target's unit (a fraction for the top-1 drop, a ratio otherwise)
 * @param required  the threshold, in the same unit
 * @param status    met, missed, or not measured
 * @param statement one plain sentence, starting with "Met:", "MISSED:" or "Not checked:"
 */
public record TargetCheck(Kind kind, String target, Optional<String> method, OptionalDouble measured,
                          double required, Status status, String statement) {

    /** The acceptance targets quant4j checks. */
    public enum Kind {
        /** Top-1 accuracy lost against the reference, at most the threshold (a fraction). */
        TOP1_DROP,
        /** Throughput at batch 32 relative to the reference, at least the threshold. */
        THROUGHPUT_SPEEDUP,
        /** Reference model file size over this model's, at least the threshold. */
        SIZE_REDUCTION
    }

    /** Whether a target was met. */
    public enum Status {
        MET,
        MISSED,
        /** The quantity was not measured or no method qualified, so the target could not be checked. */
        NOT_MEASURED
    }

    public TargetCheck {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(measured, "measured");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(statement, "statement");
    }

    public boolean missed() {
        return status == Status.MISSED;
    }
}
