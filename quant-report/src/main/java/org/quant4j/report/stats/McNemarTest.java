package org.quant4j.report.stats;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.evaluate.Predictions;

/**
 * McNemar's exact test of whether two classifiers evaluated on the same samples have the same
 * error rate. Only the discordant pairs matter: {@code b} samples the reference classifies
 * correctly and the candidate does not, {@code c} the reverse. Under the null hypothesis
 * {@code b ~ Binomial(b + c, 1/2)}, and the two-sided p-value is
 * {@code min(1, 2 * sum_{i <= min(b, c)} C(b + c, i) / 2^(b + c))}.
 *
 * @param b      samples only the reference gets right
 * @param c      samples only the candidate gets right
 * @param pValue two-sided exact p-value
 */
public record McNemarTest(int b, int c, double pValue) {

    public McNemarTest {
        if (b < 0 || c < 0) {
            throw new InvalidInputException("McNemar counts must be >= 0, got b=" + b + ", c=" + c);
        }
        if (!(pValue >= 0 && pValue <= 1)) {
            throw new InvalidInputException("McNemar p-value must be in [0, 1], got " + pValue);
        }
    }

    /** The exact test on discordant counts {@code b} and {@code c}. */
    public static McNemarTest exact(int b, int c) {
        if (b < 0 || c < 0) {
            throw new InvalidInputException("McNemar counts must be >= 0, got b=" + b + ", c=" + c);
        }
        return new McNemarTest(b, c, exactPValue(b, c));
    }

    /**
     * Counts the discordant pairs of two prediction sets on the same samples and tests them.
     *
     * @throws InvalidInputException when the two do not hold the same samples in the same order
     */
    public static McNemarTest compare(Predictions reference, Predictions candidate) {
        SamePairs.require(reference, candidate);
        int b = 0;
        int c = 0;
        for (int i = 0; i < reference.size(); i++) {
            int label = reference.label(i);
            boolean referenceRight = reference.top1(i) == label;
            boolean candidateRight = candidate.top1(i) == label;
            if (referenceRight && !candidateRight) {
                b++;
            } else if (candidateRight && !referenceRight) {
                c++;
            }
        }
        return exact(b, c);
    }

    private static double exactPValue(int b, int c) {
        long n = (long) b + c;
        int m = Math.min(b, c);
        if (2L * m >= n) {
            // b == c: the lower tail alone already holds at least half the mass.
            return 1.0;
        }
        // log C(n, m), the largest term of the tail because m < n / 2.
        double logLargest = 0;
        for (int i = 0; i < m; i++) {
            logLargest += Math.log((double) (n - i)) - Math.log(i + 1.0);
        }
        // Sum the tail relative to its largest term, walking down with C(n, i-1) / C(n, i) = i / (n - i + 1),
        // so nothing overflows or underflows however large n is.
        double relativeSum = 1;
        double term = 1;
        for (int i = m; i >= 1; i--) {
            term *= i / (double) (n - i + 1);
            relativeSum += term;
            if (term < 1e-17 * relativeSum) {
                break;
            }
        }
        double logP = Math.log(2) + logLargest + Math.log(relativeSum) - n * Math.log(2);
        return Math.min(1.0, Math.exp(logP));
    }
}
