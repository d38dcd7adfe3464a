package org.quant4j.calibration.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.data.IdxDataset;
import org.quant4j.calibration.data.SyntheticDataset;

class CalibrationSamplerTest {

    private static final int[] SHAPE = {2};

    private static Dataset labelledByCounts(int... counts) {
        int[] labels = new int[Arrays.stream(counts).sum()];
        int at = 0;
        for (int k = 0; k < counts.length; k++) {
            Arrays.fill(labels, at, at + counts[k], k);
            at += counts[k];
        }
        return SyntheticDataset.labelled(labels, SHAPE, "counts" + Arrays.toString(counts));
    }

    private static int[] classCounts(Dataset d) {
        int[] counts = new int[d.numClasses()];
        for (int i = 0; i < d.size(); i++) {
            counts[d.label(i)]++;
        }
        return counts;
    }

    @Test
    void sameSeedGivesTheSameIndicesAndOtherSeedsOtherOnes() {
        Dataset d = SyntheticDataset.unlabelled(1000, SHAPE, "u");
        int[] first = CalibrationSampler.uniform(d, 50, 7).indices();
        assertArrayEquals(first, CalibrationSampler.uniform(d, 50, 7).indices());
        assertFalse(Arrays.equals(first, CalibrationSampler.uniform(d, 50, 8).indices()));
        Dataset l = labelledByCounts(300, 500, 200);
        int[] strat = CalibrationSampler.stratified(l, 50, 7).indices();
        assertArrayEquals(strat, CalibrationSampler.stratified(l, 50, 7).indices());
        assertFalse(Arrays.equals(strat, CalibrationSampler.stratified(l, 50, 8).indices()));
    }

    @Test
    void uniformIndicesAreDistinctSortedAndInRange() {
        Dataset d = SyntheticDataset.unlabelled(100, SHAPE, "u");
        for (long seed = 0; seed < 20; seed++) {
            int[] indices = CalibrationSampler.uniform(d, 60, seed).indices();
            assertEquals(60, indices.length);
            for (int i = 1; i < indices.length; i++) {
                assertTrue(indices[i - 1] < indices[i], "sorted and distinct");
            }
            assertTrue(indices[0] >= 0 && indices[59] < 100);
        }
        int[] all = CalibrationSampler.uniform(d, 100, 3).indices();
        for (int i = 0; i < 100; i++) {
            assertEquals(i, all[i]);
        }
    }

    @Test
    void subsetReadsTheParentSamplesAtItsIndices() {
        Dataset d = SyntheticDataset.unlabelled(10, SHAPE, "u");
        Subset s = Subset.of(d, new int[] {7, 2});
        float[] sample = new float[2];
        s.read(1, sample, 0);
        assertArrayEquals(new float[] {SyntheticDataset.value(2, 0), SyntheticDataset.value(2, 1)}, sample);
        assertEquals(2, s.size());
        assertThrows(IndexOutOfBoundsException.class, () -> Subset.of(d, new int[] {10}));
    }

    @Test
    void stratifiedTakesExactlyFiftyOfEachFashionMnistTestClass() {
        assumeTrue(FashionMnist.missingFiles(FashionMnist.directory()).isEmpty(),
                () -> "Fashion-MNIST is not installed in " + FashionMnist.directory()
                        + ": apt-get install dataset-fashion-mnist");
        IdxDataset test = FashionMnist.test();
        Subset s = CalibrationSampler.stratified(test, 500, 42);
        int[] expected = new int[10];
        Arrays.fill(expected, 50);
        assertArrayEquals(expected, classCounts(s));
        assertEquals(500, Arrays.stream(s.indices()).distinct().count());
    }

    @Test
    void stratifiedUsesLargestRemaindersOnUnbalancedClasses() {
        // 100 samples in classes of 50, 30, 15, 5; n = 7 gives quotas 3.5, 2.1, 1.05, 0.35:
        // floors 3, 2, 1, 0 (6), and the one left goes to the largest remainder, class 0.
        assertArrayEquals(new int[] {4, 2, 1, 0}, classCounts(CalibrationSampler.stratified(
                labelledByCounts(50, 30, 15, 5), 7, 1)));
        // Classes of 3, 3, 3, 1, n = 5: quotas 1.5, 1.5, 1.5, 0.5, all remainders tie: the two
        // samples left go to the lowest class indices, 0 and 1.
        assertArrayEquals(new int[] {2, 2, 1, 0}, classCounts(CalibrationSampler.stratified(
                labelledByCounts(3, 3, 3, 1), 5, 1)));
        // Classes of 6, 0, 2, 12, n = 10: quotas exactly 3, 0, 1, 6.
        assertArrayEquals(new int[] {3, 0, 1, 6}, classCounts(CalibrationSampler.stratified(
                labelledByCounts(6, 0, 2, 12), 10, 1)));
    }

    @Test
    void fingerprintCoversParentMethodCountAndSeed() {
        Dataset d = labelledByCounts(40, 60);
        String base = CalibrationSampler.uniform(d, 10, 1).fingerprint();
        assertEquals(base, CalibrationSampler.sample(d, SamplingMethod.UNIFORM, 10, 1).fingerprint());
        assertNotEquals(base, CalibrationSampler.uniform(d, 10, 2).fingerprint());
        assertNotEquals(base, CalibrationSampler.uniform(d, 11, 1).fingerprint());
        assertNotEquals(base, CalibrationSampler.stratified(d, 10, 1).fingerprint());
        assertNotEquals(base, CalibrationSampler.uniform(labelledByCounts(41, 59), 10, 1).fingerprint());
        assertEquals("uniform n=10 seed=1", CalibrationSampler.uniform(d, 10, 1).selection());
    }

    @Test
    void invalidRequestsAreRejected() {
        Dataset d = SyntheticDataset.unlabelled(5, SHAPE, "u");
        InvalidInputException zero = assertThrows(InvalidInputException.class, () -> CalibrationSampler.uniform(d, 0, 1));
        assertTrue(zero.getMessage().contains("> 0"), zero.getMessage());
        InvalidInputException tooMany = assertThrows(InvalidInputException.class,
                () -> CalibrationSampler.uniform(d, 6, 1));
        assertTrue(tooMany.getMessage().contains("at most 5"), tooMany.getMessage());
        InvalidInputException unlabelled = assertThrows(InvalidInputException.class,
                () -> CalibrationSampler.stratified(d, 2, 1));
        assertTrue(unlabelled.getMessage().contains("unlabelled"), unlabelled.getMessage());
    }
}
