package org.quant4j.calibration.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quant4j.api.TensorRange;

class MseCalibratorTest {

    @Test
    void squaredErrorsMatchHandComputation() {
        // Counts [2, 0, 1, 1], bin centres 0.5, 1.5, 2.5, 3.5 (bin width 1), candidates i = 2, 3, 4.
        // i = 2: step 2/127. 0.5 -> rint(31.75) = 32 -> 64/127, error 0.5/127 (x2 values);
        //   bin 1 is empty; 2.5 and 3.5 clip to 2: errors 0.5^2 + 1.5^2 = 2.5.
        // i = 3: step 3/127. 0.5 -> rint(21.17) = 21 -> 63/127, error 0.5/127 (x2);
        //   2.5 -> rint(105.83) = 106 -> 318/127, error 0.5/127; 3.5 clips to 3: 0.25.
        // i = 4: step 4/127. 0.5 -> 16 -> 64/127 (0.5/127, x2); 2.5 -> rint(79.375) = 79 -> 316/127
        //   (1.5/127); 3.5 -> rint(111.125) = 111 -> 444/127 (0.5/127).
        double unit = 1.0 / (127.0 * 127.0);
        double[] expected = {
            2.5 + 2 * 0.25 * unit,
            0.25 + 3 * 0.25 * unit,
            (2 * 0.25 + 2.25 + 0.25) * unit,
        };
        assertArrayEquals(expected, MseCalibrator.squaredErrors(new long[] {2, 0, 1, 1}, 2, 1), 1e-12);
    }

    @Test
    void levelSumsAgreeWithBinByBinQuantization() {
        SplittableRandom r = new SplittableRandom(21);
        for (int trial = 0; trial < 5; trial++) {
            int n = 150 + r.nextInt(400);
            long[] counts = new long[n];
            for (int j = 0; j < n; j++) {
                counts[j] = r.nextInt(3) == 0 ? 0 : r.nextInt(500);
            }
            int stride = 1 + r.nextInt(4);
            double[] fast = MseCalibrator.squaredErrors(counts, 128, stride);
            for (int c = 0; c < fast.length; c++) {
                double direct = directSquaredError(counts, 128 + c * stride);
                assertEquals(direct, fast[c], 1e-9 * direct, "trial " + trial + " candidate " + c);
            }
        }
    }

    /** Every bin quantized on its own with Math.rint (round half to even). */
    private static double directSquaredError(long[] counts, int i) {
        double step = i / 127.0;
        double sum = 0;
        for (int j = 0; j < counts.length; j++) {
            double u = j + 0.5;
            double q = u > i ? i : Math.rint(u / step) * step;
            sum += counts[j] * (u - q) * (u - q);
        }
        return sum;
    }

    @Test
    void mseClipsARareFarOutlier() {
        // 1e6 values uniform on [0, 1) and one at 100. Clipping at T costs about (100 - T)^2;
        // quantizing the bulk costs about 1e6 * (T / 127)^2 / 12 = 5.2 T^2. The sum is least near
        // T = 100 / 6.2 = 16, far below the outlier (keeping it would cost about 5.2e4).
        SplittableRandom r = new SplittableRandom(8);
        float[] data = new float[1_000_001];
        for (int i = 0; i < data.length - 1; i++) {
            data[i] = (float) r.nextDouble();
        }
        data[data.length - 1] = 100f;
        MseCalibrator c = new MseCalibrator(2048, 128, 1, false);
        c.observe(data);
        TensorRange range = c.range();
        assertTrue(range.max() < 50, "threshold " + range.max() + " should clip the outlier at 100");
        assertTrue(range.max() > 6, "threshold " + range.max());
        // Asymmetric: the observed minimum, a hair above 0, stays the lower end.
        assertTrue(range.min() >= 0 && range.min() < 1e-3, "min " + range.min());
    }

    @Test
    void mseKeepsNearlyTheWholeRangeOfUniformData() {
        // |x| uniform on [0, 1]: clipping at T costs (1 - T)^3 / 3 per value, quantization about
        // (T / 127)^2 / 12; the derivative vanishes at 1 - T = T / 254, i.e. T = 0.996.
        SplittableRandom r = new SplittableRandom(4);
        float[] data = new float[500_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (r.nextDouble() * 2 - 1);
        }
        MseCalibrator c = new MseCalibrator(2048, 128, 1, true);
        c.observe(data);
        assertTrue(c.range().amax() > 0.98, "threshold " + c.range().amax());
        assertTrue(c.range().amax() <= 1.0);
    }
}
