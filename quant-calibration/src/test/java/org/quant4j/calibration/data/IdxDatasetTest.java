package org.quant4j.calibration.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;

class IdxDatasetTest {

    /** Three 2x2 images; image i holds pixels PIXELS[4i .. 4i+3]. */
    private static final byte[] PIXELS = {0, (byte) 255, 51, 102, 1, 2, 3, 4, (byte) 200, 0, 0, 0};
    private static final byte[] LABELS = {7, 0, 3};

    @TempDir
    Path dir;

    @Test
    void gzipIsDetectedByMagicBytesNotByName() {
        // The gzipped pair is named without .gz, the raw pair with .gz: content decides.
        Path gzImages = IdxFiles.write(dir.resolve("a-images.idx"), IdxFiles.gzip(IdxFiles.images(3, 2, 2, PIXELS)));
        Path gzLabels = IdxFiles.write(dir.resolve("a-labels.idx"), IdxFiles.gzip(IdxFiles.labels(LABELS)));
        Path rawImages = IdxFiles.write(dir.resolve("b-images.gz"), IdxFiles.images(3, 2, 2, PIXELS));
        Path rawLabels = IdxFiles.write(dir.resolve("b-labels.gz"), IdxFiles.labels(LABELS));
        IdxDataset gz = IdxDataset.open(gzImages, gzLabels);
        IdxDataset raw = IdxDataset.open(rawImages, rawLabels);
        for (IdxDataset d : new IdxDataset[] {gz, raw}) {
            assertEquals(3, d.size());
            assertArrayEquals(new int[] {1, 2, 2}, d.sampleShape());
            assertEquals(8, d.numClasses());
            assertEquals(7, d.label(0));
            assertEquals(3, d.label(2));
            float[] sample = new float[4];
            d.read(0, sample, 0);
            assertArrayEquals(new float[] {0f, 1f, 0.2f, 0.4f}, sample, 1e-6f);
        }
    }

    @Test
    void normalisationAppliesAfterScalingToUnitRange() {
        Path images = IdxFiles.write(dir.resolve("i"), IdxFiles.images(3, 2, 2, PIXELS));
        IdxDataset d = IdxDataset.open(images, null, PixelTransform.unitScaled(Normalization.of(0.5f, 0.25f)));
        float[] sample = new float[8];
        d.read(0, sample, 4);
        // (0 - 0.5) / 0.25, (1 - 0.5) / 0.25, (0.2 - 0.5) / 0.25, (0.4 - 0.5) / 0.25
        assertArrayEquals(new float[] {0, 0, 0, 0, -2f, 2f, -1.2f, -0.4f}, sample, 1e-6f);
        assertEquals(0, d.numClasses());
        assertEquals(-1, d.label(1));
    }

    @Test
    void truncatedImagesFileSaysExpectedAndActualByteCounts() {
        byte[] whole = IdxFiles.images(3, 2, 2, PIXELS);
        Path images = IdxFiles.write(dir.resolve("cut-images"), Arrays.copyOf(whole, whole.length - 2));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxDataset.open(images, null));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("3*2*2 = 12 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("got 10"), e.getMessage());
        assertTrue(e.getMessage().contains(images.toString()), e.getMessage());
    }

    @Test
    void truncatedGzipStreamIsReportedAsTruncated() {
        byte[] gz = IdxFiles.gzip(IdxFiles.images(3, 2, 2, PIXELS));
        Path images = IdxFiles.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length - 12));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxDataset.open(images, null));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void fileEndingInsideTheHeaderIsTruncated() {
        Path images = IdxFiles.write(dir.resolve("short"), Arrays.copyOf(IdxFiles.images(3, 2, 2, PIXELS), 9));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxDataset.open(images, null));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("header"), e.getMessage());
    }

    @Test
    void wrongMagicNumberSaysWhatWasReadAndExpectedAndWhichFile() {
        Path labels = IdxFiles.write(dir.resolve("labels"), IdxFiles.labels(LABELS));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxDataset.open(labels, labels));
        assertTrue(e.getMessage().contains("magic number"), e.getMessage());
        assertTrue(e.getMessage().contains("read 0x00000801"), e.getMessage());
        assertTrue(e.getMessage().contains("expected 0x00000803"), e.getMessage());
        assertTrue(e.getMessage().contains(labels.toString()), e.getMessage());
    }

    @Test
    void imageAndLabelCountMismatchIsRejected() {
        Path images = IdxFiles.write(dir.resolve("images"), IdxFiles.images(3, 2, 2, PIXELS));
        Path labels = IdxFiles.write(dir.resolve("labels"), IdxFiles.labels(new byte[] {1, 2}));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxDataset.open(images, labels));
        assertTrue(e.getMessage().contains("count mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains("3 images") && e.getMessage().contains("2 labels"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope-images-idx3-ubyte.gz");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxDataset.open(missing, null));
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void fingerprintFollowsContentAndTransform() {
        Path images = IdxFiles.write(dir.resolve("images"), IdxFiles.images(3, 2, 2, PIXELS));
        Path labels = IdxFiles.write(dir.resolve("labels"), IdxFiles.labels(LABELS));
        String plain = IdxDataset.open(images, labels).fingerprint();
        assertTrue(plain.matches("[0-9a-f]{64}"), plain);
        assertEquals(plain, IdxDataset.open(images, labels).fingerprint());
        assertNotEquals(plain, IdxDataset.open(images, labels,
                PixelTransform.unitScaled(Normalization.of(0.5f, 0.25f))).fingerprint());
        assertNotEquals(plain, IdxDataset.open(images, null).fingerprint());
        byte[] changed = PIXELS.clone();
        changed[5]++;
        IdxFiles.write(images, IdxFiles.images(3, 2, 2, changed));
        assertNotEquals(plain, IdxDataset.open(images, labels).fingerprint());
    }
}
