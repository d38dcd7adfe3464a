package org.quant4j.api.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ServiceLoader;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quant4j.api.CalibrationException;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantParams;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.TensorRange;

/**
 * Behaviour every {@link CalibratorProvider} must have. Shipped in quant-api's test-jar: a module
 * that provides calibrators extends this class once per provider (SLF4J's API test-jar pattern).
 */
public abstract class CalibratorProviderContract {

    /** The provider under test. */
    protected abstract CalibratorProvider provider();

    private Calibrator fresh() {
        return provider().create(CalibratorOptions.empty());
    }

    @Test
    void isListedInMetaInfServices() {
        boolean found = ServiceLoader.load(CalibratorProvider.class).stream()
                .anyMatch(p -> p.type().equals(provider().getClass()));
        assertTrue(found, provider().getClass().getName() + " is missing from META-INF/services");
    }

    @Test
    void nameIsTheMethodIdAndIsFoundByLookup() {
        assertEquals(provider().method().id(), provider().name());
        assertEquals(provider().method(), Calibrators.create(provider().name()).method());
    }

    @Test
    void supportsTheSymmetricOption() {
        assertTrue(provider().supportedOptions().contains(CalibratorOptions.SYMMETRIC));
    }

    @Test
    void unknownOptionIsRejectedWithTheSupportedOnesListed() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Calibrators.create(provider().name(), CalibratorOptions.parse("noSuchOption=1")));
        assertTrue(e.getMessage().contains("noSuchOption"), e.getMessage());
    }

    @Test
    void nothingObservedIsACalibrationError() {
        assertThrows(CalibrationException.class, () -> fresh().range());
    }

    @Test
    void onlyNonFiniteValuesIsACalibrationErrorAndTheyAreCounted() {
        Calibrator c = fresh();
        c.observe(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY});
        assertEquals(3, c.nonFiniteCount());
        assertEquals(0, c.count());
        assertThrows(CalibrationException.class, c::range);
    }

    @Test
    void nonFiniteValuesDoNotReachTheRange() {
        Calibrator c = fresh();
        c.observe(new float[] {-1f, Float.NaN, 0.5f, 1f, Float.POSITIVE_INFINITY});
        TensorRange r = c.range();
        assertTrue(Double.isFinite(r.min()) && Double.isFinite(r.max()));
        assertTrue(r.amax() <= 1.0 + 1e-6, "range " + r + " exceeds the finite values");
        assertEquals(3, c.count());
        assertEquals(2, c.nonFiniteCount());
    }

    @Test
    void allZeroTensorGivesAZeroRangeThatStillHasAPositiveScale() {
        Calibrator c = fresh();
        c.observe(new float[1000]);
        TensorRange r = c.range();
        assertEquals(0.0, r.amax());
        QuantParams p = QuantParams.forRange(r, QuantScheme.INT8_SYMMETRIC);
        assertTrue(p.scale(0) > 0 && Float.isFinite(p.scale(0)));
    }

    @Test
    void constantTensorGivesARangeReachingTheConstant() {
        Calibrator c = fresh();
        float[] v = new float[4096];
        java.util.Arrays.fill(v, 2.5f);
        c.observe(v);
        TensorRange r = c.range();
        // Histogram methods place the constant inside a bin: allow one bin of 2048 of slack.
        assertEquals(2.5, r.max(), 2.5 / 1024);
        assertTrue(r.min() >= 0 || r.min() == -r.max(), "unexpected range " + r);
    }

    @Test
    void symmetricOptionGivesARangeCentredOnZero() {
        Calibrator c = provider().create(CalibratorOptions.parse("symmetric=true"));
        SplittableRandom random = new SplittableRandom(1);
        float[] v = new float[10_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextDouble() * 3 - 1); // [-1, 2)
        }
        c.observe(v);
        TensorRange r = c.range();
        assertEquals(-r.max(), r.min());
        assertTrue(r.max() > 1.0, "a symmetric range of [-1, 2) data must extend beyond 1, got " + r);
    }

    @Test
    void asymmetricRangeOfNonNegativeDataStartsAtZeroOrAbove() {
        Calibrator c = provider().create(CalibratorOptions.parse("symmetric=false"));
        SplittableRandom random = new SplittableRandom(2);
        float[] v = new float[10_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextDouble(); // ReLU-like output
        }
        c.observe(v);
        assertTrue(c.range().min() >= 0, "range of non-negative data: " + c.range());
    }

    @Test
    void resetForgetsEverything() {
        Calibrator c = fresh();
        c.observe(new float[] {5f, -5f, Float.NaN});
        c.reset();
        assertEquals(0, c.count());
        assertEquals(0, c.nonFiniteCount());
        c.observe(new float[] {0.25f, -0.25f});
        assertFalse(c.range().amax() > 0.25 + 1e-6, "reset kept old values: " + c.range());
    }
}
