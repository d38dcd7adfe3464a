package org.quant4j.cli;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Synthetic 28 x 28 greyscale samples for the reference models, as {@code .npy} files: values
 * drawn from {@code SplittableRandom(seed)} in {@code [-1, 2)}, with the first two values set to
 * exactly -1 and 2, so the data's minimum and maximum are known. Labels cycle through 0..9.
 */
public final class Samples {

    /** Smallest value of every sample file. */
    public static final float MIN = -1f;
    /** Largest value of every sample file. */
    public static final float MAX = 2f;

    private Samples() {
    }

    /** Writes {@code count} samples of shape {@code [1, 28, 28]} to {@code dir/images.npy}. */
    public static Path images(Path dir, int count) {
        return images(dir.resolve("images.npy"), count, 28);
    }

    /** Writes {@code count} samples of shape {@code [1, side, side]} to {@code file}. */
    public static Path images(Path file, int count, int side) {
        float[] values = new float[count * side * side];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (MIN + random.nextDouble() * (MAX - MIN));
        }
        values[0] = MIN;
        values[1] = MAX;
        return TestFiles.npyFloats(file, new int[] {count, 1, side, side}, values);
    }

    /** Writes the labels {@code i % 10} of {@code count} samples to {@code dir/labels.npy}. */
    public static Path labels(Path dir, int count) {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 10;
        }
        return TestFiles.npyLabels(dir.resolve("labels.npy"), labels);
    }
}
