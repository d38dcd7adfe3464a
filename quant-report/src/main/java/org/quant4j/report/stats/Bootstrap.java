package org.quant4j.report.stats;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.evaluate.Predictions;

/**
 * Percentile-method bootstrap confidence intervals of top-1 accuracy and of the paired accuracy
 * difference between two models evaluated on the same samples.
 *
 * <p>Each resample draws N sample indices with replacement from a {@link SplittableRandom} seeded
 * with {@link StatisticsOptions#seed()}, so the same seed gives the same interval on every machine.
 * The paired interval resamples the same indices for both models, which keeps the correlation
 * between their errors (the interval is much narrower than that of two independent accuracies).
 * Bounds are the type-7 {@link Quantiles} at {@code (1 - level) / 2} and {@code (1 + level) / 2}
 * of the resampled statistics. Memory is one byte per sample plus one double per resample.
 */
public final class Bootstrap {

    private final int resamples;
    private final double level;
    private final long seed;

    public Bootstrap(StatisticsOptions options) {
        this.resamples = options.bootstrapResamples();
        this.level = options.confidenceLevel();
        this.seed = options.seed();
    }

    /** Interval of the top-1 accuracy of {@code predictions}. */
    public ConfidenceInterval accuracy(Predictions predictions) {
        byte[] correct = new byte[predictions.size()];
        for (int i = 0; i < correct.length; i++) {
            correct[i] = (byte) (predictions.top1(i) == predictions.label(i) ? 1 : 0);
        }
        return interval(correct, "accuracy");
    }

    /**
     * Interval of {@code accuracy(candidate) - accuracy(reference)}, resampling samples in pairs.
     *
     * @throws InvalidInputException when the two do not hold the same samples in the same order
     */
    public ConfidenceInterval accuracyDifference(Predictions reference, Predictions candidate) {
        SamePairs.require(reference, candidate);
        byte[] delta = new byte[reference.size()];
        for (int i = 0; i < delta.length; i++) {
            int label = reference.label(i);
            delta[i] = (byte) ((candidate.top1(i) == label ? 1 : 0) - (reference.top1(i) == label ? 1 : 0));
        }
        return interval(delta, "accuracy difference");
    }

    /** Bootstrap interval of the mean of per-sample scores in {-1, 0, 1}. */
    private ConfidenceInterval interval(byte[] score, String what) {
        int n = score.length;
        if (n == 0) {
            throw new InvalidInputException("Cannot bootstrap the " + what + " of zero samples: evaluate at least one sample");
        }
        long total = 0;
        for (byte s : score) {
            total += s;
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] statistics = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                sum += score[random.nextInt(n)];
            }
            statistics[b] = (double) sum / n;
        }
        Arrays.sort(statistics);
        double alpha = 1 - level;
        double lower = Quantiles.ofSorted(statistics, alpha / 2);
        double upper = Quantiles.ofSorted(statistics, 1 - alpha / 2);
        return new ConfidenceInterval((double) total / n, lower, upper, level);
    }
}
