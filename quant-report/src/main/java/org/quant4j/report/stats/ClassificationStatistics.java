package org.quant4j.report.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.evaluate.Predictions;

/**
 * Classification statistics of one model: top-1 and top-5 accuracy, the confusion matrix and
 * per-class support, precision, recall (= per-class accuracy) and F1. Computed in one pass over the
 * predictions; the state is the C x C confusion matrix and two counters. A sample without a
 * prediction (its scores held NaN or infinity, {@link Predictions#nonFinite()}) is in no cell of the
 * matrix but counts in {@link #sampleCount()} and as wrong in the accuracies.
 */
public final class ClassificationStatistics {

    private final List<String> classNames;
    private final int[][] confusion;
    private final int sampleCount;
    private final int top5Correct;
    private final int nonFinite;

    private ClassificationStatistics(List<String> classNames, int[][] confusion, int top5Correct, int nonFinite) {
        this.classNames = List.copyOf(classNames);
        this.confusion = confusion;
        int n = 0;
        for (int[] row : confusion) {
            for (int v : row) {
                n += v;
            }
        }
        this.nonFinite = nonFinite;
        this.sampleCount = n + nonFinite;
        this.top5Correct = top5Correct;
    }

    /** Statistics with classes named {@code "0"} to {@code "C-1"}, C being one more than the largest class seen. */
    public static ClassificationStatistics of(Predictions predictions) {
        int max = -1;
        for (int i = 0; i < predictions.size(); i++) {
            max = Math.max(max, Math.max(predictions.label(i), predictions.top1(i)));  // NO_PREDICTION is -1
        }
        return of(predictions, defaultClassNames(max + 1));
    }

    /**
     * Statistics with the given class names; class {@code i} is {@code classNames.get(i)}.
     *
     * @throws InvalidInputException when a label or prediction is not a valid class index
     */
    public static ClassificationStatistics of(Predictions predictions, List<String> classNames) {
        int classes = classNames.size();
        int[][] confusion = new int[classes][classes];
        boolean hasTop5 = predictions.k() >= 5;
        int top5 = 0;
        for (int i = 0; i < predictions.size(); i++) {
            int label = predictions.label(i);
            int predicted = predictions.top1(i);
            requireClass(label, classes, "label", i);
            if (!predictions.hasPrediction(i)) {
                continue;
            }
            requireClass(predicted, classes, "top-1 prediction", i);
            confusion[label][predicted]++;
            if (hasTop5) {
                for (int r = 0; r < 5; r++) {
                    if (predictions.ranked(i, r) == label) {
                        top5++;
                        break;
                    }
                }
            }
        }
        return new ClassificationStatistics(classNames, confusion, hasTop5 ? top5 : -1, predictions.nonFinite());
    }

    /**
     * Statistics from stored counts, e.g. read back from a results file.
     *
     * @param confusion   C x C counts, rows the true class and columns the predicted class
     * @param top5Correct samples with the label among the best five, or -1 when not measured
     */
    public static ClassificationStatistics fromCounts(List<String> classNames, int[][] confusion, int top5Correct) {
        return fromCounts(classNames, confusion, top5Correct, 0);
    }

    /**
     * Statistics from stored counts, with {@code nonFinite} samples that had no prediction.
     *
     * @see #fromCounts(List, int[][], int)
     */
    public static ClassificationStatistics fromCounts(List<String> classNames, int[][] confusion, int top5Correct,
                                                      int nonFinite) {
        if (nonFinite < 0) {
            throw new InvalidInputException("Count of samples without a prediction is negative: " + nonFinite);
        }
        int classes = classNames.size();
        if (confusion.length != classes) {
            throw new InvalidInputException("Confusion matrix has " + confusion.length + " rows but there are "
                    + classes + " class names: give one row and one column per class");
        }
        int[][] copy = new int[classes][];
        for (int r = 0; r < classes; r++) {
            if (confusion[r].length != classes) {
                throw new InvalidInputException("Confusion matrix row " + r + " has " + confusion[r].length
                        + " columns, expected " + classes);
            }
            for (int v : confusion[r]) {
                if (v < 0) {
                    throw new InvalidInputException("Confusion matrix row " + r + " has a negative count " + v);
                }
            }
            copy[r] = confusion[r].clone();
        }
        ClassificationStatistics s = new ClassificationStatistics(classNames, copy, top5Correct, nonFinite);
        if (top5Correct < -1 || top5Correct > s.sampleCount) {
            throw new InvalidInputException("Top-5 correct count " + top5Correct + " is outside [0, "
                    + s.sampleCount + "] (use -1 when top-5 was not measured)");
        }
        return s;
    }

