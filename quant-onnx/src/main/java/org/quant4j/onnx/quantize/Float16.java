package org.quant4j.onnx.quantize;

/**
 * IEEE 754 binary16 (half precision) conversions for Java 17, which has no
 * {@code Float.floatToFloat16}. A half has 1 sign bit, 5 exponent bits (bias 15) and 10 mantissa
 * bits; its largest finite value is 65504 ({@code 0x7BFF}) and its smallest subnormal is
 * {@code 2^-24}.
 */
public final class Float16 {

    /** Largest finite half value. */
    public static final float MAX_VALUE = 65504f;

    /** Bits of {@link #MAX_VALUE}. */
    public static final short MAX_VALUE_BITS = 0x7BFF;

    private Float16() {
    }

    /**
     * The half nearest to {@code f}, rounding ties to even, as bits. Finite values beyond
     * {@code ±65504} saturate to {@code ±65504} instead of becoming infinite (see
     * {@link #isClamped}); infinities stay infinite, NaN stays NaN (quiet, sign and top payload bits
     * kept), and values below the smallest subnormal round to a signed zero.
     */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xFF;
        int mantissa = bits & 0x7FFFFF;
        if (exponent == 0xFF) {
            return (short) (sign | 0x7C00 | (mantissa == 0 ? 0 : 0x200 | (mantissa >>> 13)));
        }
        if (isClamped(f)) {
            return (short) (sign | MAX_VALUE_BITS);
        }
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 1) {
            // Normal half: keep the top 10 mantissa bits and round on the 13 dropped ones. A carry out
            // of the mantissa correctly bumps the exponent; it cannot reach infinity after the clamp.
            int half = (halfExponent << 10) | (mantissa >>> 13);
            return (short) (sign | roundHalfEven(half, mantissa & 0x1FFF, 13));
        }
        // Subnormal half: the value in units of 2^-24 is (1.mantissa * 2^23) >> (126 - exponent).
        int shift = 126 - exponent;
        if (exponent == 0 || shift > 24) {
            return (short) sign;
        }
        int full = mantissa | 0x800000;
        int dropped = full & ((1 << shift) - 1);
        return (short) (sign | roundHalfEven(full >>> shift, dropped, shift));
    }

    /** {@code kept + 1} when the {@code width} dropped bits are above half, or exactly half and {@code kept} is odd. */
    private static int roundHalfEven(int kept, int dropped, int width) {
        int halfway = 1 << (width - 1);
        return dropped > halfway || (dropped == halfway && (kept & 1) == 1) ? kept + 1 : kept;
    }

    /** The float32 value of half bits {@code h}; exact, since every half is a float. */
    public static float toFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /** True when {@code f} is finite and beyond the half range, so {@link #fromFloat} saturates it. */
    public static boolean isClamped(float f) {
        return Float.isFinite(f) && Math.abs(f) > MAX_VALUE;
    }
}
