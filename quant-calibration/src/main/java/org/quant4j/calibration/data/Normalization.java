package org.quant4j.calibration.data;

import java.util.Arrays;

import org.quant4j.api.InvalidInputException;

/**
 * Per-channel mean/std normalisation, {@code x' = (x - mean[c]) / std[c]}. One value broadcasts to
 * every channel; otherwise there is one value per channel. {@link #NONE} leaves values unchanged.
 */
public final class Normalization {

    /** No normalisation. */
    public static final Normalization NONE = new Normalization(new float[0], new float[0]);

    private static final Normalization IMAGENET = of(
            new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

    private final float[] mean;
    private final float[] std;

    private Normalization(float[] mean, float[] std) {
        this.mean = mean;
        this.std = std;
    }

    /**
     * Normalisation with the given per-channel mean and standard deviation.
     *
     * @throws InvalidInputException when the arrays are empty, differ in length, hold a non-finite
     *                               value or a standard deviation that is not {@code > 0}
     */
    public static Normalization of(float[] mean, float[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new InvalidInputException("Normalisation needs one mean and one std per channel, got "
                    + mean.length + " means and " + std.length + " stds; pass arrays of the same, non-zero length");
        }
        for (int c = 0; c < mean.length; c++) {
            if (!Float.isFinite(mean[c]) || !Float.isFinite(std[c]) || std[c] <= 0) {
                throw new InvalidInputException("Normalisation channel " + c + " has mean " + mean[c] + " and std "
                        + std[c] + "; the mean must be finite and the std finite and > 0");
            }
        }
        return new Normalization(mean.clone(), std.clone());
    }

    /** Normalisation of every channel with the same mean and standard deviation. */
    public static Normalization of(float mean, float std) {
        return of(new float[] {mean}, new float[] {std});
    }

    /** The ImageNet statistics used by torchvision models: mean 0.485, 0.456, 0.406; std 0.229, 0.224, 0.225. */
    public static Normalization imagenet() {
        return IMAGENET;
    }

    /** Whether this is {@link #NONE}. */
    public boolean isNone() {
        return mean.length == 0;
    }

    /** Number of channels given, 1 when one value broadcasts, 0 for {@link #NONE}. */
    public int channels() {
        return mean.length;
    }

    /** Mean of channel {@code c} (0 for {@link #NONE}). */
    public float mean(int c) {
        return isNone() ? 0f : mean[mean.length == 1 ? 0 : c];
    }

    /** Standard deviation of channel {@code c} (1 for {@link #NONE}). */
    public float std(int c) {
        return isNone() ? 1f : std[std.length == 1 ? 0 : c];
    }

    /**
     * Checks that this normalisation fits samples with {@code channels} channels.
     *
     * @throws InvalidInputException naming {@code source} when the channel counts differ
     */
    public void checkChannels(int channels, String source) {
        if (mean.length > 1 && mean.length != channels) {
            throw new InvalidInputException("Normalisation has " + mean.length + " channels but the samples of "
                    + source + " have " + channels + "; give " + channels + " means and stds, or a single one");
        }
    }

    /** Text that identifies this normalisation exactly, for fingerprints. */
    public String description() {
        return isNone() ? "none" : "mean=" + Arrays.toString(mean) + " std=" + Arrays.toString(std);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[" + description() + "]";
    }
}
