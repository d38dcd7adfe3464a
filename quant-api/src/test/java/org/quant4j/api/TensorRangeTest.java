package org.quant4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TensorRangeTest {

    @ParameterizedTest
    @CsvSource({"NaN, 1", "0, NaN", "-Infinity, 0", "0, Infinity", "NaN, NaN"})
    void nonFiniteBoundsAreRefused(double min, double max) {
        assertThrows(CalibrationException.class, () -> new TensorRange(min, max));
    }

    @Test
    void minAboveMaxIsRefusedWithBothValues() {
        CalibrationException e = assertThrows(CalibrationException.class, () -> new TensorRange(2, 1));
        assertTrue(e.getMessage().contains("2.0") && e.getMessage().contains("1.0"), e.getMessage());
    }

    @Test
    void degenerateRangeIsAllowed() {
        TensorRange r = new TensorRange(3, 3);
        assertTrue(r.isDegenerate());
        assertFalse(new TensorRange(3, 4).isDegenerate());
    }

    @Test
    void amaxIsTheLargerMagnitude() {
        assertEquals(3.0, new TensorRange(-3, 1).amax());
        assertEquals(5.0, new TensorRange(-1, 5).amax());
        assertEquals(5.0, new TensorRange(-5, -2).amax());
        assertEquals(0.0, new TensorRange(0, 0).amax());
    }

    @Test
    void symmetricUsesTheMagnitude() {
        assertEquals(new TensorRange(-2, 2), TensorRange.symmetric(2));
        assertEquals(new TensorRange(-2, 2), TensorRange.symmetric(-2));
        assertThrows(CalibrationException.class, () -> TensorRange.symmetric(Double.NaN));
    }

    @Test
    void includingZeroWidensOnlyWhenNeeded() {
        assertEquals(new TensorRange(0, 2), new TensorRange(1, 2).includingZero());
        assertEquals(new TensorRange(-2, 0), new TensorRange(-2, -1).includingZero());
        assertEquals(new TensorRange(-1, 2), new TensorRange(-1, 2).includingZero());
    }
}
