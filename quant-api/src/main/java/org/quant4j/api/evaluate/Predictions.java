package org.quant4j.api.evaluate;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Top-k predictions of a classifier for N samples, with the true labels and the softmax
 * probability of the top-1 class (for calibration-error statistics).
 *
 * <p>A sample whose class scores held NaN or infinity has no prediction: its k ranked classes are
 * {@link #NO_PREDICTION} and its confidence is NaN ({@link ClassScores#predict}). It counts in
 * {@link #size()} and as wrong in every accuracy, so a model that overflows on some inputs is not
 * credited for the samples it could not score; {@link #nonFinite()} says how many there were.
 */
public final class Predictions {

    /** The class of a sample that has no prediction: its scores were not all finite. */
    public static final int NO_PREDICTION = -1;

    private final int k;
    private final int[] labels;
    private final int[] topK;
    private final float[] confidence;
    private final int nonFinite;

    /**
     * @param k          predictions kept per sample
     * @param labels     true label per sample
     * @param topK       {@code N * k} class indices, best first for each sample
     * @param confidence softmax probability of the best class per sample
     */
    public Predictions(int k, int[] labels, int[] topK, float[] confidence) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be > 0, got " + k);
        }
        if ((long) labels.length * k != topK.length || labels.length != confidence.length) {
            throw new IllegalArgumentException("Inconsistent sizes: " + labels.length + " labels, " + topK.length
                    + " top-k entries for k=" + k + ", " + confidence.length + " confidences");
        }
        int nonFinite = 0;
        for (int i = 0; i < labels.length; i++) {
            boolean predicted = topK[i * k] != NO_PREDICTION;
            for (int r = 0; r < k; r++) {
                if ((topK[i * k + r] != NO_PREDICTION) != predicted || topK[i * k + r] < NO_PREDICTION) {
                    throw new IllegalArgumentException("Sample " + i + " ranks classes "
                            + Arrays.toString(Arrays.copyOfRange(topK, i * k, i * k + k))
                            + ": give k class indices >= 0, or k times NO_PREDICTION for a sample without one");
                }
            }
            if (!predicted) {
                nonFinite++;
            }
        }
        this.nonFinite = nonFinite;
        this.k = k;
        this.labels = labels.clone();
        this.topK = topK.clone();
        this.confidence = confidence.clone();
    }

    /**
     * Number of samples, with or without a prediction.
     *
     * @return the sample count N
     */
    public int size() {
        return labels.length;
    }

    /**
     * Samples without a prediction because their scores held NaN or infinity; they count as wrong.
     *
     * @return the count of samples without a prediction
     */
    public int nonFinite() {
        return nonFinite;
    }

    /**
     * Whether sample {@code i} has a prediction (its scores were all finite).
     *
     * @param i the sample, from 0 to {@code size() - 1}
     * @return false when it has {@link #NO_PREDICTION}
     */
    public boolean hasPrediction(int i) {
        return topK[i * k] != NO_PREDICTION;
    }

    /**
     * Number of ranked classes kept per sample.
     *
     * @return k, &gt; 0
     */
    public int k() {
        return k;
    }

    /**
     * The true label of sample {@code i}.
     *
     * @param i the sample, from 0 to {@code size() - 1}
     * @return its class index
     */
    public int label(int i) {
        return labels[i];
    }

    /**
     * The best class of sample {@code i}, or {@link #NO_PREDICTION}.
     *
     * @param i the sample, from 0 to {@code size() - 1}
     * @return the class index
     */
    public int top1(int i) {
        return topK[i * k];
    }

    /**
     * The {@code rank}-th best class of sample {@code i} (0 = best).
     *
     * @param i the sample, from 0 to {@code size() - 1}
     * @param rank the rank, from 0 to {@code k() - 1}
     * @return the class index, or {@link #NO_PREDICTION}
     */
    public int ranked(int i, int rank) {
        return topK[i * k + rank];
    }

    /**
     * The softmax probability of the best class of sample {@code i}.
     *
     * @param i the sample, from 0 to {@code size() - 1}
     * @return a probability in [0, 1], or NaN when the sample has no prediction
     */
    public float confidence(int i) {
        return confidence[i];
    }

    /**
     * The true label of every sample.
     *
     * @return a copy of the labels, in sample order
     */
    public int[] labels() {
        return labels.clone();
    }

    /**
     * Best class per sample.
     *
     * @return a new array of the best class per sample, {@link #NO_PREDICTION} where there is none
     */
    public int[] top1() {
        int[] t = new int[labels.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = top1(i);
        }
        return t;
    }

    /**
     * Fraction of samples whose label is among the best {@code n} classes ({@code n <= k}); samples
     * without a prediction count as wrong.
     *
     * @param n how many of the best classes count, from 1 to {@link #k()}
     * @return the fraction in [0, 1]; NaN when there are no samples
     * @throws IllegalArgumentException when {@code n} is outside 1..k
     */
    public double topAccuracy(int n) {
        if (n <= 0 || n > k) {
            throw new IllegalArgumentException("Top-" + n + " accuracy needs 1 <= n <= k=" + k);
        }
        if (labels.length == 0) {
            return Double.NaN;
        }
        int hits = 0;
        for (int i = 0; i < labels.length; i++) {
            for (int r = 0; r < n; r++) {
                if (topK[i * k + r] == labels[i]) {
                    hits++;
                    break;
                }
            }
        }
        return (double) hits / labels.length;
    }

    /**
     * The metrics every evaluator reports: {@code top1}, {@code topK} when {@code k > 1},
     * {@code samples} and {@code nonFinite}, in that order.
     *
     * @return metric name to value (accuracies as fractions, counts as numbers), in a new map
     */
    public Map<String, Double> metrics() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("top1", topAccuracy(1));
        if (k > 1) {
            metrics.put("top" + k, topAccuracy(k));
        }
        metrics.put("samples", (double) size());
        metrics.put("nonFinite", (double) nonFinite);
        return metrics;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Predictions p && k == p.k && Arrays.equals(labels, p.labels)
                && Arrays.equals(topK, p.topK) && Arrays.equals(confidence, p.confidence);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(topK) + Arrays.hashCode(labels);
    }
}
