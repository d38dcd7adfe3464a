package org.quant4j.calibration.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.ElementType;
import org.quant4j.api.data.InputSpec;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.calibration.sampling.Subset;

class NpyInputsDatasetTest {

    @TempDir
    Path dir;

    private Path npz(Map<String, byte[]> entries, boolean deflated) throws IOException {
        Path file = dir.resolve("data" + entries.hashCode() + deflated + ".npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                if (!deflated) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    entry.setCompressedSize(e.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    private static Map<String, byte[]> tokensAndMask() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("input_ids.npy", NpyDatasetTest.npy(1, "<i8", false, "(3, 2)", NpyDatasetTest.longs(
                101, 7, 101, 8, 101, 9)));
        entries.put("mask.npy", NpyDatasetTest.npy(1, "|b1", false, "(3, 2)", new byte[] {1, 1, 1, 0, 1, 0}));
        entries.put("scale.npy", NpyDatasetTest.npy(2, "<f4", false, "(3,)", NpyDatasetTest.floats(0.5f, 1f, 2f)));
        entries.put("labels.npy", NpyDatasetTest.npy(1, "<i8", false, "(3,)", NpyDatasetTest.longs(2, 0, 1)));
        return entries;
    }

    @Test
    void readsEveryArrayOfAStoredOrDeflatedNpzByName() throws IOException {
        for (boolean deflated : new boolean[] {false, true}) {
            NpyInputsDataset data = NpyInputsDataset.openNpz(npz(tokensAndMask(), deflated));

            assertEquals(List.of(new InputSpec("input_ids", ElementType.INT64, new int[] {2}),
                    new InputSpec("mask", ElementType.BOOL, new int[] {2}),
                    new InputSpec("scale", ElementType.FLOAT32, new int[0])), data.inputs());
            assertEquals(3, data.size());
            assertEquals(3, data.numClasses());
            NamedBatch batch = data.namedBatch(new int[] {2, 0}, null);
            long[] ids = new long[4];
            batch.tensor("input_ids").longs().get(ids);
            assertArrayEquals(new long[] {101, 9, 101, 7}, ids);
            byte[] mask = new byte[4];
            batch.tensor("mask").bytes().get(mask);
            assertArrayEquals(new byte[] {1, 0, 1, 1}, mask);
            float[] scale = new float[2];
            batch.tensor("scale").floats().get(scale);
            assertArrayEquals(new float[] {2f, 0.5f}, scale);
            assertArrayEquals(new long[] {2}, batch.tensor("scale").shape());
            assertArrayEquals(new int[] {1, 2}, batch.labels().orElseThrow());
        }
    }

    @Test
    void aSubsetOfNamedDataReadsTheParentsRows() throws IOException {
        NpyInputsDataset data = NpyInputsDataset.openNpz(npz(tokensAndMask(), true));
        Subset subset = Subset.of(data, new int[] {1, 2});

        NamedBatch batch = subset.namedBatches(8, null).next();

        assertEquals(data.inputs(), subset.inputs());
        long[] ids = new long[4];
        batch.tensor("input_ids").longs().get(ids);
        assertArrayEquals(new long[] {101, 8, 101, 9}, ids);
        assertArrayEquals(new int[] {0, 1}, batch.labels().orElseThrow());
    }

    @Test
    void aDirectoryOfNpyFilesNamesTheInputsByFile() throws IOException {
        Path arrays = Files.createDirectory(dir.resolve("arrays"));
        for (Map.Entry<String, byte[]> e : tokensAndMask().entrySet()) {
            Files.write(arrays.resolve(e.getKey()), e.getValue());
        }

        NpyInputsDataset data = NpyInputsDataset.openDirectory(arrays);

        assertEquals(List.of("input_ids", "mask", "scale"), data.inputs().stream().map(InputSpec::name).toList());
        assertEquals(NpyInputsDataset.openNpz(npz(tokensAndMask(), true)).namedBatch(new int[] {1}, null)
                .tensor("input_ids"), data.namedBatch(new int[] {1}, null).tensor("input_ids"));
        assertEquals(1, data.label(2));
    }

    @Test
    void arraysOfDifferentSampleCountsAreRejectedWithTheirCounts() throws IOException {
        Map<String, byte[]> entries = tokensAndMask();
        entries.put("scale.npy", NpyDatasetTest.npy(1, "<f4", false, "(2,)", NpyDatasetTest.floats(1f, 2f)));

        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> NpyInputsDataset.openNpz(npz(entries, true)));

        assertTrue(e.getMessage().contains("different numbers of samples") && e.getMessage().contains("'scale' 2")
                && e.getMessage().contains("'input_ids' 3"), e.getMessage());
    }

    @Test
    void float64ArraysAreRejectedListingTheSupportedTypes() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("x.npy", NpyDatasetTest.npy(1, "<f8", false, "(1, 1)", new byte[8]));

        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> NpyInputsDataset.openNpz(npz(entries, true)));

        assertTrue(e.getMessage().contains("'<f8'") && e.getMessage().contains("int64 '<i8'")
                && e.getMessage().contains("astype"), e.getMessage());
    }

    @Test
    void anArchiveOfLabelsOnlyHasNoInputs() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("labels.npy", NpyDatasetTest.npy(1, "<i8", false, "(1,)", NpyDatasetTest.longs(0)));

        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> NpyInputsDataset.openNpz(npz(entries, false)));

        assertTrue(e.getMessage().contains("holds no input arrays"), e.getMessage());
    }
}
