package org.quant4j.calibration.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Batch;

/** Reads the real Fashion-MNIST files; skipped, with the reason, where they are not installed. */
class FashionMnistTest {

    private static IdxDataset train;
    private static IdxDataset test;

    @BeforeAll
    static void requireInstalledDataset() {
        Path dir = FashionMnist.directory();
        assumeTrue(FashionMnist.missingFiles(dir).isEmpty(), () -> "Fashion-MNIST is not installed in " + dir
                + " (missing " + FashionMnist.missingFiles(dir) + "): apt-get install dataset-fashion-mnist, or set -D"
                + FashionMnist.DIRECTORY_PROPERTY);
        train = FashionMnist.train();
        test = FashionMnist.test();
    }

    @Test
    void trainHas60000ImagesOf28x28With6000PerClass() {
        assertEquals(60000, train.size());
        assertArrayEquals(new int[] {1, 28, 28}, train.sampleShape());
        assertEquals(10, train.numClasses());
        assertArrayEquals(filled(10, 6000), classCounts(train));
    }

    @Test
    void testHas10000ImagesWith1000PerClass() {
        assertEquals(10000, test.size());
        assertArrayEquals(new int[] {1, 28, 28}, test.sampleShape());
        assertArrayEquals(filled(10, 1000), classCounts(test));
    }

    @Test
    void firstLabelsMatchTheDistributedFiles() {
        // From the published label files: train starts 9 0 0 3 0, t10k starts 9 2 1 1 6.
        assertArrayEquals(new int[] {9, 0, 0, 3, 0}, labels(train, 5));
        assertArrayEquals(new int[] {9, 2, 1, 1, 6}, labels(test, 5));
        assertEquals("Ankle boot", FashionMnist.CLASS_NAMES.get(9));
    }

    @Test
    void trainPixelsLieInUnitRangeWithThePublishedMeanAndStd() {
        double sum = 0;
        double sumSquares = 0;
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        long n = 0;
        for (Iterator<Batch> it = train.batches(2000); it.hasNext();) {
            float[] data = it.next().data();
            for (float v : data) {
                sum += v;
                sumSquares += (double) v * v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            n += data.length;
        }
        double mean = sum / n;
        double std = Math.sqrt(sumSquares / n - mean * mean);
        assertEquals(0f, min);
        assertEquals(1f, max);
        assertEquals(0.2860, mean, 1e-3);
        assertEquals(0.3530, std, 1e-3);
    }

    @Test
    void normalisedPixelsAreScaledPixelsShiftedByThePublishedStatistics() {
        IdxDataset normalised = FashionMnist.test(FashionMnist.directory(),
                PixelTransform.unitScaled(FashionMnist.NORMALIZATION));
        float[] scaled = new float[784];
        float[] norm = new float[784];
        test.read(123, scaled, 0);
        normalised.read(123, norm, 0);
        for (int i = 0; i < 784; i++) {
            assertEquals((scaled[i] - 0.2860f) / 0.3530f, norm[i], 1e-5f);
        }
    }

    @Test
    void missingFilesNameTheDebianPackage(@TempDir Path empty) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> FashionMnist.train(empty));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains(empty.resolve(FashionMnist.TRAIN_IMAGES).toString()), e.getMessage());
    }

    private static int[] classCounts(IdxDataset d) {
        int[] counts = new int[d.numClasses()];
        for (int i = 0; i < d.size(); i++) {
            counts[d.label(i)]++;
        }
        return counts;
    }

    private static int[] labels(IdxDataset d, int n) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = d.label(i);
        }
        return labels;
    }

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        Arrays.fill(a, value);
        return a;
    }
}
