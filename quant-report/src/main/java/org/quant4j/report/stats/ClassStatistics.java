package org.quant4j.report.stats;

/**
 * One class's row of a confusion matrix, summarised. Rates whose denominator is zero (a class
 * never predicted, or absent from the data) are {@link Double#NaN}.
 *
 * @param name           class name
 * @param support        samples whose true label is this class
 * @param predicted      samples predicted as this class
 * @param truePositives  samples of this class predicted as this class
 */
public record ClassStatistics(String name, int support, int predicted, int truePositives) {

    /** True positives over predicted: how often a prediction of this class is right. */
    public double precision() {
        return ratio(truePositives, predicted);
    }

    /** True positives over support: the fraction of this class found. */
    public double recall() {
        return ratio(truePositives, support);
    }

    /** Per-class accuracy, the fraction of this class's samples classified correctly (= recall). */
    public double accuracy() {
        return recall();
    }

    /** Harmonic mean of precision and recall; 0 when both are 0, NaN when either is undefined. */
    public double f1() {
        double p = precision();
        double r = recall();
        if (Double.isNaN(p) || Double.isNaN(r)) {
            return Double.NaN;
        }
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    private static double ratio(int numerator, int denominator) {
        return denominator == 0 ? Double.NaN : (double) numerator / denominator;
    }
}
