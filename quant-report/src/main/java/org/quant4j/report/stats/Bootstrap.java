package org.quant4j.report.stats;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.evaluate.Predictions;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.api.stats.PercentileBootstrap;

/**
 * Percentile-method bootstrap confidence intervals ({@link PercentileBootstrap}) of top-1 accuracy
 * and of the paired accuracy difference between two models evaluated on the same samples, seeded
 * with {@link StatisticsOptions#seed()}, so the same seed gives the same interval on every machine.
 * The paired interval resamples the same indices for both models, which keeps the correlation
 * between their errors (the interval is much narrower than that of two independent accuracies).
 * Memory is one byte and one int per sample plus one double per resample.
 */
public final class Bootstrap {

    private final PercentileBootstrap bootstrap;

    public Bootstrap(StatisticsOptions options) {
        this.bootstrap = new PercentileBootstrap(options.bootstrapResamples(), options.confidenceLevel(),
                options.seed());
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
        if (score.length == 0) {
            throw new InvalidInputException("Cannot bootstrap the " + what + " of zero samples: evaluate at least one sample");
        }
        return bootstrap.interval(score.length, indices -> {
            long sum = 0;
            for (int i : indices) {
                sum += score[i];
            }
            return (double) sum / indices.length;
        });
    }
}
