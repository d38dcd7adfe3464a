package org.quant4j.calibration.histogram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AbsHistogramTest {

    @Test
    void countsAbsoluteValuesIntoEqualWidthBins() {
        AbsHistogram h = new AbsHistogram(4);
        // max |x| = 4, so width 1 and bins [0,1) [1,2) [2,3) [3,4]; 4 and -4 sit on the top edge,
        // which belongs to the last bin.
        h.add(new float[] {0f, 1f, -2f, 3f, 4f, -4f, 2.5f});
        assertEquals(1.0, h.binWidth());
        assertArrayEquals(new long[] {1, 1, 2, 3}, h.counts());
        assertEquals(7, h.count());
        assertEquals(4.0, h.maxAbs());
        assertEquals(-4.0, h.min());
        assertEquals(4.0, h.max());
        assertEquals(0.0, h.edge(0));
        assertEquals(4.0, h.edge(4));
    }

    @Test
    void growthAppendsBinsOfTheSameWidthAndKeepsOldCounts() {
        AbsHistogram h = new AbsHistogram(4);
        h.add(new float[] {4f, 1.5f});
        assertArrayEquals(new long[] {0, 1, 0, 1}, h.counts());
        // 6.5 needs ceil(6.5 / 1) = 7 bins of width 1; 0.5 lands in bin 0, 6.5 in bin 6.
        h.add(new float[] {6.5f, -0.5f});
        assertEquals(7, h.bins());
        assertEquals(1.0, h.binWidth());
        assertArrayEquals(new long[] {1, 1, 0, 1, 0, 0, 1}, h.counts());
        assertEquals(7.0, h.edge(7));
    }

    @Test
    void smallerLaterBatchesDoNotChangeTheBins() {
        AbsHistogram h = new AbsHistogram(8);
        h.add(new float[] {8f});
        h.add(new float[] {0.5f, 7.9f});
        assertEquals(8, h.bins());
        assertArrayEquals(new long[] {1, 0, 0, 0, 0, 0, 0, 2}, h.counts());
    }

    @Test
    void nonFiniteValuesAreSkippedAndCounted() {
        AbsHistogram h = new AbsHistogram(2);
        h.add(new float[] {Float.NaN, Float.POSITIVE_INFINITY, 1f, Float.NEGATIVE_INFINITY, -2f});
        assertEquals(2, h.count());
        assertEquals(3, h.nonFiniteCount());
        assertArrayEquals(new long[] {0, 2}, h.counts());
        assertEquals(-2.0, h.min());
        assertEquals(1.0, h.max());
        h.add(new float[] {Float.NaN});
        assertEquals(4, h.nonFiniteCount());
        assertEquals(2, h.count());
    }

    @Test
    void zerosBeforeTheFirstNonZeroValueStayInBinZero() {
        AbsHistogram h = new AbsHistogram(4);
        h.add(new float[] {0f, -0f, 0f});
        assertEquals(0.0, h.binWidth());
        assertArrayEquals(new long[] {3, 0, 0, 0}, h.counts());
        assertEquals(0.0, h.maxAbs());
        // The first non-zero batch fixes the width: 2 / 4 bins = 0.5.
        h.add(new float[] {2f, 0f});
        assertEquals(0.5, h.binWidth());
        assertArrayEquals(new long[] {4, 0, 0, 1}, h.counts());
    }

    @Test
    void growthBeyondTheCapMergesBinsByPowersOfTwo() {
        AbsHistogram h = new AbsHistogram(4, 8);
        h.add(new float[] {4f, 1.5f});
        // 20 at width 1 needs 20 bins > 8; width 2 needs 10 > 8; width 4 needs 5: merge groups of 4.
        // Old bins 0..3 (holding 1.5 and 4) merge into bin 0; 20 lands in the last of 5 bins.
        h.add(new float[] {20f});
        assertEquals(4.0, h.binWidth());
        assertEquals(5, h.bins());
        assertArrayEquals(new long[] {2, 0, 0, 0, 1}, h.counts());
        assertEquals(3, h.count());
    }

    @Test
    void memoryStaysBoundedOverManyBatchesInRange() {
        AbsHistogram h = new AbsHistogram();
        SplittableRandom r = new SplittableRandom(7);
        float[] batch = new float[500];
        for (int b = 0; b < 2000; b++) {
            for (int i = 0; i < batch.length; i++) {
                batch[i] = (float) (r.nextDouble() * 2 - 1);
            }
            if (b == 0) {
                batch[0] = 1f;
            }
            h.add(batch);
        }
        assertEquals(AbsHistogram.DEFAULT_BINS, h.bins());
        assertEquals(2000L * 500, h.count());
        long sum = 0;
        for (long c : h.counts()) {
            sum += c;
        }
        assertEquals(h.count(), sum);
    }

    @Test
    void extremeGrowthNeverExceedsMaxBins() {
        AbsHistogram h = new AbsHistogram(128);
        h.add(new float[] {Float.MIN_VALUE});
        h.add(new float[] {Float.MAX_VALUE, -1f});
        assertEquals(3, h.count());
        assertEquals(true, h.bins() <= h.maxBins());
        long[] c = h.counts();
        assertEquals(1, c[c.length - 1]);
        assertEquals(Float.MAX_VALUE, h.maxAbs());
    }

    @Test
    void addHonoursOffsetAndLength() {
        AbsHistogram h = new AbsHistogram(2);
        h.add(new float[] {100f, 1f, 2f, 100f}, 1, 2);
        assertEquals(2, h.count());
        assertEquals(2.0, h.maxAbs());
        assertThrows(IndexOutOfBoundsException.class, () -> h.add(new float[3], 2, 2));
    }

    @Test
    void rejectsBadSizes() {
        assertThrows(IllegalArgumentException.class, () -> new AbsHistogram(0));
        assertThrows(IllegalArgumentException.class, () -> new AbsHistogram(16, 31));
        assertThrows(IllegalArgumentException.class, () -> new AbsHistogram(16, AbsHistogram.MAX_BINS + 1));
    }

    /**
     * Batches whose parts differ: a first batch of zeros, then batches whose largest value sits in a
     * later part (so a part alone would fix another width or grow differently), values on bin
     * edges, NaN and infinities, and a batch 1000 times larger that makes the bins merge.
     */
    private static float[][] batchesWithUnevenParts() {
        SplittableRandom random = new SplittableRandom(16);
        float[][] batches = new float[6][];
        batches[0] = new float[12];
        for (int b = 1; b < batches.length; b++) {
            float[] v = new float[12];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((random.nextDouble() - 0.5) * (1 + i) * b);
            }
            batches[b] = v;
        }
        batches[2][7] = Float.NaN;
        batches[3][2] = Float.POSITIVE_INFINITY;
        batches[3][3] = 0.75f;
        batches[4][11] = -3000f;
        return batches;
    }

    /** The histogram after each batch went in as parts of {@code part} values, fitted to the whole batch first. */
    private static AbsHistogram inParts(float[][] batches, int part, int bins, int maxBins) {
        AbsHistogram h = new AbsHistogram(bins, maxBins);
        for (float[] batch : batches) {
            h.fit(FiniteExtrema.of(batch, 0, batch.length).maxAbs());
            for (int from = 0; from < batch.length; from += part) {
                h.addFitted(batch, from, Math.min(part, batch.length - from));
            }
        }
        return h;
    }

    @Test
    void fittedPartsCountExactlyAsWholeBatches() {
        float[][] batches = batchesWithUnevenParts();
        AbsHistogram whole = new AbsHistogram(8, 64);
        AbsHistogram naive = new AbsHistogram(8, 64);
        for (float[] batch : batches) {
            whole.add(batch);
            for (int from = 0; from < batch.length; from += 4) {
                naive.add(batch, from, 4);
            }
        }
        for (int part : new int[] {1, 4, 5}) {
            AbsHistogram parts = inParts(batches, part, 8, 64);
            assertArrayEquals(whole.counts(), parts.counts(), "parts of " + part);
            assertEquals(whole.binWidth(), parts.binWidth());
            assertEquals(whole.count(), parts.count());
            assertEquals(whole.nonFiniteCount(), parts.nonFiniteCount());
            assertEquals(whole.min(), parts.min());
            assertEquals(whole.max(), parts.max());
        }
        // The data do tell the two apart: parts added as batches of their own fix another width.
        assertNotEquals(whole.binWidth(), naive.binWidth());
    }

    @Test
    void partsNeedTheBatchFittedFirst() {
        AbsHistogram h = new AbsHistogram(8);
        h.addFitted(new float[] {0f, 0f}, 0, 2);
        assertEquals(2, h.count(0));
        assertThrows(IllegalStateException.class, () -> h.addFitted(new float[] {1f}, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> h.fit(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> h.fit(-1));
    }
}
