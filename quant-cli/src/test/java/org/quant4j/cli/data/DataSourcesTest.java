package org.quant4j.cli.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;
import org.quant4j.cli.TestFiles;
import org.quant4j.cli.data.DataOptions.Split;
import org.quant4j.cli.data.DataSources.OpenedData;
import picocli.CommandLine;

class DataSourcesTest {

    @TempDir
    Path dir;

    private static DataOptions options(Object... args) {
        return CommandLine.populateCommand(new DataOptions(),
                Arrays.stream(args).map(String::valueOf).toArray(String[]::new));
    }

    /** Two 2x2 images, pixels 0, 51, 102, 255 and 255, 0, 0, 0, labelled 3 and 7. */
    private void idxSplit(String prefix) {
        TestFiles.idxImages(dir.resolve(prefix + "-images-idx3-ubyte.gz"), 2, 2, 2,
                new byte[] {0, 51, 102, (byte) 255, (byte) 255, 0, 0, 0});
        TestFiles.idxLabels(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), new byte[] {3, 7});
    }

    @Test
    void anIdxDirectoryGivesTheDefaultSplitScaledToUnitRange() {
        idxSplit("train");
        idxSplit("t10k");

        OpenedData train = DataSources.open(options("--data", dir), Split.TRAIN, Optional.empty());
        OpenedData test = DataSources.open(options("--data", dir, "--split", "test"), Split.TRAIN, Optional.empty());

        assertEquals("idx", train.format());
        assertTrue(train.description().contains("train-images-idx3-ubyte.gz"), train.description());
        assertTrue(test.description().contains("t10k-images-idx3-ubyte.gz")
                && test.description().endsWith("(test split)"), test.description());
        Dataset data = train.dataset();
        assertArrayEquals(new int[] {1, 2, 2}, data.sampleShape());
        float[] pixels = new float[4];
        data.read(0, pixels, 0);
        assertArrayEquals(new float[] {0f, 0.2f, 0.4f, 1f}, pixels, 1e-6f);
        assertEquals(7, data.label(1));
    }

    @Test
    void normalisationAppliesAfterScaling() {
        idxSplit("train");

        Dataset data = DataSources.open(options("--data", dir, "--mean", 0.5, "--std", 0.25), Split.TRAIN,
                Optional.empty()).dataset();

        float[] pixels = new float[4];
        data.read(0, pixels, 0);
        assertArrayEquals(new float[] {-2f, -1.2f, -0.4f, 2f}, pixels, 1e-5f);
    }

    @Test
    void aMissingDefaultSplitFallsBackButAnExplicitOneIsAnError() {
        idxSplit("t10k");

        OpenedData data = DataSources.open(options("--data", dir), Split.TRAIN, Optional.empty());
        assertTrue(data.description().contains("(test split)"), data.description());

        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DataSources.open(options("--data", dir, "--split", "train"), Split.TRAIN, Optional.empty()));
        assertTrue(e.getMessage().contains("has no train files"), e.getMessage());
    }

    @Test
    void anIdxImagesFileTakesItsLabelsFromLabels() {
        idxSplit("train");

        OpenedData data = DataSources.open(options("--data", dir.resolve("train-images-idx3-ubyte.gz"), "--labels",
                dir.resolve("train-labels-idx1-ubyte.gz")), Split.TRAIN, Optional.empty());

        assertEquals("idx", data.format());
        assertEquals(3, data.dataset().label(0));
    }

    @Test
    void aCifarBinaryFileIsRecognisedByItsName() throws IOException {
        byte[] records = new byte[2 * 3073];
        records[0] = 4;
        records[3073] = 9;
        records[1] = (byte) 255;
        Path file = Files.write(dir.resolve("test_batch.bin"), records);

        OpenedData data = DataSources.open(options("--data", file), Split.TEST, Optional.empty());

        assertEquals("cifar10", data.format());
        assertEquals(2, data.dataset().size());
        assertArrayEquals(new int[] {3, 32, 32}, data.dataset().sampleShape());
        assertEquals(9, data.dataset().label(1));
        float[] first = new float[3 * 32 * 32];
        data.dataset().read(0, first, 0);
        assertEquals(1f, first[0]);
    }

    @Test
    void anImageFolderIsCroppedToTheModelInputInItsChannels() throws IOException {
        for (String label : new String[] {"cat", "dog"}) {
            Files.createDirectories(dir.resolve(label));
            BufferedImage image = new BufferedImage(12, 10, BufferedImage.TYPE_INT_RGB);
            ImageIO.write(image, "png", dir.resolve(label).resolve("a.png").toFile());
        }

        OpenedData data = DataSources.open(options("--data", dir), Split.TRAIN, Optional.of(new long[] {-1, 1, 8, 8}));

        assertEquals("image-folder", data.format());
        assertArrayEquals(new int[] {1, 8, 8}, data.dataset().sampleShape());
        assertEquals(2, data.dataset().numClasses());
        assertTrue(data.description().contains("grayscale, resized to 8, cropped to 8x8"), data.description());
    }

    @Test
    void cropAndSizeOverrideTheModelInput() throws IOException {
        Files.createDirectories(dir.resolve("cat"));
        ImageIO.write(new BufferedImage(20, 30, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("cat/a.png").toFile());

        OpenedData data = DataSources.open(options("--data", dir, "--crop", "6x4", "--size", 10), Split.TRAIN,
                Optional.of(new long[] {-1, 3, 8, 8}));

        assertArrayEquals(new int[] {3, 6, 4}, data.dataset().sampleShape());
        assertTrue(data.description().contains("rgb, resized to 10, cropped to 6x4"), data.description());
    }

    @Test
    void anImageFolderWithoutAModelSizeNeedsCrop() throws IOException {
        Files.createDirectories(dir.resolve("cat"));

        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DataSources.open(options("--data", dir), Split.TRAIN, Optional.of(new long[] {-1, 3, -1, -1})));
        assertTrue(e.getMessage().contains("--crop"), e.getMessage());
    }

    @Test
    void optionsThatDoNotApplyToTheFormatAreErrors() {
        idxSplit("train");
        Path npy = TestFiles.npyFloats(dir.resolve("x.npy"), new int[] {1, 2}, new float[] {1, 2});

        assertThrows(InvalidInputException.class,
                () -> DataSources.open(options("--data", dir, "--labels", npy), Split.TRAIN, Optional.empty()));
        assertThrows(InvalidInputException.class,
                () -> DataSources.open(options("--data", dir, "--crop", 4), Split.TRAIN, Optional.empty()));
        assertThrows(InvalidInputException.class,
                () -> DataSources.open(options("--data", npy, "--split", "test"), Split.TRAIN, Optional.empty()));
        assertThrows(InvalidInputException.class,
                () -> DataSources.open(options("--data", npy, "--mean", 0.5), Split.TRAIN, Optional.empty()));
    }

    @Test
    void aMissingPathSaysSo() {
        Path missing = dir.resolve("nothing");

        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DataSources.open(options("--data", missing), Split.TRAIN, Optional.empty()));
        assertEquals("Data " + missing + " does not exist: check the path given with --data", e.getMessage());
    }
}
