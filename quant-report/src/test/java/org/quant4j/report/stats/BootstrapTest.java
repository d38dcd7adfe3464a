package org.quant4j.report.stats;

import org.quant4j.api.stats.ConfidenceInterval;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quant4j.api.evaluate.Predictions;
import org.quant4j.report.Fixtures;

class BootstrapTest {

    private static Bootstrap bootstrap(long seed) {
        return new Bootstrap(StatisticsOptions.withSeed(seed));
    }

    @Test
    void sameSeedGivesSameInterval() {
        Predictions p = Fixtures.withAccuracy(500, 430);
        assertEquals(bootstrap(7).accuracy(p), bootstrap(7).accuracy(p));
    }

    @Test
    void differentSeedGivesDifferentInterval() {
        Predictions p = Fixtures.withAccuracy(500, 430);
        ConfidenceInterval a = bootstrap(7).accuracy(p);
        ConfidenceInterval b = bootstrap(8).accuracy(p);
        assertEquals(a.estimate(), b.estimate());
        assertNotEquals(a, b);
    }

    @Test
    void intervalContainsEstimateAndMatchesBinomialWidth() {
        ConfidenceInterval ci = bootstrap(1).accuracy(Fixtures.withAccuracy(1000, 900));
        assertEquals(0.9, ci.estimate(), 1e-12);
        assertTrue(ci.contains(0.9));
        assertEquals(0.95, ci.level());
        // Normal approximation: 2 * 1.96 * sqrt(0.9 * 0.1 / 1000) = 0.0372.
        assertTrue(ci.width() > 0.030 && ci.width() < 0.045, "width " + ci.width());
    }

    @Test
    void intervalNarrowsAsSamplesGrow() {
        ConfidenceInterval small = bootstrap(3).accuracy(Fixtures.withAccuracy(100, 80));
        ConfidenceInterval large = bootstrap(3).accuracy(Fixtures.withAccuracy(10_000, 8000));
        assertTrue(small.contains(0.8) && large.contains(0.8));
        // Width scales as 1/sqrt(n): about ten times narrower for 100 times the samples.
        assertTrue(large.width() < small.width() / 5, small.width() + " vs " + large.width());
    }

    @Test
    void identicalModelsHaveZeroDifference() {
        Predictions p = Fixtures.reference(300, 0.85, 5);
        ConfidenceInterval ci = bootstrap(2).accuracyDifference(p, p);
        assertEquals(new ConfidenceInterval(0, 0, 0, 0.95), ci);
    }

    @Test
    void pairedDifferenceEstimateIsTheAccuracyDifference() {
        // Reference right on 4 of 6, candidate right on 5 of 6: difference +1/6.
        int[] labels = {0, 1, 2, 0, 1, 2};
        Predictions reference = Fixtures.top1(labels, new int[] {0, 1, 2, 0, 0, 0});
        Predictions candidate = Fixtures.top1(labels, new int[] {0, 1, 2, 0, 1, 0});
        ConfidenceInterval ci = bootstrap(4).accuracyDifference(reference, candidate);
        assertEquals(1.0 / 6, ci.estimate(), 1e-12);
        assertTrue(ci.lower() >= 0, "the candidate is never worse on any sample: " + ci);
        assertTrue(ci.contains(ci.estimate()));
    }

    @Test
    void pairedIntervalIsNarrowerThanIndependentAccuracies() {
        Predictions reference = Fixtures.reference(2000, 0.9, 11);
        Predictions candidate = Fixtures.perturb(reference, 0.01, 0.02, 12);
        ConfidenceInterval paired = bootstrap(5).accuracyDifference(reference, candidate);
        ConfidenceInterval single = bootstrap(5).accuracy(candidate);
        // Few samples change between the two models, so their difference varies far less than either accuracy.
        assertTrue(paired.width() < single.width() / 2, paired + " vs " + single);
    }
}
