package org.quant4j.onnx.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Bit patterns from the IEEE 754-2008 binary16 format: sign | 5-bit exponent (bias 15) | 10-bit mantissa. */
class Float16Test {

    private static void assertBits(int expected, float value) {
        assertEquals(String.format("0x%04X", expected), String.format("0x%04X", Float16.fromFloat(value) & 0xFFFF),
                "half of " + value);
    }

    @Test
    void exactValuesHaveTheirKnownBitPatterns() {
        assertBits(0x3C00, 1.0f);
        assertBits(0xC000, -2.0f);
        assertBits(0x3800, 0.5f);
        assertBits(0x0000, 0.0f);
        assertBits(0x8000, -0.0f);
        assertBits(0x7BFF, 65504f);
        assertBits(0x0400, 0x1p-14f); // smallest normal
        assertBits(0x0001, 0x1p-24f); // smallest subnormal
        assertBits(0x03FF, 0x1.ff8p-15f); // largest subnormal, 1023 * 2^-24
    }

    @Test
    void inexactValuesRoundToNearestEven() {
        assertBits(0x2E66, 0.1f); // 0.0999755859375
        assertBits(0x3555, 1f / 3); // 0.333251953125
        assertBits(0x3C00, 1f + 0x1p-11f); // halfway between 0x3C00 and 0x3C01: even wins
        assertBits(0x3C02, 1f + 3 * 0x1p-11f); // halfway between 0x3C01 and 0x3C02: even wins
        assertBits(0x3C01, 1f + 0x1p-11f + 0x1p-20f); // just above halfway
        assertBits(0x3BFF + 1, 0x1.ffep0f / 2 + 0x1p-12f); // carry from the mantissa into the exponent
    }

    @Test
    void tinyValuesBecomeSubnormalsOrZero() {
        assertBits(0x0000, 1e-8f); // below 2^-25, half the smallest subnormal
        assertBits(0x8000, -1e-8f);
        assertBits(0x0000, 0x1p-25f); // exactly halfway between 0 and 2^-24: even (0) wins
        assertBits(0x0001, 0x1.000002p-25f); // just above halfway
        assertBits(0x0002, 3 * 0x1p-25f); // halfway between 1 and 2 subnormal units: even wins
        assertBits(0x0001, 6e-8f); // 1.0066 * 2^-24
        assertBits(0x0000, Float.MIN_VALUE); // a float32 subnormal
    }

    @Test
    void valuesBeyondTheRangeAreClampedToTheLargestHalf() {
        assertBits(0x7BFF, 70000f);
        assertBits(0xFBFF, -70000f);
        assertBits(0x7BFF, Float.MAX_VALUE);
        assertBits(0x7BFF, 65519f);
        assertTrue(Float16.isClamped(70000f));
        assertTrue(Float16.isClamped(-65505f));
        assertFalse(Float16.isClamped(65504f));
        assertFalse(Float16.isClamped(Float.POSITIVE_INFINITY));
        assertFalse(Float16.isClamped(Float.NaN));
    }

    @Test
    void infinitiesAndNanKeepTheirKind() {
        assertBits(0x7C00, Float.POSITIVE_INFINITY);
        assertBits(0xFC00, Float.NEGATIVE_INFINITY);
        short nan = Float16.fromFloat(Float.NaN);
        assertEquals(0x7C00, nan & 0x7C00);
        assertTrue((nan & 0x03FF) != 0);
        assertTrue(Float.isNaN(Float16.toFloat(nan)));
    }

    @Test
    void toFloatDecodesKnownPatterns() {
        assertEquals(1.0f, Float16.toFloat((short) 0x3C00));
        assertEquals(-2.0f, Float16.toFloat((short) 0xC000));
        assertEquals(65504f, Float16.toFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, Float16.toFloat((short) 0x0001));
        assertEquals(0.0999755859375f, Float16.toFloat((short) 0x2E66));
        assertEquals(Float.NEGATIVE_INFINITY, Float16.toFloat((short) 0xFC00));
        assertEquals(Float.floatToIntBits(-0.0f), Float.floatToIntBits(Float16.toFloat((short) 0x8000)));
    }

    @Test
    void everyHalfSurvivesARoundTripThroughFloat() {
        for (int h = 0; h <= 0xFFFF; h++) {
            boolean nan = (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0;
            if (!nan) {
                assertEquals(h, Float16.fromFloat(Float16.toFloat((short) h)) & 0xFFFF, String.format("0x%04X", h));
            }
        }
    }
}
