package org.quant4j.api.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.quant4j.api.InvalidInputException;

/**
 * Percentile-method bootstrap confidence intervals of statistics over N samples.
 *
 * <p>Each resample draws N sample indices with replacement from a {@link SplittableRandom} seeded
 * with the seed, so the same seed gives the same interval on every machine; every statistic of one
 * call is computed on the same resamples (paired). The estimate is the statistic on the observed
 * samples, in order. Bounds are the type-7 {@link Quantiles} at {@code (1 - level) / 2} and
 * {@code (1 + level) / 2} of the resampled statistics. Memory is one int per sample plus one double
 * per resample and statistic; the per-sample values belong to the statistics.
 */
public final class PercentileBootstrap {

    /** A statistic of the samples at {@code indices} (an index may repeat). */
    @FunctionalInterface
    public interface Statistic {
        /**
         * The statistic's value on one resample.
         *
         * @param indices the samples drawn, N of them, an index possibly repeated
         * @return the value; NaN when the statistic is undefined on these samples
         */
        double of(int[] indices);
    }

    private final int resamples;
    private final double level;
    private final long seed;

    /**
     * @throws InvalidInputException when {@code resamples} is below 1 or {@code level} is outside (0, 1)
     * @param resamples resamples drawn, at least 1
     * @param level     two-sided coverage, in (0, 1)
     * @param seed      seed of the resampling
     */
    public PercentileBootstrap(int resamples, double level, long seed) {
        if (resamples < 1) {
            throw new InvalidInputException("Bootstrap resamples must be >= 1, got " + resamples + "; use e.g. 1000");
        }
        if (!(level > 0 && level < 1)) {
            throw new InvalidInputException("Confidence level must be in (0, 1), got " + level + "; use e.g. 0.95");
        }
        this.resamples = resamples;
        this.level = level;
        this.seed = seed;
    }

    /**
     * The interval of one statistic over {@code n} samples.
     *
     * @param n the number of samples, &gt; 0
     * @param statistic the statistic of a resample's indices
     * @return its estimate on the observed samples and its interval
     * @throws InvalidInputException when {@code n} is 0
     */
    public ConfidenceInterval interval(int n, Statistic statistic) {
        return intervals(n, List.of(statistic)).get(0);
    }

    /**
     * The intervals of {@code statistics} over {@code n} samples, all on the same resamples.
     *
     * @param n the number of samples, &gt; 0
     * @param statistics the statistics to compute on each resample
     * @return one interval per statistic, in the same order
     * @throws InvalidInputException when {@code n} is 0
     */
    public List<ConfidenceInterval> intervals(int n, List<Statistic> statistics) {
        if (n <= 0) {
            throw new InvalidInputException("Cannot bootstrap a statistic of zero samples: give at least one sample");
        }
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            indices[i] = i;
        }
        double[] estimates = new double[statistics.size()];
        for (int s = 0; s < estimates.length; s++) {
            estimates[s] = statistics.get(s).of(indices);
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[][] resampled = new double[statistics.size()][resamples];
        for (int b = 0; b < resamples; b++) {
            for (int i = 0; i < n; i++) {
                indices[i] = random.nextInt(n);
            }
            for (int s = 0; s < estimates.length; s++) {
                resampled[s][b] = statistics.get(s).of(indices);
            }
        }
        double alpha = 1 - level;
        List<ConfidenceInterval> out = new ArrayList<>(estimates.length);
        for (int s = 0; s < estimates.length; s++) {
            double[] sorted = resampled[s];
            Arrays.sort(sorted);
            out.add(new ConfidenceInterval(estimates[s], Quantiles.ofSorted(sorted, alpha / 2),
                    Quantiles.ofSorted(sorted, 1 - alpha / 2), level));
        }
        return out;
    }

    /**
     * The mean of {@code values} over the samples.
     *
     * @param values one value per sample
     * @return the statistic
     */
    public static Statistic mean(double[] values) {
        return indices -> {
            double sum = 0;
            for (int i : indices) {
                sum += values[i];
            }
            return sum / indices.length;
        };
    }

    /**
     * {@code sum(numerator) / sum(denominator)} over the samples, e.g. a pooled mean.
     *
     * @param numerator one value per sample
     * @param denominator one value per sample; a resample whose sum is 0 gives NaN or infinity
     * @return the statistic
     */
    public static Statistic ratio(double[] numerator, double[] denominator) {
        return indices -> {
            double num = 0;
            double den = 0;
            for (int i : indices) {
                num += numerator[i];
                den += denominator[i];
            }
            return num / den;
        };
    }

    /**
     * The largest of {@code values} over the samples.
     *
     * @param values one value per sample
     * @return the statistic
     */
    public static Statistic max(double[] values) {
        return indices -> {
            double max = Double.NEGATIVE_INFINITY;
            for (int i : indices) {
                max = Math.max(max, values[i]);
            }
            return max;
        };
    }
}
