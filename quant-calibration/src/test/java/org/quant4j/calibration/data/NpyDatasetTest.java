package org.quant4j.calibration.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;

class NpyDatasetTest {

    @TempDir
    Path dir;

    /**
     * An .npy file by the NumPy format spec: magic \x93NUMPY, version, little-endian header length,
     * the dict padded with spaces and ended by '\n' so that the data starts at a multiple of 64.
     */
    static byte[] npy(int major, String descr, boolean fortran, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': "
                + shape + ", }";
        int prefix = major == 1 ? 10 : 12;
        int padded = ((prefix + dict.length() + 1 + 63) / 64) * 64 - prefix;
        String header = dict + " ".repeat(padded - dict.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(prefix + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) padded);
        } else {
            b.putInt(padded);
        }
        return b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data).array();
    }

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    @Test
    void readsFloat32SamplesAlongTheFirstAxis() {
        float[] values = {0.5f, -1f, 2f, 3.25f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, -11f};
        Path data = IdxFiles.write(dir.resolve("x.npy"), npy(1, "<f4", false, "(2, 1, 2, 3)", floats(values)));
        NpyDataset d = NpyDataset.open(data);
        assertEquals(2, d.size());
        assertArrayEquals(new int[] {1, 2, 3}, d.sampleShape());
        assertEquals(0, d.numClasses());
        assertEquals(-1, d.label(0));
        float[] s = new float[6];
        d.read(1, s, 0);
        assertArrayEquals(Arrays.copyOfRange(values, 6, 12), s);
    }

    @Test
    void readsUint8SamplesWithInt64LabelsFromVersion2Headers() {
        byte[] pixels = {0, 51, (byte) 255, 102, 1, 2, 3, 4, 5, 6, 7, 8};
        Path data = IdxFiles.write(dir.resolve("u.npy"), npy(2, "|u1", false, "(3, 4)", pixels));
        Path labels = IdxFiles.write(dir.resolve("y.npy"), npy(1, "<i8", false, "(3,)", longs(4, 0, 2)));
        NpyDataset d = NpyDataset.open(data, labels, PixelTransform.unitScaled());
        assertEquals(3, d.size());
        assertArrayEquals(new int[] {4}, d.sampleShape());
        assertEquals(5, d.numClasses());
        assertArrayEquals(new int[] {4, 0, 2}, new int[] {d.label(0), d.label(1), d.label(2)});
        float[] s = new float[4];
        d.read(0, s, 0);
        assertArrayEquals(new float[] {0f, 0.2f, 1f, 0.4f}, s, 1e-6f);
    }

    @Test
    void readsFloat64AndInt32Labels() {
        ByteBuffer doubles = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.5).putDouble(-2.25);
        ByteBuffer ints = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(0);
        Path data = IdxFiles.write(dir.resolve("d.npy"), npy(1, "<f8", false, "(2, 1)", doubles.array()));
        Path labels = IdxFiles.write(dir.resolve("l.npy"), npy(3, "<i4", false, "(2,)", ints.array()));
        NpyDataset d = NpyDataset.open(data, labels, PixelTransform.identity());
        float[] s = new float[1];
        d.read(1, s, 0);
        assertEquals(-2.25f, s[0]);
        assertEquals(1, d.label(0));
    }

    @Test
    void fortranOrderIsRejected() {
        Path data = IdxFiles.write(dir.resolve("f.npy"), npy(1, "<f4", true, "(2, 2)", floats(1, 2, 3, 4)));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NpyDataset.open(data));
        assertTrue(e.getMessage().contains("Fortran") && e.getMessage().contains("ascontiguousarray"), e.getMessage());
    }

    @Test
    void truncatedDataSaysHowManyBytesAreMissing() {
        byte[] whole = npy(1, "<f4", false, "(2, 2)", floats(1, 2, 3, 4));
        Path data = IdxFiles.write(dir.resolve("t.npy"), Arrays.copyOf(whole, whole.length - 3));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NpyDataset.open(data));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("needs 16 data bytes")
                && e.getMessage().contains("has 13"), e.getMessage());
    }

    @Test
    void badMagicIsRejected() {
        byte[] bytes = npy(1, "<f4", false, "(1, 1)", floats(1));
        bytes[1] = 'X';
        Path data = IdxFiles.write(dir.resolve("m.npy"), bytes);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NpyDataset.open(data));
        assertTrue(e.getMessage().contains("bad magic") && e.getMessage().contains("93 58 55"), e.getMessage());
    }

    @Test
    void unsupportedDtypesAreNamed() {
        Path big = IdxFiles.write(dir.resolve("b.npy"), npy(1, ">f4", false, "(1, 1)", new byte[4]));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NpyDataset.open(big));
        assertTrue(e.getMessage().contains("'>f4'") && e.getMessage().contains("not supported"), e.getMessage());
        Path ints = IdxFiles.write(dir.resolve("i.npy"), npy(1, "<i8", false, "(1, 1)", longs(3)));
        e = assertThrows(InvalidInputException.class, () -> NpyDataset.open(ints));
        assertTrue(e.getMessage().contains("'<i8'"), e.getMessage());
    }

    @Test
    void labelCountMustMatchSampleCount() {
        Path data = IdxFiles.write(dir.resolve("x.npy"), npy(1, "<f4", false, "(2, 1)", floats(1, 2)));
        Path labels = IdxFiles.write(dir.resolve("y.npy"), npy(1, "<i8", false, "(3,)", longs(0, 1, 2)));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> NpyDataset.open(data, labels, PixelTransform.identity()));
        assertTrue(e.getMessage().contains("count mismatch") && e.getMessage().contains("(2,)"), e.getMessage());
    }
}
