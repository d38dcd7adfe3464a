package org.quant4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class QuantSchemeTest {

    @Test
    void builderDefaultsToInt8SymmetricPerTensorFullRange() {
        QuantScheme s = QuantScheme.builder().build();
        assertEquals(Precision.INT8, s.precision());
        assertTrue(s.symmetric());
        assertFalse(s.perChannel());
        assertEquals(-1, s.axis());
        assertFalse(s.narrowRange());
        assertEquals(-128, s.qmin());
        assertEquals(127, s.qmax());
        assertEquals(QuantScheme.INT8_SYMMETRIC, s);
    }

    @Test
    void constantsDescribeTheUsualSchemes() {
        assertEquals(Precision.UINT8, QuantScheme.UINT8_ASYMMETRIC.precision());
        assertFalse(QuantScheme.UINT8_ASYMMETRIC.symmetric());
        QuantScheme weights = QuantScheme.int8WeightsPerChannel(1);
        assertTrue(weights.perChannel() && weights.symmetric() && weights.narrowRange());
        assertEquals(1, weights.axis());
        assertEquals(-127, weights.qmin());
        QuantScheme perTensor = QuantScheme.int8WeightsPerTensor();
        assertFalse(perTensor.perChannel());
        assertTrue(perTensor.narrowRange());
    }

    @Test
    void narrowRangeDropsTheLowestLevelOnly() {
        assertEquals(-127, QuantScheme.builder().narrowRange(true).build().qmin());
        assertEquals(1, QuantScheme.builder().precision(Precision.UINT8).narrowRange(true).build().qmin());
        assertEquals(255, QuantScheme.builder().precision(Precision.UINT8).narrowRange(true).build().qmax());
        assertEquals(-7, QuantScheme.builder().precision(Precision.INT4).narrowRange(true).build().qmin());
    }

    @Test
    void reducedRangeUsesSevenBitLevels() {
        QuantScheme w = QuantScheme.int8WeightsPerChannel(0).toBuilder().reducedRange(true).build();
        assertEquals(-64, w.qmin());
        assertEquals(64, w.qmax());
        assertTrue(w.reducedRange());
        QuantScheme u = QuantScheme.UINT8_ASYMMETRIC.toBuilder().reducedRange(true).build();
        assertEquals(0, u.qmin());
        assertEquals(127, u.qmax());
        // A pair of uint8 x int8 products with 7-bit weights fits int16: 255 * 64 * 2 = 32640 <= 32767.
        assertTrue(255 * w.qmax() * 2 <= Short.MAX_VALUE);
        assertEquals(w, w.toBuilder().build());
        assertTrue(!w.equals(QuantScheme.int8WeightsPerChannel(0)));
        assertTrue(w.toString().contains("reduced-range(-64..64)"), w.toString());
    }

    @Test
    void reducedRangeQuantParamsMapAmaxToLevel64() {
        QuantScheme w = QuantScheme.int8WeightsPerTensor().toBuilder().reducedRange(true).build();
        QuantParams p = QuantParams.forRange(new TensorRange(-0.5, 1.28), w);
        assertEquals(0.02f, p.scale(0), 1e-9f);
        assertEquals(64, p.quantize(5f, 0));
        assertEquals(-64, p.quantize(-5f, 0));
        assertEquals(-25, p.quantize(-0.5f, 0));
    }

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"FP32", "FP16", "BF16"})
    void floatingPrecisionIsRefused(Precision p) {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> QuantScheme.builder().precision(p).build());
        assertTrue(e.getMessage().contains(p.name()), e.getMessage());
    }

    @Test
    void perChannelNeedsANonNegativeAxis() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> QuantScheme.builder().perChannel(-1).build());
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertEquals(0, QuantScheme.builder().perChannel(0).build().axis());
    }

    @Test
    void perTensorUndoesPerChannel() {
        QuantScheme s = QuantScheme.builder().perChannel(2).perTensor().build();
        assertFalse(s.perChannel());
        assertEquals(-1, s.axis());
    }

    @Test
    void builderRefusesNullPrecision() {
        assertThrows(NullPointerException.class, () -> QuantScheme.builder().precision(null));
    }

    @Test
    void toBuilderRebuildsAnEqualScheme() {
        QuantScheme[] schemes = {QuantScheme.INT8_SYMMETRIC, QuantScheme.UINT8_ASYMMETRIC,
            QuantScheme.int8WeightsPerChannel(3), QuantScheme.int8WeightsPerTensor()};
        for (QuantScheme s : schemes) {
            assertEquals(s, s.toBuilder().build());
            assertEquals(s.hashCode(), s.toBuilder().build().hashCode());
        }
        assertEquals(QuantScheme.int8WeightsPerTensor(), QuantScheme.int8WeightsPerChannel(0).toBuilder().perTensor().build());
    }

    @Test
    void schemesDifferingInOneSettingAreNotEqual() {
        QuantScheme base = QuantScheme.INT8_SYMMETRIC;
        assertNotEquals(base, base.toBuilder().narrowRange(true).build());
        assertNotEquals(base, base.toBuilder().symmetric(false).build());
        assertNotEquals(base, base.toBuilder().precision(Precision.UINT8).build());
        assertNotEquals(QuantScheme.int8WeightsPerChannel(0), QuantScheme.int8WeightsPerChannel(1));
    }

    @Test
    void toStringNamesEverySetting() {
        assertEquals("int8 symmetric per-channel(axis=0) narrow-range", QuantScheme.int8WeightsPerChannel(0).toString());
        assertEquals("uint8 asymmetric per-tensor", QuantScheme.UINT8_ASYMMETRIC.toString());
    }
}
