package org.quant4j.calibration.sampling;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;

/**
 * Chooses {@code n} calibration samples from a dataset, reproducibly: all randomness comes from
 * {@code new SplittableRandom(seed)}, whose algorithm is specified, so a seed gives the same
 * samples on every JVM. The chosen indices are returned sorted ascending, so reads sweep the
 * source in file order; the fingerprint of the result records the parent, method, n and seed.
 */
public final class CalibrationSampler {

    private CalibrationSampler() {
    }

    /** {@code n} samples chosen with {@code method}; see {@link #uniform} and {@link #stratified}. */
    public static Subset sample(Dataset dataset, SamplingMethod method, int n, long seed) {
        Objects.requireNonNull(method, "method");
        return method == SamplingMethod.UNIFORM ? uniform(dataset, n, seed) : stratified(dataset, n, seed);
    }

    /**
     * {@code n} distinct samples chosen uniformly at random: the first {@code n} steps of a
     * Fisher-Yates shuffle of {@code 0..size-1}, then sorted.
     *
     * @throws InvalidInputException when {@code n <= 0} or {@code n > dataset.size()}
     */
    public static Subset uniform(Dataset dataset, int n, long seed) {
        checkCount(dataset, n);
        int[] all = new int[dataset.size()];
        Arrays.setAll(all, i -> i);
        int[] chosen = partialShuffle(all, n, new SplittableRandom(seed));
        Arrays.sort(chosen);
        return new Subset(dataset, chosen, description(SamplingMethod.UNIFORM, n, seed));
    }

    /**
     * {@code n} samples drawn per class in proportion to class frequency. Class {@code k} with
     * {@code c_k} of the {@code M} samples gets {@code floor(n c_k / M)}; the samples left over go,
     * one each, to the classes with the largest remainders {@code n c_k mod M}, ties to the lower
     * class index. Classes are then drawn in index order, each like {@link #uniform}, from one
     * {@code SplittableRandom(seed)}; the union is sorted.
     *
     * @throws InvalidInputException when {@code n <= 0}, {@code n > dataset.size()}, the dataset is
     *                               unlabelled, or a label is outside {@code 0..numClasses-1}
     */
    public static Subset stratified(Dataset dataset, int n, long seed) {
        checkCount(dataset, n);
        int classes = dataset.numClasses();
        if (classes <= 0) {
            throw new InvalidInputException("Stratified sampling needs class labels, but " + dataset
                    + " is unlabelled; use uniform sampling or give the dataset labels");
        }
        int size = dataset.size();
        int[] labels = new int[size];
        int[] counts = new int[classes];
        for (int i = 0; i < size; i++) {
            int label = dataset.label(i);
            if (label < 0 || label >= classes) {
                throw new InvalidInputException("Sample " + i + " of " + dataset + " has label " + label
                        + ", outside 0.." + (classes - 1) + "; stratified sampling needs every sample labelled");
            }
            labels[i] = label;
            counts[label]++;
        }
        int[] quotas = quotas(counts, n);
        int[][] members = new int[classes][];
        int[] filled = new int[classes];
        for (int k = 0; k < classes; k++) {
            members[k] = new int[counts[k]];
        }
        for (int i = 0; i < size; i++) {
            members[labels[i]][filled[labels[i]]++] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] chosen = new int[n];
        int at = 0;
        for (int k = 0; k < classes; k++) {
            int[] picked = partialShuffle(members[k], quotas[k], random);
            System.arraycopy(picked, 0, chosen, at, picked.length);
            at += picked.length;
        }
        Arrays.sort(chosen);
        return new Subset(dataset, chosen, description(SamplingMethod.STRATIFIED, n, seed));
    }

    /** Largest-remainder apportionment of {@code n} over classes of the given sizes. */
    static int[] quotas(int[] counts, int n) {
        long total = 0;
        for (int c : counts) {
            total += c;
        }
        int[] quotas = new int[counts.length];
        long[] remainders = new long[counts.length];
        int assigned = 0;
        for (int k = 0; k < counts.length; k++) {
            long product = (long) n * counts[k];
            quotas[k] = (int) (product / total);
            remainders[k] = product % total;
            assigned += quotas[k];
        }
        Integer[] order = new Integer[counts.length];
        Arrays.setAll(order, k -> k);
        Arrays.sort(order, (a, b) -> remainders[a] != remainders[b] ? Long.compare(remainders[b], remainders[a])
                : Integer.compare(a, b));
        for (int i = 0; i < n - assigned; i++) {
            quotas[order[i]]++;
        }
        return quotas;
    }

    /** The first {@code n} elements of a Fisher-Yates shuffle of {@code values} (which it permutes). */
    private static int[] partialShuffle(int[] values, int n, SplittableRandom random) {
        for (int i = 0; i < n; i++) {
            int j = i + random.nextInt(values.length - i);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
        return Arrays.copyOf(values, n);
    }

    private static void checkCount(Dataset dataset, int n) {
        Objects.requireNonNull(dataset, "dataset");
        if (n <= 0) {
            throw new InvalidInputException("The number of calibration samples must be > 0, got " + n);
        }
        if (n > dataset.size()) {
            throw new InvalidInputException("Cannot choose " + n + " calibration samples from " + dataset
                    + ", which has " + dataset.size() + "; ask for at most " + dataset.size());
        }
    }

    private static String description(SamplingMethod method, int n, long seed) {
        return method.name().toLowerCase(Locale.ROOT) + " n=" + n + " seed=" + seed;
    }
}
