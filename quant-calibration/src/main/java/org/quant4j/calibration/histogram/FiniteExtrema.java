package org.quant4j.calibration.histogram;

import java.util.Objects;

/**
 * Smallest and largest finite value of a batch, with the number of finite and non-finite (NaN,
 * infinite) values, found in one pass. When {@link #finiteCount()} is 0, {@code min} is
 * {@code +Infinity} and {@code max} is {@code -Infinity}, the identities of min and max, so
 * results can be merged with {@link Math#min}/{@link Math#max} without special cases.
 *
 * @param min            smallest finite value ({@code -0.0} is reported as {@code 0.0})
 * @param max            largest finite value
 * @param finiteCount    number of finite values
 * @param nonFiniteCount number of NaN or infinite values
 */
public record FiniteExtrema(float min, float max, long finiteCount, long nonFiniteCount) {

    /** Largest absolute finite value, 0 when there is none. */
    public double maxAbs() {
        return finiteCount == 0 ? 0.0 : Math.max(Math.abs((double) min), Math.abs((double) max));
    }

    /**
     * The extremes of two disjoint parts of the values as one: {@code of} applied to the parts
     * joined gives the same record.
     *
     * @param other the extremes of the other part
     * @return the combined extremes and counts
     */
    public FiniteExtrema combine(FiniteExtrema other) {
        return new FiniteExtrema(Math.min(min, other.min), Math.max(max, other.max), finiteCount + other.finiteCount,
                nonFiniteCount + other.nonFiniteCount);
    }

    /** Scans {@code length} values of {@code values} from {@code offset}. */
    public static FiniteExtrema of(float[] values, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, values.length);
        if (length == 0) {
            return new FiniteExtrema(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0, 0);
        }
        // Math.min/max on floats propagate NaN and the JIT vectorizes them, so one branch-free
        // pass finds the extremes and tells whether the batch holds any NaN or infinity at all.
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            float x = values[i];
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        if (min >= -Float.MAX_VALUE && max <= Float.MAX_VALUE) {
            return new FiniteExtrema(min + 0.0f, max + 0.0f, length, 0);
        }
        return scanSkippingNonFinite(values, offset, end);
    }

    private static FiniteExtrema scanSkippingNonFinite(float[] values, int from, int to) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        long nonFinite = 0;
        for (int i = from; i < to; i++) {
            float v = values[i];
            if (Math.abs(v) <= Float.MAX_VALUE) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            } else {
                nonFinite++;
            }
        }
        long finite = (to - from) - nonFinite;
        if (finite == 0) {
            return new FiniteExtrema(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0, nonFinite);
        }
        // Adding +0.0 turns -0.0 into +0.0 and leaves every other value unchanged.
        return new FiniteExtrema(min + 0.0f, max + 0.0f, finite, nonFinite);
    }
}
