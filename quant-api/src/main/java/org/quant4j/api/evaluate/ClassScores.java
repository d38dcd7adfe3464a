package org.quant4j.api.evaluate;

import java.util.Arrays;

/**
 * What every evaluator does with one sample's class scores: rank the top k and take the softmax
 * probability of the best, the same way on every backend so their {@link Predictions} compare.
 */
public final class ClassScores {

    private ClassScores() {
    }

    /**
     * Scores one sample: writes its {@code k} best classes at {@code offset} and returns the
     * probability of the best, the value itself when {@code probabilities} (a Softmax output), else
     * its softmax. A row holding NaN or infinity is no prediction: {@code k} times
     * {@link Predictions#NO_PREDICTION}, and NaN.
     *
     * @param row the sample's class scores (logits or probabilities), one per class
     * @param k how many classes to rank, at most {@code row.length}
     * @param probabilities true when {@code row} already holds probabilities
     * @param out receives the {@code k} class indices, best first
     * @param offset where in {@code out} the first is written
     * @return the probability of the best class in [0, 1], or NaN for a non-finite row
     */
    public static float predict(float[] row, int k, boolean probabilities, int[] out, int offset) {
        if (!allFinite(row)) {
            Arrays.fill(out, offset, offset + k, Predictions.NO_PREDICTION);
            return Float.NaN;
        }
        rankTopK(row, k, out, offset);
        int best = out[offset];
        return probabilities ? row[best] : softmaxOf(row, best);
    }

    /**
     * Whether every value of {@code row} is finite (no NaN, no infinity).
     *
     * @param row the values
     * @return true when none is NaN or infinite (also for an empty row)
     */
    public static boolean allFinite(float[] row) {
        for (float v : row) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes the indices of the {@code k} largest values, best first (lower index on ties, NaN last), at {@code offset}.
     *
     * @param row the class scores
     * @param k how many classes to rank, at most {@code row.length}
     * @param out receives the class indices, best first
     * @param offset where in {@code out} the first is written
     */
    public static void rankTopK(float[] row, int k, int[] out, int offset) {
        for (int r = 0; r < k; r++) {
            int best = -1;
            for (int c = 0; c < row.length; c++) {
                if (isRanked(out, offset, r, c)) {
                    continue;
                }
                if (best < 0 || row[c] > row[best] || (Float.isNaN(row[best]) && !Float.isNaN(row[c]))) {
                    best = c;
                }
            }
            out[offset + r] = best;
        }
    }

    private static boolean isRanked(int[] out, int offset, int ranked, int c) {
        for (int i = 0; i < ranked; i++) {
            if (out[offset + i] == c) {
                return true;
            }
        }
        return false;
    }

    /**
     * Softmax probability of class {@code index}: {@code 1 / sum_j exp(x_j - x_index)}, computed stably.
     *
     * @param row the logits
     * @param index the class, from 0 to {@code row.length - 1}
     * @return its probability in [0, 1]
     */
    public static float softmaxOf(float[] row, int index) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : row) {
            sum += Math.exp(v - max);
        }
        return (float) (Math.exp(row[index] - max) / sum);
    }
}
