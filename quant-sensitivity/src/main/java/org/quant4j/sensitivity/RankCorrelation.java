package org.quant4j.sensitivity;

import java.util.Arrays;
import java.util.Comparator;
import java.util.OptionalDouble;
import java.util.stream.IntStream;

/**
 * Spearman's rank correlation: Pearson's correlation of the ranks, ties given the mean of the
 * ranks they span (so {@code [1, 2, 2, 3]} ranks as {@code [1, 2.5, 2.5, 4]}).
 */
public final class RankCorrelation {

    private RankCorrelation() {
    }

    /**
     * Spearman's rho of {@code x} and {@code y}, pairs with a non-finite value left out.
     *
     * @return empty when fewer than two pairs remain or either side has no spread (every value tied)
     * @throws IllegalArgumentException when the arrays differ in length
     */
    public static OptionalDouble spearman(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("Rank correlation needs pairs: " + x.length + " x values, " + y.length
                    + " y values");
        }
        int[] keep = IntStream.range(0, x.length).filter(i -> Double.isFinite(x[i]) && Double.isFinite(y[i])).toArray();
        if (keep.length < 2) {
            return OptionalDouble.empty();
        }
        double[] rx = ranks(Arrays.stream(keep).mapToDouble(i -> x[i]).toArray());
        double[] ry = ranks(Arrays.stream(keep).mapToDouble(i -> y[i]).toArray());
        return pearson(rx, ry);
    }

    /** Ranks from 1, ties the mean of the ranks they span. */
    static double[] ranks(double[] values) {
        Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = rank;
            }
            i = j + 1;
        }
        return ranks;
    }

    private static OptionalDouble pearson(double[] a, double[] b) {
        double ma = Arrays.stream(a).average().orElseThrow();
        double mb = Arrays.stream(b).average().orElseThrow();
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        if (saa == 0 || sbb == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(sab / Math.sqrt(saa * sbb));
    }
}
