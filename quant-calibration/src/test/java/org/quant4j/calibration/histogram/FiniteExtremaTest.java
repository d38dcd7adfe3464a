package org.quant4j.calibration.histogram;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FiniteExtremaTest {

    @Test
    void findsSignedExtremesOfFiniteValues() {
        FiniteExtrema e = FiniteExtrema.of(new float[] {3f, -7.5f, 2f, 6f}, 0, 4);
        assertEquals(-7.5f, e.min());
        assertEquals(6f, e.max());
        assertEquals(4, e.finiteCount());
        assertEquals(0, e.nonFiniteCount());
        assertEquals(7.5, e.maxAbs());
    }

    @Test
    void skipsNaNAndInfinities() {
        FiniteExtrema e = FiniteExtrema.of(
                new float[] {Float.NEGATIVE_INFINITY, 1f, Float.NaN, -2f, Float.POSITIVE_INFINITY}, 0, 5);
        assertEquals(-2f, e.min());
        assertEquals(1f, e.max());
        assertEquals(2, e.finiteCount());
        assertEquals(3, e.nonFiniteCount());
    }

    @Test
    void noFiniteValueGivesIdentityExtremes() {
        FiniteExtrema e = FiniteExtrema.of(new float[] {Float.NaN}, 0, 1);
        assertEquals(Float.POSITIVE_INFINITY, e.min());
        assertEquals(Float.NEGATIVE_INFINITY, e.max());
        assertEquals(0.0, e.maxAbs());
        assertEquals(0, FiniteExtrema.of(new float[0], 0, 0).finiteCount());
    }

    @Test
    void negativeZeroIsReportedAsZero() {
        FiniteExtrema e = FiniteExtrema.of(new float[] {-0f, -0f}, 0, 2);
        assertEquals(0, Float.floatToRawIntBits(e.min()));
        assertEquals(0, Float.floatToRawIntBits(e.max()));
    }
}
