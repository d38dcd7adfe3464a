package org.quant4j.calibration.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quant4j.api.CalibrationException;
import org.quant4j.api.QuantParams;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.Calibrator;
import org.quant4j.api.calibration.CalibratorOptions;
import org.quant4j.api.calibration.Calibrators;

/** Behaviour shared by all calibrators, and the min-max ones in detail. */
class MinMaxCalibratorsTest {

    private static final List<String> ALL = List.of("minmax", "moving-average-minmax", "entropy", "percentile", "mse");

    @Test
    void minMaxTracksRunningExtremes() {
        MinMaxCalibrator c = new MinMaxCalibrator(false);
        c.observe(new float[] {3, -1, 2});
        c.observe(new float[] {5, -4});
        c.observe(new float[] {0});
        assertEquals(new TensorRange(-4, 5), c.range());
        assertEquals(6, c.count());
        MinMaxCalibrator s = new MinMaxCalibrator(true);
        s.observe(new float[] {3, -1, 2});
        s.observe(new float[] {5, -4});
        assertEquals(new TensorRange(-5, 5), s.range());
    }

    @Test
    void movingAverageFollowsTorchUpdateRule() {
        // c = 0.5. Batch 1 initialises: min -1, max 2. Batch 2 (min -3, max 4): min = -1 + 0.5 * (-3 + 1) = -2,
        // max = 2 + 0.5 * (4 - 2) = 3. Batch 3 (min -5, max 7): min = -2 + 0.5 * (-5 + 2) = -3.5,
        // max = 3 + 0.5 * (7 - 3) = 5.
        MovingAverageMinMaxCalibrator c = new MovingAverageMinMaxCalibrator(0.5, false);
        c.observe(new float[] {-1, 0, 2});
        c.observe(new float[] {4, -3});
        c.observe(new float[] {-5, 1, 7});
        assertEquals(new TensorRange(-3.5, 5), c.range());
        MovingAverageMinMaxCalibrator s = new MovingAverageMinMaxCalibrator(0.5, true);
        s.observe(new float[] {-1, 0, 2});
        s.observe(new float[] {4, -3});
        s.observe(new float[] {-5, 1, 7});
        assertEquals(new TensorRange(-5, 5), s.range());
    }

    @Test
    void movingAverageIgnoresBatchesWithoutFiniteValues() {
        MovingAverageMinMaxCalibrator c = new MovingAverageMinMaxCalibrator(0.5, false);
        c.observe(new float[] {Float.NaN});
        c.observe(new float[] {-1, 2});
        c.observe(new float[] {Float.POSITIVE_INFINITY, Float.NaN});
        assertEquals(new TensorRange(-1, 2), c.range());
        assertEquals(3, c.nonFiniteCount());
        assertEquals(2, c.count());
    }

    @Test
    void nonFiniteValuesAreSkippedAndCountedByEveryCalibrator() {
        for (String name : ALL) {
            Calibrator c = Calibrators.create(name);
            c.observe(new float[] {Float.NaN, 1, Float.POSITIVE_INFINITY, -2, Float.NEGATIVE_INFINITY});
            assertEquals(3, c.nonFiniteCount(), name);
            assertEquals(2, c.count(), name);
            TensorRange r = c.range();
            assertTrue(Double.isFinite(r.min()) && Double.isFinite(r.max()), name);
            assertTrue(r.min() >= -2 && r.max() <= 1, name + " " + r);
        }
    }

    @Test
    void noFiniteValueIsACalibrationError() {
        for (String name : ALL) {
            Calibrator empty = Calibrators.create(name);
            CalibrationException e = assertThrows(CalibrationException.class, empty::range, name);
            assertTrue(e.getMessage().startsWith("no finite value observed: "), e.getMessage());
            Calibrator allNaN = Calibrators.create(name);
            allNaN.observe(new float[] {Float.NaN, Float.NaN});
            assertThrows(CalibrationException.class, allNaN::range, name);
        }
    }

