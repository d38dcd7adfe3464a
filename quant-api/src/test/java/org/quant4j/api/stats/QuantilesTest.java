package org.quant4j.api.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QuantilesTest {

    @Test
    void interpolatesBetweenOrderStatisticsLikeRAndNumPy() {
        double[] sorted = {1, 2, 3, 4};
        // h = (n - 1) p: p=0.1 -> 0.3 -> 1.3; p=0.5 -> 1.5 -> 2.5; p=1 -> 4.
        assertEquals(1.3, Quantiles.ofSorted(sorted, 0.1), 1e-12);
        assertEquals(2.5, Quantiles.ofSorted(sorted, 0.5), 1e-12);
        assertEquals(4.0, Quantiles.ofSorted(sorted, 1.0));
        assertEquals(1.0, Quantiles.ofSorted(sorted, 0.0));
        assertEquals(2.5, Quantiles.of(new double[] {4, 1, 3, 2}, 0.5), 1e-12);
    }
}
