package org.quant4j.report.stats;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.evaluate.Predictions;
import org.quant4j.api.stats.ConfidenceInterval;

/**
 * Every accuracy statistic of one model on one labelled dataset: classification statistics, the
 * bootstrap interval of top-1 accuracy, the calibration error and, unless this is the reference
 * itself, the paired comparison with the reference model. Holds counts only, never the
 * predictions, so a comparison of many models stays small.
 *
 * @param classification   top-1/top-5 accuracy, confusion matrix and per-class statistics
 * @param top1             top-1 accuracy with its bootstrap interval
 * @param calibration      expected calibration error and reliability bins
 * @param versusReference  comparison with the reference model; empty for the reference itself
 */
public record AccuracyStatistics(ClassificationStatistics classification, ConfidenceInterval top1,
                                 CalibrationError calibration, Optional<PairedComparison> versusReference) {

    public AccuracyStatistics {
        Objects.requireNonNull(classification, "classification");
        Objects.requireNonNull(top1, "top1");
        Objects.requireNonNull(calibration, "calibration");
        Objects.requireNonNull(versusReference, "versusReference");
    }

    /** Statistics of the reference model itself (no paired comparison). */
    public static AccuracyStatistics ofReference(Predictions reference, List<String> classNames,
                                                 StatisticsOptions options) {
        return compute(reference, null, classNames, options);
    }

    /**
     * Statistics of {@code candidate}, compared with {@code reference} on the same samples.
     *
     * @throws InvalidInputException when the two do not hold the same samples in the same order
     */
    public static AccuracyStatistics of(Predictions candidate, Predictions reference, List<String> classNames,
                                        StatisticsOptions options) {
        return compute(candidate, Objects.requireNonNull(reference, "reference"), classNames, options);
    }

    private static AccuracyStatistics compute(Predictions predictions, Predictions reference, List<String> classNames,
                                              StatisticsOptions options) {
        if (predictions.size() == 0) {
            throw new InvalidInputException("No predictions to evaluate: the dataset gave zero samples");
        }
        return new AccuracyStatistics(ClassificationStatistics.of(predictions, classNames),
                new Bootstrap(options).accuracy(predictions),
                CalibrationError.of(predictions, options.calibrationBins()),
                reference == null ? Optional.empty() : Optional.of(PairedComparison.of(reference, predictions, options)));
    }
}
