package org.quant4j.calibration.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.data.SampleShapes;
import org.quant4j.calibration.sampling.Subset;

class NpzFilesDatasetTest {

    @TempDir
    Path dir;

    /** A .npz holding one float32 array 'x' of {@code rows} rows of {@code width}, row r filled with {@code first + r}. */
    private void npz(String name, int rows, int width, float first, boolean labelled) throws IOException {
        float[] values = new float[rows * width];
        for (int i = 0; i < values.length; i++) {
            values[i] = first + i / width;
        }
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(dir.resolve(name)))) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(NpyDatasetTest.npy(1, "<f4", false, "(" + rows + ", " + width + ")",
                    NpyDatasetTest.floats(values)));
            zip.closeEntry();
            if (labelled) {
                zip.putNextEntry(new ZipEntry("labels.npy"));
                long[] labels = new long[rows];
                zip.write(NpyDatasetTest.npy(1, "<i8", false, "(" + rows + ",)", NpyDatasetTest.longs(labels)));
                zip.closeEntry();
            }
        }
    }

    @Test
    void filesOfTheSameShapeFormOneGroupAndBatchesJoinFiles() throws IOException {
        npz("a.npz", 2, 3, 0, false);   // samples 0, 1: width 3
        npz("b.npz", 3, 5, 10, false);  // samples 2, 3, 4: width 5
        npz("c.npz", 1, 3, 20, false);  // sample 5: width 3 again
        NpzFilesDataset data = NpzFilesDataset.open(dir);

        assertEquals(6, data.size());
        SampleShapes shapes = data.sampleShapes();
        assertEquals("x [3]: 3 samples; x [5]: 3 samples", shapes.describe());
        assertEquals(List.of(0, 0, 1, 1, 1, 0), List.of(data.shapeGroup(0), data.shapeGroup(1), data.shapeGroup(2),
                data.shapeGroup(3), data.shapeGroup(4), data.shapeGroup(5)));
        NamedBatch joined = data.namedBatch(new int[] {1, 5}, null);
        float[] x = new float[6];
        joined.tensor("x").floats().get(x);
        assertArrayEquals(new float[] {1, 1, 1, 20, 20, 20}, x, "sample 1 of a.npz, then c.npz's");
        assertThrows(IllegalArgumentException.class, () -> data.namedBatch(new int[] {0, 2}, null),
                "samples of two shapes are never joined");

        // A subset keeps the groups of its samples only, renumbered in order of appearance.
        Subset subset = Subset.of(data, new int[] {3, 5, 4});
        assertEquals("x [5]: 2 samples; x [3]: 1 sample", subset.sampleShapes().describe());
        assertEquals(List.of(0, 1, 0), List.of(subset.shapeGroup(0), subset.shapeGroup(1), subset.shapeGroup(2)));
    }

    @Test
    void filesMustAgreeOnInputsAndLabels() throws IOException {
        npz("a.npz", 2, 3, 0, false);
        npz("b.npz", 2, 3, 0, true);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NpzFilesDataset.open(dir));
        assertTrue(e.getMessage().contains("label every file or none"), e.getMessage());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThrows(InvalidInputException.class, () -> NpzFilesDataset.open(empty));
    }
}
