package org.quant4j.calibration.data;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.quant4j.api.data.Dataset;

/**
 * Unlabelled samples of seeded uniform noise in {@code [lo, hi)}, generated on demand so memory
 * stays flat: for speed measurements and tests where only shapes and value spans matter. Sample
 * {@code i} depends only on the seed and {@code i}, so any subset reads the same values.
 *
 * @param size  number of samples
 * @param shape shape of one sample, e.g. {@code [3, 224, 224]}
 * @param seed  seed of the values
 * @param lo    smallest value
 * @param hi    bound above every value
 */
public record UniformNoiseDataset(int size, int[] shape, long seed, float lo, float hi) implements Dataset {

    public UniformNoiseDataset {
        if (size < 0) {
            throw new IllegalArgumentException("Size must be >= 0, got " + size);
        }
        shape = shape.clone();
        org.quant4j.api.data.Batch.sampleElements(shape);
        if (!(lo < hi) || !Float.isFinite(lo) || !Float.isFinite(hi)) {
            throw new IllegalArgumentException("Need finite lo < hi, got [" + lo + ", " + hi + ")");
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int[] sampleShape() {
        return shape.clone();
    }

    @Override
    public int numClasses() {
        return 0;
    }

    @Override
    public void read(int index, float[] dest, int offset) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index);
        int n = sampleElements();
        double span = (double) hi - lo;
        for (int i = 0; i < n; i++) {
            dest[offset + i] = (float) (lo + span * random.nextDouble());
        }
    }

    @Override
    public int label(int index) {
        return -1;
    }

    @Override
    public String fingerprint() {
        return "uniform-noise:" + size + ":" + Arrays.toString(shape) + ":" + seed + ":" + lo + ":" + hi;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UniformNoiseDataset d && size == d.size && Arrays.equals(shape, d.shape)
                && seed == d.seed && Float.compare(lo, d.lo) == 0 && Float.compare(hi, d.hi) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Long.hashCode(seed) + size;
    }

    @Override
    public String toString() {
        return "UniformNoiseDataset[" + size + " x " + Arrays.toString(shape) + ", seed " + seed + ", [" + lo + ", "
                + hi + ")]";
    }
}
