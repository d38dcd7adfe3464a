package org.quant4j.calibration.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.Calibrator;
import org.quant4j.api.calibration.CalibratorOptions;
import org.quant4j.api.calibration.Calibrators;

class EntropyCalibratorTest {

    @Test
    void divergenceMatchesHandComputation() {
        // Histogram [4, 2, 0, 2, 1], 2 levels.
        // i = 4: P = [4, 2, 0, 2 + 1] / 9. Groups floor(j * 2 / 4): {0, 1}, {2, 3}. Group 0 sums 6 over
        // 2 non-zero bins -> 3, 3; group 1 sums 2 over its one non-zero bin (3) -> 0, 2. Q = [3, 3, 0, 2] / 8.
        double kl4 = 4.0 / 9 * Math.log((4.0 / 9) / (3.0 / 8)) + 2.0 / 9 * Math.log((2.0 / 9) / (3.0 / 8))
                + 3.0 / 9 * Math.log((3.0 / 9) / (2.0 / 8));
        // i = 5: no outliers, P = [4, 2, 0, 2, 1] / 9. Groups floor(j * 2 / 5): {0, 1, 2}, {3, 4}.
        // Group 0: 6 over 2 non-zero bins -> 3, 3, 0; group 1: 3 over 2 -> 1.5, 1.5. Q = [3, 3, 0, 1.5, 1.5] / 9.
        double kl5 = 4.0 / 9 * Math.log(4.0 / 3) + 2.0 / 9 * Math.log(2.0 / 3) + 2.0 / 9 * Math.log(2.0 / 1.5)
                + 1.0 / 9 * Math.log(1.0 / 1.5);
        double[] kl = EntropyCalibrator.divergences(new double[] {4, 2, 0, 2, 1}, 4, 1, 2);
        assertEquals(2, kl.length);
        assertEquals(kl4, kl[0], 1e-12);
        assertEquals(kl5, kl[1], 1e-12);
    }

    @Test
    void outliersMovedIntoAnEmptyLastBinGiveInfiniteDivergence() {
        // i = 3: bin 2 is empty, but P[2] receives the 5 outliers while Q[2] stays 0.
        double[] kl = EntropyCalibrator.divergences(new double[] {1, 1, 0, 5}, 3, 1, 2);
        assertEquals(Double.POSITIVE_INFINITY, kl[0]);
        assertTrue(Double.isFinite(kl[1]));
    }

    @Test
    void prefixSumSearchAgreesWithDirectComputation() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 5; trial++) {
            int n = 200 + r.nextInt(200);
            double[] b = new double[n];
            for (int j = 0; j < n; j++) {
                b[j] = r.nextInt(4) == 0 ? 0 : r.nextInt(1000);
            }
            b[n - 1] = 3;
            int stride = 1 + r.nextInt(3);
            double[] fast = EntropyCalibrator.divergences(b, 128, stride, 128);
            for (int c = 0; c < fast.length; c++) {
                double direct = directDivergence(b, 128 + c * stride, 128);
                if (Double.isInfinite(direct)) {
                    assertEquals(direct, fast[c]);
                } else {
                    assertEquals(direct, fast[c], 1e-9 * Math.max(1, direct), "trial " + trial + " candidate " + c);
                }
            }
        }
    }

    /** pytorch-quantization's loop written out bin by bin, without prefix sums. */
    private static double directDivergence(double[] b, int i, int levels) {
        double[] p = new double[i];
        System.arraycopy(b, 0, p, 0, i);
        for (int j = i; j < b.length; j++) {
            p[i - 1] += b[j];
        }
        double[] groupSum = new double[levels];
        int[] groupNonZero = new int[levels];
        for (int j = 0; j < i; j++) {
            int g = (int) Math.floor((double) j * levels / i);
            groupSum[g] += b[j];
            groupNonZero[g] += b[j] > 0 ? 1 : 0;
        }
        double[] q = new double[i];
        for (int j = 0; j < i; j++) {
            int g = (int) Math.floor((double) j * levels / i);
            q[j] = b[j] > 0 ? groupSum[g] / groupNonZero[g] : 0;
        }
        double ps = 0;
        double qs = 0;
        for (int j = 0; j < i; j++) {
            ps += p[j];
            qs += q[j];
        }
        double kl = 0;
        for (int j = 0; j < i; j++) {
            double pj = p[j] / ps;
            double qj = q[j] / qs;
            if (pj > 0) {
                if (qj == 0) {
                    return Double.POSITIVE_INFINITY;
                }
                kl += pj * Math.log(pj / qj);
            }
        }
        return kl;
    }

    @Test
    void aSpikeOfZerosDoesNotMoveTheThreshold() {
        // pytorch-quantization gives bin 0 the count of bin 1 before the search.
        SplittableRandom r = new SplittableRandom(5);
        long[] counts = new long[512];
        for (int j = 0; j < counts.length; j++) {
            counts[j] = (long) (10000 * Math.exp(-j / 60.0)) + r.nextInt(3);
        }
        long[] spiked = counts.clone();
        spiked[0] = 5_000_000;
        assertEquals(EntropyCalibrator.bestThresholdBin(counts, 128, 1, 128),
                EntropyCalibrator.bestThresholdBin(spiked, 128, 1, 128));
    }

    @Test
    void entropyClipsGaussianOutliers() {
        float[] data = gaussianWithOutliers(1_000_000, 40f, 99);
        for (boolean outliersFirst : new boolean[] {true, false}) {
            Calibrator c = Calibrators.create("entropy", CalibratorOptions.empty().with("symmetric", "true"));
            observeInBatches(c, data, 10_000, outliersFirst);
            TensorRange range = c.range();
            // The samples reach |x| = 40 through the outliers; the bulk lies within about 5 sigma.
            assertEquals(-range.max(), range.min());
            assertTrue(range.amax() < 0.5 * 40, "amax " + range.amax() + " should clip the outliers at 40");
            assertTrue(range.amax() > 2.5, "amax " + range.amax() + " should keep the Gaussian's bulk");
        }
    }

    @Test
    void uniformDataKeepsNearlyTheWholeRange() {
        SplittableRandom r = new SplittableRandom(3);
        float[] data = new float[200_000];
        float max = 0;
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (r.nextDouble() * 2 - 1);
            max = Math.max(max, Math.abs(data[i]));
        }
        Calibrator c = Calibrators.create("entropy", CalibratorOptions.empty());
        c.observe(data);
        TensorRange range = c.range();
        assertTrue(range.amax() > 0.9 * max, "amax " + range.amax() + " vs max " + max);
        assertTrue(range.amax() <= max);
    }

    /** N(0, 1) samples with ten values at +-outlier spread over the data, seeded. */
    static float[] gaussianWithOutliers(int n, float outlier, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) gaussian(r);
        }
        for (int k = 0; k < 10; k++) {
            data[(int) ((long) n * (2 * k + 1) / 20)] = (k % 2 == 0 ? 1 : -1) * outlier;
        }
        return data;
    }

    static double gaussian(SplittableRandom r) {
        // Box-Muller: exact and specified, unlike java.util.Random.nextGaussian's caching.
        double u1 = 1.0 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Feeds {@code data} in batches; with {@code outliersFirst}, the batch holding the first outlier comes first. */
    static void observeInBatches(Calibrator c, float[] data, int batch, boolean outliersFirst) {
        int batches = data.length / batch;
        int first = outliersFirst ? (data.length / 20) / batch : 0;
        c.observe(data, first * batch, batch);
        for (int b = 0; b < batches; b++) {
            if (b != first) {
                c.observe(data, b * batch, batch);
            }
        }
    }
}
