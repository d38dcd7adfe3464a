package org.quant4j.calibration.stats;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.quant4j.api.TensorRange;

/**
 * Quantization statistics of one tensor over the calibration data: count of finite and non-finite
 * values, minimum, maximum, mean, population standard deviation, the histogram of {@code |x|} and
 * the range each requested calibration method chose. Immutable.
 *
 * <p>When no finite value was observed, {@link #min()}, {@link #max()}, {@link #mean()} and
 * {@link #std()} are NaN and {@link #ranges()} is empty.
 */
public final class TensorStatistics {

    private final String name;
    private final long count;
    private final long nonFiniteCount;
    private final double min;
    private final double max;
    private final double mean;
    private final double std;
    private final double histogramBinWidth;
    private final long[] histogramCounts;
    private final Map<String, TensorRange> ranges;

    private TensorStatistics(Builder b) {
        this.name = b.name;
        this.count = b.count;
        this.nonFiniteCount = b.nonFiniteCount;
        this.min = b.min;
        this.max = b.max;
        this.mean = b.mean;
        this.std = b.std;
        this.histogramBinWidth = b.histogramBinWidth;
        this.histogramCounts = b.histogramCounts.clone();
        this.ranges = Collections.unmodifiableMap(new LinkedHashMap<>(b.ranges));
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The tensor's name. */
    public String name() {
        return name;
    }

    /** Number of finite values observed. */
    public long count() {
        return count;
    }

    /** Number of NaN or infinite values skipped. */
    public long nonFiniteCount() {
        return nonFiniteCount;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public double mean() {
        return mean;
    }

    /** Population standard deviation (divides by the count, as numpy's default). */
    public double std() {
        return std;
    }

    /** Width of each bin of the {@code |x|} histogram; 0 when no non-zero value was seen. */
    public double histogramBinWidth() {
        return histogramBinWidth;
    }

    /** Counts of the {@code |x|} histogram, bin {@code k} covering {@code [k, k + 1) * binWidth}. */
    public long[] histogramCounts() {
        return histogramCounts.clone();
    }

    /** Range chosen by each calibration method, keyed by method id, in the order requested. */
    public Map<String, TensorRange> ranges() {
        return ranges;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorStatistics t && name.equals(t.name) && count == t.count
                && nonFiniteCount == t.nonFiniteCount && Double.compare(min, t.min) == 0
                && Double.compare(max, t.max) == 0 && Double.compare(mean, t.mean) == 0
                && Double.compare(std, t.std) == 0 && Double.compare(histogramBinWidth, t.histogramBinWidth) == 0
                && Arrays.equals(histogramCounts, t.histogramCounts) && ranges.equals(t.ranges);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, count, nonFiniteCount, min, max, mean, std, histogramBinWidth,
                Arrays.hashCode(histogramCounts), ranges);
    }

    @Override
    public String toString() {
        return "TensorStatistics[" + name + ", count=" + count + ", nonFinite=" + nonFiniteCount + ", min=" + min
                + ", max=" + max + ", mean=" + mean + ", std=" + std + ", ranges=" + ranges + "]";
    }

    /** Builder of {@link TensorStatistics}; {@link #build()} checks consistency. */
    public static final class Builder {
        private final String name;
        private long count;
        private long nonFiniteCount;
        private double min = Double.NaN;
        private double max = Double.NaN;
        private double mean = Double.NaN;
        private double std = Double.NaN;
        private double histogramBinWidth;
        private long[] histogramCounts = new long[0];
        private final Map<String, TensorRange> ranges = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder count(long count) {
            this.count = count;
            return this;
        }

        public Builder nonFiniteCount(long nonFiniteCount) {
            this.nonFiniteCount = nonFiniteCount;
            return this;
        }

        /** Minimum, maximum, mean and population standard deviation of the finite values. */
        public Builder moments(double min, double max, double mean, double std) {
            this.min = min;
            this.max = max;
            this.mean = mean;
            this.std = std;
            return this;
        }

        public Builder histogram(double binWidth, long[] counts) {
            this.histogramBinWidth = binWidth;
            this.histogramCounts = counts.clone();
            return this;
        }

        /** Adds the range chosen by calibration method {@code method}. */
        public Builder range(String method, TensorRange range) {
            ranges.put(Objects.requireNonNull(method, "method"), Objects.requireNonNull(range, "range"));
            return this;
        }

        public TensorStatistics build() {
            if (count < 0 || nonFiniteCount < 0) {
                throw new IllegalArgumentException("Counts of tensor '" + name + "' must be >= 0, got count=" + count
                        + ", nonFinite=" + nonFiniteCount);
            }
            if (!(histogramBinWidth >= 0) || Double.isInfinite(histogramBinWidth)) {
                throw new IllegalArgumentException("Histogram bin width of tensor '" + name
                        + "' must be finite and >= 0, got " + histogramBinWidth);
            }
            if (count > 0 && !(min <= mean && mean <= max && std >= 0)) {
                throw new IllegalArgumentException("Tensor '" + name + "' needs min <= mean <= max and std >= 0, got min="
                        + min + ", mean=" + mean + ", max=" + max + ", std=" + std);
            }
            return new TensorStatistics(this);
        }
    }
}
