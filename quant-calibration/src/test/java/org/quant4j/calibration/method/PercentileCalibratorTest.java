package org.quant4j.calibration.method;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.quant4j.api.TensorRange;

class PercentileCalibratorTest {

    private static float[] oneToTenThousand() {
        float[] v = new float[10_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = i + 1;
        }
        return v;
    }

    @Test
    void percentileOfKnownValues() {
        // Values 1..10000: 99 % of them (9900 values) are <= 9900, so the 99th percentile is 9900.
        // With 2048 bins of width 10000 / 2048 = 4.8828125 the histogram gives it to within a bin.
        PercentileCalibrator c = new PercentileCalibrator(2048, 99, true);
        c.observe(oneToTenThousand());
        assertEquals(9900, c.range().max(), 10000.0 / 2048);
        assertEquals(-c.range().max(), c.range().min());
    }

    @Test
    void hundredthPercentileIsTheMaximum() {
        PercentileCalibrator c = new PercentileCalibrator(2048, 100, false);
        c.observe(oneToTenThousand());
        assertEquals(new TensorRange(1, 10000), c.range());
    }

    @Test
    void asymmetricRangeKeepsTheObservedMinimumOfNonNegativeData() {
        // ReLU-like data: the range is [0, T], not [-T, T].
        float[] v = oneToTenThousand();
        v[0] = 0;
        PercentileCalibrator c = new PercentileCalibrator(2048, 99, false);
        c.observe(v);
        assertEquals(0.0, c.range().min());
        assertEquals(9900, c.range().max(), 10000.0 / 2048);
    }

    @Test
    void asymmetricRangeClipsNegativeSideAtMinusThreshold() {
        // 9998 values 1..9998 plus one at -10000 and one at 10000. The 99th percentile of |x| is
        // about 9900; the observed minimum -10000 is clipped to -T.
        float[] v = oneToTenThousand();
        v[0] = -10000;
        PercentileCalibrator c = new PercentileCalibrator(2048, 99, false);
        c.observe(v);
        TensorRange r = c.range();
        assertEquals(-r.max(), r.min());
        assertEquals(9900, r.max(), 2 * 10000.0 / 2048);
    }
}
