package org.quant4j.api;

/**
 * The range [min, max] a tensor's values are mapped onto by quantization. Always finite with
 * {@code min <= max}.
 */
public record TensorRange(double min, double max) {

    public TensorRange {
        if (!Double.isFinite(min) || !Double.isFinite(max)) {
            throw new CalibrationException("Tensor range must be finite, got [" + min + ", " + max + "]");
        }
        if (min > max) {
            throw new CalibrationException("Tensor range has min > max: [" + min + ", " + max + "]");
        }
    }

    /** A range symmetric around zero, {@code [-amax, amax]}. */
    public static TensorRange symmetric(double amax) {
        double a = Math.abs(amax);
        return new TensorRange(-a, a);
    }

    /** Largest absolute value of the range, the {@code amax} of TensorRT and symmetric schemes. */
    public double amax() {
        return Math.max(Math.abs(min), Math.abs(max));
    }

    /** True when the range holds a single value (a constant tensor). */
    public boolean isDegenerate() {
        return min == max;
    }

    /** This range widened, if needed, so that it contains zero (required to represent zero exactly). */
    public TensorRange includingZero() {
        return new TensorRange(Math.min(0.0, min), Math.max(0.0, max));
    }
}
