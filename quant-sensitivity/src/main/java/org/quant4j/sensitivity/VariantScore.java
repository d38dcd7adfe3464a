package org.quant4j.sensitivity;

import java.util.Objects;

import org.quant4j.api.stats.ConfidenceInterval;

/**
 * The metric drop of one model variant against the float model, with its paired bootstrap interval,
 * on the first {@code samples} samples of the seeded evaluation order, and how it compares with the
 * tolerance.
 *
 * @param drop    the drop of the metric (top-1 accuracy, or argmax agreement with the float model);
 *                positive is worse
 * @param samples samples the variant was evaluated on (fewer than the data when it stopped early)
 * @param verdict the interval against the tolerance
 */
public record VariantScore(ConfidenceInterval drop, int samples, Verdict verdict) {

    /** Where a drop's interval lies against the tolerance. */
    public enum Verdict {
        /** The whole interval is at or below the tolerance. */
        WITHIN,
        /** The whole interval is above the tolerance. */
        BEYOND,
        /** The interval straddles the tolerance on every sample there was. */
        UNDECIDED
    }

    public VariantScore {
        Objects.requireNonNull(drop, "drop");
        Objects.requireNonNull(verdict, "verdict");
    }

    /** The verdict of {@code drop} against {@code tolerance}. */
    static Verdict verdict(ConfidenceInterval drop, double tolerance) {
        if (drop.upper() <= tolerance) {
            return Verdict.WITHIN;
        }
        return drop.lower() > tolerance ? Verdict.BEYOND : Verdict.UNDECIDED;
    }
}
