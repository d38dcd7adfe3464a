package org.quant4j.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * Scales and zero points of a quantized tensor: one entry for a per-tensor scheme, one per channel
 * otherwise. {@code real = (q - zeroPoint) * scale}. This class is the single home of quant-param
 * math in quant4j: every module derives scales and zero points through {@link #forRange} and
 * {@link #forChannels}.
 *
 * <p>Scales are always finite and strictly positive. A range that is all zero (a tensor that is
 * constantly 0) has no natural scale; it gets scale 1 and the zero point of the scheme, which
 * represents 0 exactly and never divides by zero.
 */
public final class QuantParams {

    /** Fallback scale for an all-zero range, documented above. */
    public static final float ZERO_RANGE_SCALE = 1.0f;

    private final float[] scales;
    private final int[] zeroPoints;
    private final QuantScheme scheme;

    /**
     * Parameters given directly, e.g. read back from a quantized model; both arrays are copied.
     *
     * @param scales one scale per entry, each finite and &gt; 0
     * @param zeroPoints one zero point per entry, each within the scheme's levels
     * @param scheme the scheme; a per-tensor scheme takes exactly one entry
     * @throws IllegalArgumentException when the arrays are empty, differ in length, or a per-tensor
     *     scheme gets several entries
     * @throws CalibrationException when a scale is not finite and positive or a zero point is outside
     *     the scheme's levels
     */
    public QuantParams(float[] scales, int[] zeroPoints, QuantScheme scheme) {
        this.scheme = Objects.requireNonNull(scheme, "scheme");
        if (scales.length == 0 || scales.length != zeroPoints.length) {
            throw new IllegalArgumentException("Need as many zero points as scales (at least one), got "
                    + scales.length + " scales and " + zeroPoints.length + " zero points");
        }
        if (!scheme.perChannel() && scales.length != 1) {
            throw new IllegalArgumentException("A per-tensor scheme has exactly one scale, got " + scales.length);
        }
        for (int i = 0; i < scales.length; i++) {
            if (!(scales[i] > 0) || !Float.isFinite(scales[i])) {
                throw new CalibrationException("Scale " + i + " must be finite and > 0, got " + scales[i]);
            }
            if (zeroPoints[i] < scheme.qmin() || zeroPoints[i] > scheme.qmax()) {
                throw new CalibrationException("Zero point " + zeroPoints[i] + " outside " + scheme.precision());
            }
        }
        this.scales = scales.clone();
        this.zeroPoints = zeroPoints.clone();
    }

    /**
     * Parameters mapping {@code range} onto the integer levels of a per-tensor {@code scheme}.
     *
     * @param range the real range to represent; 0 is always included
     * @param scheme a per-tensor scheme
     * @return one scale and zero point
     * @throws IllegalArgumentException when {@code scheme} is per-channel
     * @throws CalibrationException when the range is too wide for a float32 scale
     */
    public static QuantParams forRange(TensorRange range, QuantScheme scheme) {
        if (scheme.perChannel()) {
            throw new IllegalArgumentException("forRange needs a per-tensor scheme; use forChannels for " + scheme);
        }
        float[] s = new float[1];
        int[] z = new int[1];
        compute(range.min(), range.max(), scheme, s, z, 0);
        return new QuantParams(s, z, scheme);
    }

    /**
     * Parameters for each channel of a per-channel {@code scheme}.
     *
     * @param ranges the real range of each channel
     * @param scheme a per-channel scheme
     * @return one scale and zero point per channel
     * @throws IllegalArgumentException when {@code scheme} is per-tensor
     * @throws CalibrationException when a range is too wide for a float32 scale
     */
    public static QuantParams forChannels(ChannelRanges ranges, QuantScheme scheme) {
        if (!scheme.perChannel()) {
            throw new IllegalArgumentException("forChannels needs a per-channel scheme, got " + scheme);
        }
        int n = ranges.channels();
        float[] s = new float[n];
        int[] z = new int[n];
        for (int c = 0; c < n; c++) {
            TensorRange r = ranges.channel(c);
            compute(r.min(), r.max(), scheme, s, z, c);
        }
        return new QuantParams(s, z, scheme);
    }

    private static void compute(double min, double max, QuantScheme scheme, float[] s, int[] z, int i) {
        int qmin = scheme.qmin();
        int qmax = scheme.qmax();
        if (scheme.symmetric()) {
            double amax = Math.max(Math.abs(min), Math.abs(max));
            // Signed: zero point 0, amax maps to qmax (TensorRT: scale = amax / 127).
            // Unsigned: zero point at the middle level, amax maps to qmax - zp (127 for uint8).
            int zp = scheme.precision().isSigned() ? 0 : (qmin + qmax + 1) / 2;
            int positiveLevels = qmax - zp;
            z[i] = zp;
            s[i] = amax == 0 ? ZERO_RANGE_SCALE : positiveScale(amax / positiveLevels);
        } else {
            double lo = Math.min(0.0, min);
            double hi = Math.max(0.0, max);
            if (hi - lo == 0) {
                s[i] = ZERO_RANGE_SCALE;
                z[i] = scheme.precision().isSigned() ? 0 : qmin;
                return;
            }
            float scale = positiveScale((hi - lo) / (qmax - qmin));
            long zp = Math.round(qmin - lo / scale);
            z[i] = (int) Math.max(qmin, Math.min(qmax, zp));
            s[i] = scale;
        }
    }

    private static float positiveScale(double scale) {
        if (scale > Float.MAX_VALUE) {
            throw new CalibrationException("A range this wide has a scale of " + scale + ", beyond float32: check the"
                    + " calibration data for huge values, or set a fixed range for this tensor");
        }
        float f = (float) scale;
        // A range so small that its scale underflows float32 still needs a usable, positive scale.
        return f >= Float.MIN_NORMAL ? f : Float.MIN_NORMAL;
    }

    /**
     * The scheme the parameters were made for.
     *
     * @return the scheme
     */
    public QuantScheme scheme() {
        return scheme;
    }

    /**
     * Number of entries: 1 for a per-tensor scheme, the channel count otherwise.
     *
     * @return the entry count, &gt;= 1
     */
    public int size() {
        return scales.length;
    }

    /**
     * The scale of entry {@code i}: the real value of one integer step.
     *
     * @param i the entry (channel), from 0 to {@code size() - 1}
     * @return the scale, finite and &gt; 0
     */
    public float scale(int i) {
        return scales[i];
    }

    /**
     * The zero point of entry {@code i}: the integer level that represents real 0.
     *
     * @param i the entry (channel), from 0 to {@code size() - 1}
     * @return the zero point, within the scheme's levels
     */
    public int zeroPoint(int i) {
        return zeroPoints[i];
    }

    /**
     * All scales, in entry order.
     *
     * @return a copy of the scales
     */
    public float[] scales() {
        return scales.clone();
    }

    /**
     * All zero points, in entry order.
     *
     * @return a copy of the zero points
     */
    public int[] zeroPoints() {
        return zeroPoints.clone();
    }

    /**
     * Quantizes one value with the parameters of entry {@code i}: round half to even, then saturate
     * to the scheme's levels, as ONNX {@code QuantizeLinear} does.
     *
     * @param x the real value
     * @param i the entry (channel), from 0 to {@code size() - 1}
     * @return the integer level, within {@link QuantScheme#qmin()} and {@link QuantScheme#qmax()}
     */
    public int quantize(float x, int i) {
        double q = Math.rint(x / scales[i]) + zeroPoints[i];
        return (int) Math.max(scheme.qmin(), Math.min(scheme.qmax(), q));
    }

    /**
     * The real value of integer level {@code q} for entry {@code i}.
     *
     * @param q the integer level
     * @param i the entry (channel), from 0 to {@code size() - 1}
     * @return {@code (q - zeroPoint(i)) * scale(i)}
     */
    public float dequantize(int q, int i) {
        return (q - zeroPoints[i]) * scales[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantParams p && scheme.equals(p.scheme)
                && Arrays.equals(scales, p.scales) && Arrays.equals(zeroPoints, p.zeroPoints);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, Arrays.hashCode(scales), Arrays.hashCode(zeroPoints));
    }

    @Override
    public String toString() {
        return scales.length == 1
                ? "QuantParams[scale=" + scales[0] + ", zeroPoint=" + zeroPoints[0] + ", " + scheme + "]"
                : "QuantParams[" + scales.length + " channels, " + scheme + "]";
    }
}
