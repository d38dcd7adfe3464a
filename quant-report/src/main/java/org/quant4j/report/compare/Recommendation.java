package org.quant4j.report.compare;

import java.util.Objects;
import java.util.Optional;

/**
 * One recommendation or warning derived from the measured numbers of a comparison.
 *
 * @param kind   what it is about
 * @param method the method it names; empty when it names none
 * @param text   the recommendation in words, quoting the numbers it rests on
 */
public record Recommendation(Kind kind, Optional<String> method, String text) {

    /** Kinds of recommendation, in the order a report lists them. */
    public enum Kind {
        /** The method to deploy: the fastest whose accuracy loss is within tolerance. */
        DEPLOY,
        /** The smallest model whose accuracy loss is within tolerance. */
        SMALLEST,
        /** No quantized method is within tolerance; names the most accurate one. */
        NONE_WITHIN_TOLERANCE,
        /** A method was left out of the speed ranking because its throughput was not measured. */
        NOT_RANKED,
        /** McNemar's test finds a significant difference from the reference. */
        SIGNIFICANT_DIFFERENCE
    }

    public Recommendation {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(text, "text");
    }

    /** True for warnings rather than advice. */
    public boolean isWarning() {
        return kind == Kind.SIGNIFICANT_DIFFERENCE || kind == Kind.NONE_WITHIN_TOLERANCE;
    }
}
