package org.quant4j.calibration.data;

import java.util.Objects;

import org.quant4j.api.InvalidInputException;

/**
 * Maps raw sample values to model inputs: {@code x' = (x * scale - mean[c]) / std[c]}. With
 * {@link #unitScaled()} 8-bit pixels become values in {@code [0, 1]}; a {@link Normalization} then
 * centres them per channel. Immutable.
 */
public final class PixelTransform {

    private static final float UNIT_SCALE = 1f / 255f;
    private static final PixelTransform IDENTITY = new PixelTransform(1f, Normalization.NONE);
    private static final PixelTransform UNIT = new PixelTransform(UNIT_SCALE, Normalization.NONE);

    private final float scale;
    private final Normalization normalization;

    private PixelTransform(float scale, Normalization normalization) {
        this.scale = scale;
        this.normalization = Objects.requireNonNull(normalization, "normalization");
    }

    /**
     * A transform that multiplies by {@code scale}, then normalises.
     *
     * @throws InvalidInputException when {@code scale} is not finite or is 0
     */
    public static PixelTransform of(float scale, Normalization normalization) {
        if (!Float.isFinite(scale) || scale == 0f) {
            throw new InvalidInputException("Pixel scale must be finite and non-zero, got " + scale
                    + "; use 1/255 for 8-bit pixels or 1 to keep values as they are");
        }
        return new PixelTransform(scale, normalization);
    }

    /** Values unchanged (scale 1, no normalisation). */
    public static PixelTransform identity() {
        return IDENTITY;
    }

    /** 8-bit values scaled to {@code [0, 1]} (scale 1/255), no normalisation. */
    public static PixelTransform unitScaled() {
        return UNIT;
    }

    /** 8-bit values scaled to {@code [0, 1]}, then normalised. */
    public static PixelTransform unitScaled(Normalization normalization) {
        return new PixelTransform(UNIT_SCALE, normalization);
    }

    /** The factor raw values are multiplied by before normalisation. */
    public float scale() {
        return scale;
    }

    /** The normalisation applied after scaling. */
    public Normalization normalization() {
        return normalization;
    }

    /**
     * Transforms, in place, one CHW sample of {@code channels} planes of {@code planeSize} raw values
     * stored in {@code values} from {@code offset}.
     */
    public void apply(float[] values, int offset, int channels, int planeSize) {
        for (int c = 0; c < channels; c++) {
            float mean = normalization.mean(c);
            float std = normalization.std(c);
            int start = offset + c * planeSize;
            for (int i = start; i < start + planeSize; i++) {
                values[i] = (values[i] * scale - mean) / std;
            }
        }
    }

    /** Text that identifies this transform exactly, for fingerprints. */
    public String description() {
        return "scale=" + scale + " normalization=" + normalization.description();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PixelTransform p && Float.compare(scale, p.scale) == 0
                && normalization.equals(p.normalization);
    }

    @Override
    public int hashCode() {
        return 31 * Float.hashCode(scale) + normalization.hashCode();
    }

    @Override
    public String toString() {
        return "PixelTransform[" + description() + "]";
    }
}
