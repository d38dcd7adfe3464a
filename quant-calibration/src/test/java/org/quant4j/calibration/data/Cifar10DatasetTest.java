package org.quant4j.calibration.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;

class Cifar10DatasetTest {

    @TempDir
    Path dir;

    /** One CIFAR-10 record: label byte, then R, G, B planes of 1024 bytes each filled with r, g, b. */
    private static byte[] record(int label, int r, int g, int b) {
        byte[] rec = new byte[3073];
        rec[0] = (byte) label;
        Arrays.fill(rec, 1, 1025, (byte) r);
        Arrays.fill(rec, 1025, 2049, (byte) g);
        Arrays.fill(rec, 2049, 3073, (byte) b);
        return rec;
    }

    private static byte[] concat(byte[]... parts) {
        byte[] all = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void readsLabelsAndChwPixelsOfEachRecord() {
        byte[] first = record(3, 10, 20, 30);
        first[1 + 32 + 5] = (byte) 255; // red plane, row 1, column 5
        Path file = IdxFiles.write(dir.resolve("data_batch_1.bin"), concat(first, record(9, 0, 128, 255)));
        Cifar10Dataset d = Cifar10Dataset.open(file);
        assertEquals(2, d.size());
        assertArrayEquals(new int[] {3, 32, 32}, d.sampleShape());
        assertEquals(10, d.numClasses());
        assertEquals(3, d.label(0));
        assertEquals(9, d.label(1));
        float[] s = new float[3072];
        d.read(0, s, 0);
        assertEquals(1f, s[32 + 5]);
        assertEquals(10 / 255f, s[0], 1e-7f);
        assertEquals(20 / 255f, s[1024], 1e-7f);
        assertEquals(30 / 255f, s[2048 + 1023], 1e-7f);
        d.read(1, s, 0);
        assertEquals(128 / 255f, s[1024 + 7], 1e-7f);
        assertEquals(1f, s[3071]);
    }

    @Test
    void severalFilesAreConcatenatedInOrder() {
        Path a = IdxFiles.write(dir.resolve("a.bin"), concat(record(1, 1, 1, 1), record(2, 2, 2, 2)));
        Path b = IdxFiles.write(dir.resolve("b.bin"), record(5, 5, 5, 5));
        Cifar10Dataset d = Cifar10Dataset.open(List.of(a, b), PixelTransform.identity());
        assertEquals(3, d.size());
        float[] s = new float[3072];
        for (int i = 0; i < 3; i++) {
            d.read(i, s, 0);
            assertEquals(new float[] {1, 2, 5}[i], s[100]);
            assertEquals(new int[] {1, 2, 5}[i], d.label(i));
        }
    }

    @Test
    void perChannelNormalisationUsesEachChannelsStatistics() {
        Path file = IdxFiles.write(dir.resolve("t.bin"), record(0, 51, 102, 153));
        Normalization norm = Normalization.of(new float[] {0.2f, 0.4f, 0.6f}, new float[] {0.5f, 0.25f, 0.1f});
        Cifar10Dataset d = Cifar10Dataset.open(List.of(file), PixelTransform.unitScaled(norm));
        float[] s = new float[3072];
        d.read(0, s, 0);
        // 51/255 = 0.2, 102/255 = 0.4, 153/255 = 0.6: every channel lands on its mean.
        assertEquals(0f, s[0], 1e-6f);
        assertEquals(0f, s[1024], 1e-6f);
        assertEquals(0f, s[2048], 1e-6f);
        assertNotEquals(d.fingerprint(), Cifar10Dataset.open(file).fingerprint());
    }

    @Test
    void lengthThatIsNotAMultipleOfTheRecordIsRejected() {
        Path file = IdxFiles.write(dir.resolve("cut.bin"), Arrays.copyOf(concat(record(1, 0, 0, 0), record(2, 0, 0, 0)),
                2 * 3073 - 1));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Cifar10Dataset.open(file));
        assertTrue(e.getMessage().contains("6145 bytes") && e.getMessage().contains("multiple of the 3073"),
                e.getMessage());
    }

    @Test
    void labelOutsideZeroToNineIsRejected() {
        Path file = IdxFiles.write(dir.resolve("bad.bin"), concat(record(1, 0, 0, 0), record(10, 0, 0, 0)));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Cifar10Dataset.open(file));
        assertTrue(e.getMessage().contains("record 1") && e.getMessage().contains("label 10"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("data_batch_9.bin");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Cifar10Dataset.open(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
}
