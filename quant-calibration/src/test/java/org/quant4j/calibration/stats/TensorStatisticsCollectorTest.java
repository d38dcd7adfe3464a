package org.quant4j.calibration.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.CalibratorOptions;

class TensorStatisticsCollectorTest {

    @Test
    void meanAndStdOverBatchesMatchHandComputation() {
        // Finite values 1, 2, 3, 4: mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5,
        // population variance 5 / 4 = 1.25.
        TensorStatisticsCollector c = new TensorStatisticsCollector("conv1", List.of("minmax"));
        c.observe(new float[] {1, 2});
        c.observe(new float[] {3, Float.NaN, 4});
        TensorStatistics s = c.statistics();
        assertEquals("conv1", s.name());
        assertEquals(4, s.count());
        assertEquals(1, s.nonFiniteCount());
        assertEquals(1.0, s.min());
        assertEquals(4.0, s.max());
        assertEquals(2.5, s.mean(), 1e-15);
        assertEquals(Math.sqrt(1.25), s.std(), 1e-15);
        assertEquals(Map.of("minmax", new TensorRange(1, 4)), s.ranges());
    }

    @Test
    void varianceStaysAccurateFarFromZero() {
        // 1e6 + {1, 2, 3, 4} repeated: naive sum-of-squares in double would lose the 1.25 variance
        // against (1e6)^2 terms; the batch-merged update keeps it.
        TensorStatisticsCollector c = new TensorStatisticsCollector("x", List.of());
        float[] batch = {1_000_001f, 1_000_002f, 1_000_003f, 1_000_004f};
        for (int i = 0; i < 10_000; i++) {
            c.observe(batch);
        }
        TensorStatistics s = c.statistics();
        assertEquals(1_000_002.5, s.mean(), 1e-6);
        assertEquals(Math.sqrt(1.25), s.std(), 1e-9);
    }

    @Test
    void rangesOfEveryRequestedMethodInOrder() {
        Map<String, CalibratorOptions> methods = new LinkedHashMap<>();
        methods.put("percentile", CalibratorOptions.parse("percentile=100"));
        methods.put("MinMax", CalibratorOptions.parse("symmetric=true"));
        TensorStatisticsCollector c = new TensorStatisticsCollector("t", methods, 256);
        c.observe(new float[] {-1, 0.5f, 3});
        TensorStatistics s = c.statistics();
        assertEquals(List.of("percentile", "minmax"), List.copyOf(s.ranges().keySet()));
        assertEquals(new TensorRange(-1, 3), s.ranges().get("percentile"));
        assertEquals(new TensorRange(-3, 3), s.ranges().get("minmax"));
        assertEquals(256, s.histogramCounts().length);
        assertEquals(3.0 / 256, s.histogramBinWidth());
    }

    @Test
    void tensorWithoutFiniteValuesHasNoMomentsAndNoRanges() {
        TensorStatisticsCollector c = new TensorStatisticsCollector("dead", List.of("entropy"));
        c.observe(new float[] {Float.NaN, Float.NEGATIVE_INFINITY});
        TensorStatistics s = c.statistics();
        assertEquals(0, s.count());
        assertEquals(2, s.nonFiniteCount());
        assertTrue(Double.isNaN(s.mean()) && Double.isNaN(s.std()) && Double.isNaN(s.min()));
        assertTrue(s.ranges().isEmpty());
    }

    @Test
    void methodListedTwiceIsRejected() {
        assertThrows(InvalidInputException.class,
                () -> new TensorStatisticsCollector("t", List.of("minmax", "MINMAX")));
    }

    @Test
    void constantDataKeepsMeanInsideRange() {
        TensorStatisticsCollector c = new TensorStatisticsCollector("c", List.of());
        float[] batch = new float[3];
        java.util.Arrays.fill(batch, 0.1f);
        for (int i = 0; i < 7; i++) {
            c.observe(batch);
        }
        TensorStatistics s = c.statistics();
        assertEquals(0.1f, (float) s.mean());
        assertTrue(s.min() <= s.mean() && s.mean() <= s.max());
        assertEquals(0.0, s.std(), 1e-9);
    }
}
