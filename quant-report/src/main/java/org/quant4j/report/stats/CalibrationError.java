package org.quant4j.report.stats;

import java.util.ArrayList;
import java.util.List;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.evaluate.Predictions;

/**
 * Expected calibration error (Naeini et al., 2015; Guo et al., 2017) of the top-1 confidence:
 * samples are put into equal-width confidence bins {@code ((m-1)/M, m/M]}, and
 * {@code ECE = sum_m (n_m / N) * |accuracy_m - meanConfidence_m|}. The bins are kept as a
 * reliability diagram.
 */
public final class CalibrationError {

    /** Softmax outputs may exceed 1 or fall below 0 by float rounding; beyond this it is a bug upstream. */
    private static final double ROUNDING_SLACK = 1e-4;

    private final List<ReliabilityBin> bins;
    private final double expected;

    /** An error from stored bins, e.g. read back from a results file. */
    public CalibrationError(List<ReliabilityBin> bins) {
        if (bins.isEmpty()) {
            throw new InvalidInputException("Calibration error needs at least one bin");
        }
        this.bins = List.copyOf(bins);
        long total = 0;
        for (ReliabilityBin b : bins) {
            total += b.count();
        }
        double sum = 0;
        for (ReliabilityBin b : bins) {
            if (b.count() > 0) {
                sum += (double) b.count() / total * Math.abs(b.accuracy() - b.meanConfidence());
            }
        }
        this.expected = total == 0 ? Double.NaN : sum;
    }

    /**
     * Bins the top-1 confidences of {@code predictions} into {@code binCount} equal-width bins.
     *
     * @throws InvalidInputException when a confidence is NaN or outside [0, 1]
     */
    public static CalibrationError of(Predictions predictions, int binCount) {
        if (binCount < 1) {
            throw new InvalidInputException("Calibration error needs >= 1 bin, got " + binCount);
        }
        int[] count = new int[binCount];
        int[] correct = new int[binCount];
        double[] confidenceSum = new double[binCount];
        for (int i = 0; i < predictions.size(); i++) {
            if (!predictions.hasPrediction(i)) {
                // Scores with NaN or infinity give no confidence to bin; the accuracies count the sample as wrong.
                continue;
            }
            double confidence = predictions.confidence(i);
            if (!(confidence >= -ROUNDING_SLACK && confidence <= 1 + ROUNDING_SLACK)) {
                throw new InvalidInputException("Sample " + i + " has top-1 confidence " + confidence
                        + ": expected a softmax probability in [0, 1]. Apply softmax to the logits before evaluating");
            }
            confidence = Math.min(1, Math.max(0, confidence));
            int bin = Math.min(binCount - 1, Math.max(0, (int) Math.ceil(confidence * binCount) - 1));
            count[bin]++;
            confidenceSum[bin] += confidence;
            if (predictions.top1(i) == predictions.label(i)) {
                correct[bin]++;
            }
        }
        List<ReliabilityBin> bins = new ArrayList<>(binCount);
        for (int m = 0; m < binCount; m++) {
            bins.add(new ReliabilityBin((double) m / binCount, (double) (m + 1) / binCount, count[m], correct[m],
                    count[m] == 0 ? 0 : confidenceSum[m] / count[m]));
        }
        return new CalibrationError(bins);
    }

    /** The expected calibration error, in [0, 1]; NaN for zero samples. */
    public double expected() {
        return expected;
    }

    /** The bins, lowest confidence first. */
    public List<ReliabilityBin> bins() {
        return bins;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CalibrationError e && bins.equals(e.bins);
    }

    @Override
    public int hashCode() {
        return bins.hashCode();
    }

    @Override
    public String toString() {
        return "CalibrationError[ece=" + expected + ", bins=" + bins.size() + "]";
    }
}
