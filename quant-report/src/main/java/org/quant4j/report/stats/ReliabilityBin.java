package org.quant4j.report.stats;

/**
 * One confidence bin of a reliability diagram: the samples whose top-1 confidence lies in
 * {@code (lower, upper]} (the first bin also holds confidence 0).
 *
 * @param lower          lower edge of the bin
 * @param upper          upper edge of the bin
 * @param count          samples in the bin
 * @param correct        of those, samples whose top-1 class is right
 * @param meanConfidence mean top-1 confidence of the samples in the bin; 0 when empty
 */
public record ReliabilityBin(double lower, double upper, int count, int correct, double meanConfidence) {

    /** Fraction of the bin's samples classified correctly; NaN when empty. */
    public double accuracy() {
        return count == 0 ? Double.NaN : (double) correct / count;
    }
}
