package org.quant4j.report.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.report.Fixtures;

class McNemarTestTest {

    @Test
    void exactPValueOfKnownTableIsTwiceTheBinomialTail() {
        // b=1, c=9: p = 2 * (C(10,0) + C(10,1)) / 2^10 = 2 * 11 / 1024.
        McNemarTest test = McNemarTest.exact(1, 9);
        assertEquals(0.021484375, test.pValue(), 1e-15);
        assertEquals(1, test.b());
        assertEquals(9, test.c());
    }

    @Test
    void pValueIsSymmetricInBAndC() {
        assertEquals(McNemarTest.exact(1, 9).pValue(), McNemarTest.exact(9, 1).pValue(), 0);
    }

    @Test
    void equalDiscordantCountsGivePOne() {
        assertEquals(1.0, McNemarTest.exact(7, 7).pValue());
        assertEquals(1.0, McNemarTest.exact(0, 0).pValue());
        // b=2, c=3: 2 * (1 + 5 + 10) / 32 = 1, the tail already holds half the mass.
        assertEquals(1.0, McNemarTest.exact(2, 3).pValue());
    }

    @Test
    void allDiscordantPairsOnOneSide() {
        // b=0, c=5: 2 * C(5,0) / 2^5 = 2/32.
        assertEquals(0.0625, McNemarTest.exact(0, 5).pValue(), 1e-15);
        // b=2, c=10: 2 * (1 + 12 + 66) / 4096 = 158 / 4096.
        assertEquals(158.0 / 4096, McNemarTest.exact(2, 10).pValue(), 1e-15);
    }

    @Test
    void largeSampleAgreesWithNormalApproximation() {
        // b=400, c=500: continuity-corrected z = (100 - 1) / sqrt(900) = 3.3, two-sided normal p = 0.000967;
        // without correction z = 3.333, p = 0.000858. The exact p lies near these.
        double p = McNemarTest.exact(400, 500).pValue();
        assertTrue(p > 0.0007 && p < 0.0012, "exact p " + p);
        // b=50000, c=50500: z = 499 / sqrt(100500) = 1.574, two-sided p = 0.1155.
        double q = McNemarTest.exact(50_000, 50_500).pValue();
        assertTrue(q > 0.10 && q < 0.13, "exact p " + q);
    }

    @Test
    void extremeImbalanceUnderflowsToZeroWithoutNaN() {
        double p = McNemarTest.exact(0, 5000).pValue();
        assertTrue(p >= 0 && p < 1e-300, "p " + p);
    }

    @Test
    void countsDiscordantPairsFromPredictions() {
        int[] labels = {0, 0, 0, 0, 1, 1, 1, 1};
        int[] reference = {0, 0, 1, 1, 1, 0, 1, 0};
        int[] candidate = {0, 1, 0, 1, 1, 1, 0, 0};
        // Sample 1: ref right, cand wrong (b). Sample 2: ref wrong, cand right (c). Sample 5: c. Sample 6: b.
        McNemarTest test = McNemarTest.compare(Fixtures.top1(labels, reference), Fixtures.top1(labels, candidate));
        assertEquals(2, test.b());
        assertEquals(2, test.c());
        assertEquals(1.0, test.pValue());
    }

    @Test
    void rejectsPredictionsOnDifferentSamples() {
        var a = Fixtures.top1(new int[] {0, 1}, new int[] {0, 1});
        var b = Fixtures.top1(new int[] {1, 1}, new int[] {0, 1});
        assertThrows(InvalidInputException.class, () -> McNemarTest.compare(a, b));
    }
}
