package org.quant4j.report.stats;

import java.util.Objects;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.evaluate.Predictions;
import org.quant4j.api.stats.ConfidenceInterval;

/**
 * A candidate model compared with the reference (FP32) model on the same samples.
 *
 * @param agreement  fraction of samples whose top-1 class is the same for both models
 * @param difference candidate accuracy minus reference accuracy, with its paired bootstrap interval
 * @param mcnemar    McNemar's exact test on the samples exactly one of the two gets right
 */
public record PairedComparison(double agreement, ConfidenceInterval difference, McNemarTest mcnemar) {

    public PairedComparison {
        if (!(agreement >= 0 && agreement <= 1)) {
            throw new InvalidInputException("Top-1 agreement must be in [0, 1], got " + agreement);
        }
        Objects.requireNonNull(difference, "difference");
        Objects.requireNonNull(mcnemar, "mcnemar");
    }

    /** Computes agreement, the paired difference interval and McNemar's test. */
    public static PairedComparison of(Predictions reference, Predictions candidate, StatisticsOptions options) {
        return new PairedComparison(top1Agreement(reference, candidate),
                new Bootstrap(options).accuracyDifference(reference, candidate),
                McNemarTest.compare(reference, candidate));
    }

    /**
     * Fraction of samples on which both prediction sets have the same top-1 class; a sample without
     * a prediction never agrees.
     */
    public static double top1Agreement(Predictions reference, Predictions candidate) {
        SamePairs.require(reference, candidate);
        if (reference.size() == 0) {
            throw new InvalidInputException("Top-1 agreement of zero samples is undefined: evaluate at least one sample");
        }
        int same = 0;
        for (int i = 0; i < reference.size(); i++) {
            if (reference.hasPrediction(i) && reference.top1(i) == candidate.top1(i)) {
                same++;
            }
        }
        return (double) same / reference.size();
    }
}
