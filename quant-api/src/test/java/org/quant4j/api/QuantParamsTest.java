package org.quant4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuantParamsTest {

    /** IEEE-754 float32 bits of 1/127: exponent 120 (2^-7), mantissa 0x010204. */
    private static final float ONE_OVER_127 = Float.intBitsToFloat(0x3c010204);

    private static final QuantScheme INT8_NARROW = QuantScheme.builder().precision(Precision.INT8).narrowRange(true).build();
    private static final QuantScheme UINT8_SYMMETRIC = QuantScheme.builder().precision(Precision.UINT8).symmetric(true).build();
    private static final QuantScheme INT8_ASYMMETRIC = QuantScheme.builder().precision(Precision.INT8).symmetric(false).build();

    private static QuantParams unitScale(QuantScheme scheme, int zeroPoint) {
        return new QuantParams(new float[] {1f}, new int[] {zeroPoint}, scheme);
    }

    @Test
    void int8SymmetricAmaxOneHasScaleOneOver127AndZeroPointZero() {
        QuantParams p = QuantParams.forRange(new TensorRange(-1, 1), QuantScheme.INT8_SYMMETRIC);
        assertEquals(ONE_OVER_127, p.scale(0));
        assertEquals(0, p.zeroPoint(0));
        assertEquals(1, p.size());
    }

    @Test
    void int8SymmetricUsesTheLargerMagnitudeOfAnAsymmetricRange() {
        QuantParams p = QuantParams.forRange(new TensorRange(-0.25, 1.0), QuantScheme.INT8_SYMMETRIC);
        assertEquals(ONE_OVER_127, p.scale(0));
        QuantParams negative = QuantParams.forRange(new TensorRange(-1.0, 0.5), QuantScheme.INT8_SYMMETRIC);
        assertEquals(ONE_OVER_127, negative.scale(0));
        assertEquals(0, negative.zeroPoint(0));
    }

    @Test
    void uint8AsymmetricMinusOneToThree() {
        QuantParams p = QuantParams.forRange(new TensorRange(-1, 3), QuantScheme.UINT8_ASYMMETRIC);
        // scale = (3 - (-1)) / (255 - 0); zero point = round(0 - (-1) / (4/255)) = round(63.75) = 64.
        assertEquals((float) (4.0 / 255.0), p.scale(0));
        assertEquals(64, p.zeroPoint(0));
    }

    @Test
    void uint8AsymmetricRangeAboveZeroIsWidenedToIncludeZero() {
        QuantParams p = QuantParams.forRange(new TensorRange(2, 2), QuantScheme.UINT8_ASYMMETRIC);
        // [2, 2] becomes [0, 2]: scale 2/255, zero point 0.
        assertEquals((float) (2.0 / 255.0), p.scale(0));
        assertEquals(0, p.zeroPoint(0));
    }

    @Test
    void uint8AsymmetricRangeBelowZeroPutsZeroAtTheTop() {
        QuantParams p = QuantParams.forRange(new TensorRange(-2.55, -1), QuantScheme.UINT8_ASYMMETRIC);
        // [-2.55, 0]: scale 0.01, zero point round(0 + 2.55 / 0.01) = 255.
        assertEquals((float) (2.55 / 255.0), p.scale(0));
        assertEquals(255, p.zeroPoint(0));
    }

    @Test
    void uint8SymmetricCentresZeroAt128() {
        QuantParams p = QuantParams.forRange(new TensorRange(-1, 1), UINT8_SYMMETRIC);
        assertEquals(128, p.zeroPoint(0));
        assertEquals(ONE_OVER_127, p.scale(0));
    }

    @Test
    void narrowRangeInt8UsesMinus127To127() {
        assertEquals(-127, INT8_NARROW.qmin());
        assertEquals(127, INT8_NARROW.qmax());
        QuantParams p = QuantParams.forRange(new TensorRange(-1, 1), INT8_NARROW);
        assertEquals(ONE_OVER_127, p.scale(0));
        assertEquals(-127, p.quantize(-1000f, 0));
        assertEquals(127, p.quantize(1000f, 0));
        QuantParams full = QuantParams.forRange(new TensorRange(-1, 1), QuantScheme.INT8_SYMMETRIC);
        assertEquals(-128, full.quantize(-1000f, 0));
    }

    @Test
    void narrowRangeAsymmetricInt8SpreadsOver254Levels() {
        QuantScheme s = QuantScheme.builder().precision(Precision.INT8).symmetric(false).narrowRange(true).build();
        QuantParams p = QuantParams.forRange(new TensorRange(0, 2.54), s);
        // 254 steps from -127 to 127: scale 2.54 / 254 = 0.01; 0 sits at the lowest level, -127.
        assertEquals((float) (2.54 / 254.0), p.scale(0));
        assertEquals(-127, p.zeroPoint(0));
    }

    @Test
    void perChannelParametersAreComputedChannelByChannel() {
        ChannelRanges ranges = new ChannelRanges(0, new double[] {-1, -0.5, 0}, new double[] {0.5, 2, 0});
        QuantParams p = QuantParams.forChannels(ranges, QuantScheme.int8WeightsPerChannel(0));
        assertEquals(3, p.size());
        assertArrayEquals(new float[] {ONE_OVER_127, (float) (2.0 / 127.0), QuantParams.ZERO_RANGE_SCALE}, p.scales());
        assertArrayEquals(new int[] {0, 0, 0}, p.zeroPoints());
    }

    @Test
    void perTensorAndPerChannelFactoriesRefuseTheOtherKindOfScheme() {
        ChannelRanges ranges = new ChannelRanges(0, new double[] {-1}, new double[] {1});
        assertThrows(IllegalArgumentException.class, () -> QuantParams.forChannels(ranges, QuantScheme.INT8_SYMMETRIC));
        assertThrows(IllegalArgumentException.class,
                () -> QuantParams.forRange(new TensorRange(-1, 1), QuantScheme.int8WeightsPerChannel(0)));
    }

    @ParameterizedTest
    @CsvSource({
        // scheme, expected zero point of an all-zero range
        "INT8_SYMMETRIC, 0",
        "INT8_ASYMMETRIC, 0",
        "UINT8_SYMMETRIC, 128",
        "UINT8_ASYMMETRIC, 0",
    })
    void allZeroRangeGetsScaleOneAndTheSchemesZeroPoint(String schemeName, int zeroPoint) {
        QuantScheme scheme = switch (schemeName) {
            case "INT8_SYMMETRIC" -> QuantScheme.INT8_SYMMETRIC;
            case "INT8_ASYMMETRIC" -> INT8_ASYMMETRIC;
            case "UINT8_SYMMETRIC" -> UINT8_SYMMETRIC;
            default -> QuantScheme.UINT8_ASYMMETRIC;
        };
        QuantParams p = QuantParams.forRange(new TensorRange(0, 0), scheme);
        assertEquals(1.0f, p.scale(0));
        assertEquals(QuantParams.ZERO_RANGE_SCALE, p.scale(0));
        assertEquals(zeroPoint, p.zeroPoint(0));
        // Zero stays exact.
        assertEquals(zeroPoint, p.quantize(0f, 0));
        assertEquals(0f, p.dequantize(zeroPoint, 0));
    }

    @Test
    void tinyRangesStillGetAPositiveFiniteScale() {
        QuantParams sym = QuantParams.forRange(new TensorRange(-1e-45, 1e-45), QuantScheme.INT8_SYMMETRIC);
        assertTrue(sym.scale(0) > 0 && Float.isFinite(sym.scale(0)), "scale " + sym.scale(0));
        assertEquals(0, sym.quantize(0f, 0));
        QuantParams asym = QuantParams.forRange(new TensorRange(-1e-300, 1e-300), QuantScheme.UINT8_ASYMMETRIC);
        assertTrue(asym.scale(0) > 0 && Float.isFinite(asym.scale(0)), "scale " + asym.scale(0));
        assertTrue(asym.zeroPoint(0) >= 0 && asym.zeroPoint(0) <= 255);
    }

    @ParameterizedTest
    @CsvSource({
        "2.5, 2", "3.5, 4", "-2.5, -2", "-3.5, -4", "0.5, 0", "1.5, 2", "2.4, 2", "2.6, 3", "-0.5, 0",
        "127.4, 127", "127.5, 127", "200, 127", "-128.5, -128", "-1000, -128",
    })
    void quantizeRoundsHalfToEvenAndSaturates(float x, int expected) {
        assertEquals(expected, unitScale(QuantScheme.INT8_SYMMETRIC, 0).quantize(x, 0));
    }

    @Test
    void quantizeAddsTheZeroPointBeforeSaturating() {
        QuantParams p = unitScale(QuantScheme.UINT8_ASYMMETRIC, 100);
        assertEquals(100, p.quantize(0f, 0));
        assertEquals(102, p.quantize(2.5f, 0));
        assertEquals(0, p.quantize(-100.5f, 0));
        assertEquals(0, p.quantize(-1000f, 0));
        assertEquals(255, p.quantize(155f, 0));
        assertEquals(255, p.quantize(1000f, 0));
    }

    @Test
    void dequantizeIsLevelMinusZeroPointTimesScale() {
        QuantParams p = QuantParams.forRange(new TensorRange(-1, 3), QuantScheme.UINT8_ASYMMETRIC);
        float scale = (float) (4.0 / 255.0);
        assertEquals(0f, p.dequantize(64, 0));
        assertEquals(191 * scale, p.dequantize(255, 0));
        assertEquals(-64 * scale, p.dequantize(0, 0));
        assertEquals(3 * 0.5f, new QuantParams(new float[] {0.5f}, new int[] {-2}, INT8_ASYMMETRIC).dequantize(1, 0));
    }

    @Test
    void quantizeThenDequantizeIsWithinHalfAStep() {
        QuantParams p = QuantParams.forRange(new TensorRange(-1, 3), QuantScheme.UINT8_ASYMMETRIC);
        for (float x = -1f; x <= 3f; x += 0.0371f) {
            float back = p.dequantize(p.quantize(x, 0), 0);
            assertTrue(Math.abs(back - x) <= p.scale(0) / 2 + 1e-6, x + " -> " + back);
        }
    }

    @ParameterizedTest
    @CsvSource({"0", "-1", "NaN", "Infinity", "-Infinity"})
    void constructorRejectsScalesThatAreNotFiniteAndPositive(float scale) {
        assertThrows(CalibrationException.class,
                () -> new QuantParams(new float[] {scale}, new int[] {0}, QuantScheme.INT8_SYMMETRIC));
    }

    @Test
    void constructorRejectsZeroPointsOutsideThePrecision() {
        assertThrows(CalibrationException.class, () -> unitScale(QuantScheme.INT8_SYMMETRIC, 128));
        assertThrows(CalibrationException.class, () -> unitScale(QuantScheme.INT8_SYMMETRIC, -129));
        assertThrows(CalibrationException.class, () -> unitScale(QuantScheme.UINT8_ASYMMETRIC, -1));
        assertThrows(CalibrationException.class, () -> unitScale(QuantScheme.UINT8_ASYMMETRIC, 256));
        assertEquals(255, unitScale(QuantScheme.UINT8_ASYMMETRIC, 255).zeroPoint(0));
        assertEquals(-128, unitScale(INT8_ASYMMETRIC, -128).zeroPoint(0));
    }

    @Test
    void constructorRejectsMismatchedOrMisshapedArrays() {
        QuantScheme perChannel = QuantScheme.int8WeightsPerChannel(0);
        assertThrows(IllegalArgumentException.class, () -> new QuantParams(new float[0], new int[0], perChannel));
        assertThrows(IllegalArgumentException.class, () -> new QuantParams(new float[] {1, 1}, new int[] {0}, perChannel));
        assertThrows(IllegalArgumentException.class,
                () -> new QuantParams(new float[] {1, 1}, new int[] {0, 0}, QuantScheme.INT8_SYMMETRIC));
        assertThrows(NullPointerException.class, () -> new QuantParams(new float[] {1}, new int[] {0}, null));
    }

    @Test
    void arraysAreCopiedInAndOut() {
        float[] scales = {0.5f, 0.25f};
        int[] zps = {0, 0};
        QuantParams p = new QuantParams(scales, zps, QuantScheme.int8WeightsPerChannel(1));
        scales[0] = 9f;
        zps[0] = 5;
        p.scales()[1] = 9f;
        p.zeroPoints()[1] = 5;
        assertArrayEquals(new float[] {0.5f, 0.25f}, p.scales());
        assertArrayEquals(new int[] {0, 0}, p.zeroPoints());
    }

    @Test
    void equalParamsAreEqual() {
        QuantParams a = QuantParams.forRange(new TensorRange(-1, 3), QuantScheme.UINT8_ASYMMETRIC);
        QuantParams b = new QuantParams(new float[] {(float) (4.0 / 255.0)}, new int[] {64}, QuantScheme.UINT8_ASYMMETRIC);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, unitScale(QuantScheme.UINT8_ASYMMETRIC, 64));
        assertNotEquals(a, new QuantParams(new float[] {(float) (4.0 / 255.0)}, new int[] {64}, INT8_ASYMMETRIC));
    }

    @Test
    void narrowRangeSchemesRefuseTheUnusedMostNegativeLevelAsZeroPoint() {
        QuantScheme narrow = QuantScheme.int8WeightsPerTensor();
        assertThrows(CalibrationException.class, () -> new QuantParams(new float[] {1f}, new int[] {-128}, narrow));
    }

    @Test
    void aRangeWhoseScaleOverflowsFloat32IsAnErrorNamingTheFix() {
        CalibrationException e = assertThrows(CalibrationException.class,
                () -> QuantParams.forRange(new TensorRange(-1e41, 1e41), QuantScheme.INT8_SYMMETRIC));
        assertTrue(e.getMessage().contains("fixed range"), e.getMessage());
    }
}
