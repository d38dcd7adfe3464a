package org.quant4j.api;

/**
 * The range [min, max] a tensor's values are mapped onto by quantization. Always finite with
 * {@code min <= max}.
 */
public record TensorRange(double min, double max) {

    /**
     * Checks the bounds.
     *
     * @param min the lowest value, finite
     * @param max the highest value, finite and not below {@code min}
     * @throws CalibrationException when a bound is not finite or {@code min > max}
     */
    public TensorRange {
        if (!Double.isFinite(min) || !Double.isFinite(max)) {
            throw new CalibrationException("Tensor range must be finite, got [" + min + ", " + max + "]");
        }
        if (min > max) {
            throw new CalibrationException("Tensor range has min > max: [" + min + ", " + max + "]");
        }
    }

    /**
     * A range symmetric around zero, {@code [-amax, amax]}.
     *
     * @param amax the largest absolute value; its sign is ignored
     * @return the range {@code [-|amax|, |amax|]}
     */
    public static TensorRange symmetric(double amax) {
        double a = Math.abs(amax);
        return new TensorRange(-a, a);
    }

    /**
     * Largest absolute value of the range, the {@code amax} of TensorRT and symmetric schemes.
     *
     * @return {@code max(|min|, |max|)}, &gt;= 0
     */
    public double amax() {
        return Math.max(Math.abs(min), Math.abs(max));
    }

    /**
     * True when the range holds a single value (a constant tensor).
     *
     * @return true when {@code min == max}
     */
    public boolean isDegenerate() {
        return min == max;
    }

    /**
     * This range widened, if needed, so that it contains zero (required to represent zero exactly).
     *
     * @return {@code [min(0, min), max(0, max)]}
     */
    public TensorRange includingZero() {
        return new TensorRange(Math.min(0.0, min), Math.max(0.0, max));
    }
}
