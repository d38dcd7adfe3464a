package org.quant4j.sensitivity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RankCorrelationTest {

    @Test
    void tiesTakeTheMeanOfTheirRanks() {
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, RankCorrelation.ranks(new double[] {1, 2, 2, 3}));
        assertArrayEquals(new double[] {3, 1, 2}, RankCorrelation.ranks(new double[] {30, -1, 5}));
    }

    @Test
    void spearmanMatchesHandComputedValues() {
        // Ranks x = 1..5, y = 2,1,4,3,5: d = -1,1,-1,1,0, sum d^2 = 4, rho = 1 - 6*4/(5*24) = 0.8.
        assertEquals(0.8, RankCorrelation.spearman(new double[] {10, 20, 30, 40, 50},
                new double[] {2, 1, 4, 3, 5}).orElseThrow(), 1e-12);
        // Monotone but not linear: 1; reversed: -1.
        assertEquals(1, RankCorrelation.spearman(new double[] {1, 2, 3}, new double[] {1, 10, 1000}).orElseThrow(),
                1e-12);
        assertEquals(-1, RankCorrelation.spearman(new double[] {1, 2, 3}, new double[] {5, 4, -7}).orElseThrow(),
                1e-12);
        // With ties, Pearson of ranks x = 1,2.5,2.5,4 and y = 1,2,3,4: means 2.5, cov sum = 2.25+0+0+2.25 = 4.5,
        // var sums 4.5 and 5: rho = 4.5 / sqrt(22.5) = 0.9486832980505138.
        assertEquals(4.5 / Math.sqrt(22.5), RankCorrelation.spearman(new double[] {1, 2, 2, 3},
                new double[] {1, 2, 3, 4}).orElseThrow(), 1e-12);
    }

    @Test
    void nonFinitePairsAreLeftOutAndNoSpreadIsEmpty() {
        assertEquals(1, RankCorrelation.spearman(new double[] {1, Double.NaN, 2, 3},
                new double[] {1, 5, 2, Double.POSITIVE_INFINITY}).orElseThrow(), 1e-12);
        assertTrue(RankCorrelation.spearman(new double[] {1, 1, 1}, new double[] {1, 2, 3}).isEmpty());
        assertTrue(RankCorrelation.spearman(new double[] {1}, new double[] {1}).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> RankCorrelation.spearman(new double[2], new double[3]));
    }
}
