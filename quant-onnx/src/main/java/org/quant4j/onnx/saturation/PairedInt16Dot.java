package org.quant4j.onnx.saturation;

/**
 * A Java emulation of how ONNX Runtime's uint8 x int8 GEMM adds products on x86-64 CPUs with AVX2
 * but without VNNI: {@code vpmaddubsw} multiplies adjacent pairs {@code (k, k + 1)}, {@code k}
 * even, of uint8 activations and int8 weights and adds each pair into a signed 16-bit lane with
 * saturation to {@code [-32768, 32767]}; {@code vpmaddwd} against ones then adds the lanes in int32,
 * which does not saturate. With VNNI ({@code vpdpbusd}) every product is added in int32: that is
 * {@link #exact}. The activations are the raw uint8 levels (ONNX Runtime corrects for their zero
 * point afterwards), so what saturates is decided by the stored integers alone.
 *
 * <p>This is the reference the saturation analysis is checked against.
 */
public final class PairedInt16Dot {

    /** The largest and smallest int16. */
    static final int INT16_MAX = Short.MAX_VALUE;
    static final int INT16_MIN = Short.MIN_VALUE;

    private PairedInt16Dot() {
    }

    /** The exact dot product of {@code length} uint8 levels {@code a[aOff..]} and int8 levels {@code w[wOff..]}. */
    public static long exact(int[] a, int aOff, int[] w, int wOff, int length) {
        long sum = 0;
        for (int k = 0; k < length; k++) {
            sum += (long) a[aOff + k] * w[wOff + k];
        }
        return sum;
    }

    /**
     * The dot product as AVX2 computes it: pairs {@code (k, k + 1)} from {@code k = 0} added in
     * saturating int16 (an odd last element is paired with a zero, as the kernel pads K), the pair
     * sums added in int32.
     */
    public static Dot avx2(int[] a, int aOff, int[] w, int wOff, int length) {
        long sum = 0;
        int saturated = 0;
        for (int k = 0; k < length; k += 2) {
            int pair = a[aOff + k] * w[wOff + k];
            if (k + 1 < length) {
                pair += a[aOff + k + 1] * w[wOff + k + 1];
            }
            if (pair > INT16_MAX) {
                pair = INT16_MAX;
                saturated++;
            } else if (pair < INT16_MIN) {
                pair = INT16_MIN;
                saturated++;
            }
            sum += pair;
        }
        return new Dot(sum, saturated, (length + 1) / 2);
    }

    /** True when some uint8 input can make the pair {@code (w1, w2)} leave int16. */
    public static boolean pairCanSaturate(int w1, int w2) {
        return worstPairSum(w1, w2) > INT16_MAX;
    }

    /**
     * The largest magnitude a pair sum of weights {@code (w1, w2)} reaches over all uint8 inputs:
     * 255 times the sum of the positive weights, or of the magnitudes of the negative ones. A
     * negative sum saturates only below -32768, one further than the positive side.
     */
    public static int worstPairSum(int w1, int w2) {
        int positive = 255 * (Math.max(w1, 0) + Math.max(w2, 0));
        int negative = 255 * (Math.min(w1, 0) + Math.min(w2, 0));
        return Math.max(positive, -negative - 1);
    }

    /**
     * One dot product as AVX2 computes it.
     *
     * @param value     the int32 result
     * @param saturated pairs whose sum was clamped to int16
     * @param pairs     pairs added
     */
    public record Dot(long value, int saturated, int pairs) {
    }
}