    @Test
    void constantTensorGivesDegenerateRangeAndAValidScale() {
        float[] constant = new float[1000];
        java.util.Arrays.fill(constant, 2.5f);
        for (String name : ALL) {
            Calibrator c = Calibrators.create(name);
            c.observe(constant);
            c.observe(constant);
            TensorRange r = c.range();
            assertEquals(new TensorRange(2.5, 2.5), r, name);
            assertTrue(r.isDegenerate());
            for (QuantScheme scheme : List.of(QuantScheme.UINT8_ASYMMETRIC, QuantScheme.INT8_SYMMETRIC)) {
                float scale = QuantParams.forRange(r, scheme).scale(0);
                assertTrue(scale > 0 && Float.isFinite(scale), name + " " + scheme + " scale " + scale);
            }
            Calibrator symmetric = Calibrators.create(name, CalibratorOptions.empty().with("symmetric", "true"));
            symmetric.observe(constant);
            assertEquals(new TensorRange(-2.5, 2.5), symmetric.range(), name);
        }
    }

    @Test
    void allZeroTensorGivesZeroRange() {
        for (String name : ALL) {
            Calibrator c = Calibrators.create(name);
            c.observe(new float[100]);
            assertEquals(new TensorRange(0, 0), c.range(), name);
            assertEquals(1.0f, QuantParams.forRange(c.range(), QuantScheme.INT8_SYMMETRIC).scale(0));
        }
    }

    @Test
    void resetForgetsEverything() {
        for (String name : ALL) {
            Calibrator c = Calibrators.create(name);
            c.observe(new float[] {1, Float.NaN, -3});
            c.reset();
            assertEquals(0, c.count(), name);
            assertEquals(0, c.nonFiniteCount(), name);
            assertThrows(CalibrationException.class, c::range, name);
            c.observe(new float[] {0.5f, 0.25f});
            assertTrue(c.range().amax() <= 0.5, name);
        }
    }

    @Test
    void rangeMayBeTakenWhileObservationContinues() {
        MinMaxCalibrator c = new MinMaxCalibrator(false);
        c.observe(new float[] {1, 2});
        assertEquals(new TensorRange(1, 2), c.range());
        c.observe(new float[] {-1});
        assertEquals(new TensorRange(-1, 2), c.range());
    }

    @Test
    void extremesOfEachBatchGiveWhatTheValuesGive() {
        float[][] batches = {{3, -1, 2, Float.NaN}, {5, -4}, {0.5f}, {-7, 9, 1, 1}};
        for (String name : List.of("minmax", "moving-average-minmax")) {
            for (boolean symmetric : new boolean[] {false, true}) {
                java.util.Map<String, String> map = new java.util.HashMap<>();
                map.put(CalibratorOptions.SYMMETRIC, Boolean.toString(symmetric));
                if (name.startsWith("moving")) {
                    map.put("averagingConstant", "0.3");
                }
                CalibratorOptions options = CalibratorOptions.of(map);
                Calibrator values = Calibrators.create(name, options);
                Calibrator extremes = Calibrators.create(name, options);
                assertTrue(extremes.observesExtremesOnly(), name);
                for (float[] b : batches) {
                    values.observe(b);
                    float lo = Float.POSITIVE_INFINITY;
                    float hi = Float.NEGATIVE_INFINITY;
                    int finite = 0;
                    for (float v : b) {
                        if (Float.isFinite(v)) {
                            lo = Math.min(lo, v);
                            hi = Math.max(hi, v);
                            finite++;
                        }
                    }
                    extremes.observeExtremes(lo, hi, finite);
                }
                assertEquals(values.range(), extremes.range(), name + " symmetric " + symmetric);
                assertEquals(values.count(), extremes.count(), name);
            }
        }
        MovingAverageMinMaxCalibrator moving = new MovingAverageMinMaxCalibrator(0.5, false);
        moving.observeExtremes(-2, 2, 3);
        moving.observeExtremes(0, 4, 3);
        // Independently: the averages move half way to each new batch's extremes.
        assertEquals(new TensorRange(-1, 3), moving.range());
    }

    @Test
    void histogramCalibratorsNeedTheValuesAndBadExtremesAreRefused() {
        for (String name : List.of("entropy", "percentile", "mse")) {
            Calibrator c = Calibrators.create(name);
            assertTrue(!c.observesExtremesOnly(), name);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> c.observeExtremes(0, 1, 1), name);
            assertTrue(e.getMessage().contains("call observe()"), e.getMessage());
        }
        MinMaxCalibrator c = new MinMaxCalibrator(false);
        assertThrows(IllegalArgumentException.class, () -> c.observeExtremes(Float.NaN, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> c.observeExtremes(0, Float.POSITIVE_INFINITY, 1));
        assertThrows(IllegalArgumentException.class, () -> c.observeExtremes(2, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> c.observeExtremes(0, 1, 0));
        assertEquals(0, c.count());
    }
}