    /** {@code "0"}, {@code "1"}, ... {@code "count-1"}. */
    public static List<String> defaultClassNames(int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(Integer.toString(i));
        }
        return names;
    }

    private static void requireClass(int value, int classes, String what, int sample) {
        if (value < 0 || value >= classes) {
            throw new InvalidInputException("Sample " + sample + " has " + what + " " + value
                    + ", outside the " + classes + " classes [0, " + (classes - 1)
                    + "]: give one class name per class the model can output");
        }
    }

    /** Samples without a prediction because their scores held NaN or infinity; counted as wrong. */
    public int nonFinite() {
        return nonFinite;
    }

    public int sampleCount() {
        return sampleCount;
    }

    public int classCount() {
        return classNames.size();
    }

    public List<String> classNames() {
        return classNames;
    }

    /** Samples whose top-1 prediction is the label. */
    public int top1Correct() {
        int hits = 0;
        for (int c = 0; c < confusion.length; c++) {
            hits += confusion[c][c];
        }
        return hits;
    }

    /** Top-1 accuracy; NaN for zero samples. */
    public double top1() {
        return sampleCount == 0 ? Double.NaN : (double) top1Correct() / sampleCount;
    }

    /** Top-5 accuracy, present when the predictions kept at least five classes per sample. */
    public OptionalDouble top5() {
        return top5Correct < 0 || sampleCount == 0 ? OptionalDouble.empty()
                : OptionalDouble.of((double) top5Correct / sampleCount);
    }

    /** Samples with the label among the best five, or -1 when not measured. */
    public int top5Correct() {
        return top5Correct;
    }

    /** Samples of true class {@code trueClass} predicted as {@code predictedClass}. */
    public int confusion(int trueClass, int predictedClass) {
        return confusion[trueClass][predictedClass];
    }

    /** A copy of the confusion matrix: rows the true class, columns the predicted class. */
    public int[][] confusionMatrix() {
        int[][] copy = new int[confusion.length][];
        for (int r = 0; r < confusion.length; r++) {
            copy[r] = confusion[r].clone();
        }
        return copy;
    }

    /** Support, precision, recall and F1 of class {@code c}. */
    public ClassStatistics forClass(int c) {
        int predicted = 0;
        int support = 0;
        for (int r = 0; r < confusion.length; r++) {
            predicted += confusion[r][c];
            support += confusion[c][r];
        }
        return new ClassStatistics(classNames.get(c), support, predicted, confusion[c][c]);
    }

    /** {@link #forClass(int)} for every class, in class order. */
    public List<ClassStatistics> perClass() {
        List<ClassStatistics> all = new ArrayList<>(confusion.length);
        for (int c = 0; c < confusion.length; c++) {
            all.add(forClass(c));
        }
        return all;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassificationStatistics s && top5Correct == s.top5Correct && nonFinite == s.nonFinite
                && classNames.equals(s.classNames) && Arrays.deepEquals(confusion, s.confusion);
    }

    @Override
    public int hashCode() {
        return 31 * classNames.hashCode() + Arrays.deepHashCode(confusion);
    }

    @Override
    public String toString() {
        return "ClassificationStatistics[samples=" + sampleCount + ", classes=" + classNames.size()
                + ", top1=" + top1() + "]";
    }
}
