package org.quant4j.api.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;

class PercentileBootstrapTest {

    private static double[] gaussian(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            // Sum of 12 uniforms minus 6: mean 0, variance 1.
            double s = -6;
            for (int k = 0; k < 12; k++) {
                s += r.nextDouble();
            }
            v[i] = 3 + s;
        }
        return v;
    }

    @Test
    void meanIntervalContainsEstimateAndHasTheNormalWidth() {
        double[] v = gaussian(2000, 1);
        ConfidenceInterval ci = new PercentileBootstrap(1000, 0.95, 5).interval(v.length, PercentileBootstrap.mean(v));
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        assertEquals(mean / v.length, ci.estimate(), 1e-12);
        assertTrue(ci.contains(ci.estimate()));
        // 2 * 1.96 * 1 / sqrt(2000) = 0.0877
        assertTrue(ci.width() > 0.07 && ci.width() < 0.105, "width " + ci.width());
    }

    @Test
    void intervalShrinksWithMoreSamples() {
        PercentileBootstrap b = new PercentileBootstrap(500, 0.95, 3);
        double[] small = gaussian(100, 2);
        double[] large = gaussian(10_000, 2);
        ConfidenceInterval s = b.interval(small.length, PercentileBootstrap.mean(small));
        ConfidenceInterval l = b.interval(large.length, PercentileBootstrap.mean(large));
        assertTrue(l.width() < s.width() / 5, s.width() + " vs " + l.width());
    }

    @Test
    void sameSeedSameIntervalsOtherSeedOther() {
        double[] v = gaussian(300, 4);
        assertEquals(new PercentileBootstrap(200, 0.9, 1).interval(300, PercentileBootstrap.mean(v)),
                new PercentileBootstrap(200, 0.9, 1).interval(300, PercentileBootstrap.mean(v)));
        assertNotEquals(new PercentileBootstrap(200, 0.9, 1).interval(300, PercentileBootstrap.mean(v)),
                new PercentileBootstrap(200, 0.9, 2).interval(300, PercentileBootstrap.mean(v)));
    }

    @Test
    void ratioAndMaxAreComputedOnTheObservedSamples() {
        double[] num = {1, 2, 3};
        double[] den = {2, 2, 2};
        List<ConfidenceInterval> ci = new PercentileBootstrap(100, 0.95, 0).intervals(3,
                List.of(PercentileBootstrap.ratio(num, den), PercentileBootstrap.max(num)));
        assertEquals(1.0, ci.get(0).estimate(), 1e-12);
        assertEquals(3.0, ci.get(1).estimate());
        assertTrue(ci.get(1).lower() >= 1 && ci.get(1).upper() == 3);
    }

    @Test
    void infiniteStatisticsGiveInfiniteBoundsNotNaN() {
        ConfidenceInterval ci = new PercentileBootstrap(50, 0.95, 0).interval(10, idx -> Double.POSITIVE_INFINITY);
        assertEquals(ConfidenceInterval.exactly(Double.POSITIVE_INFINITY, 0.95), ci);
    }

    @Test
    void rejectsZeroSamplesAndBadSettings() {
        PercentileBootstrap b = new PercentileBootstrap(10, 0.95, 0);
        assertThrows(InvalidInputException.class, () -> b.interval(0, idx -> 0));
        assertThrows(InvalidInputException.class, () -> new PercentileBootstrap(0, 0.95, 0));
        assertThrows(InvalidInputException.class, () -> new PercentileBootstrap(10, 1.0, 0));
        assertThrows(InvalidInputException.class, () -> new ConfidenceInterval(Double.NaN, 0, 1, 0.95));
    }
}
