package org.quant4j.calibration.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;

class ImageFolderDatasetTest {

    private static final ImageTransform SMALL = ImageTransform.builder().resizeShorterSide(20).centerCrop(16, 16).build();

    @TempDir
    Path root;

    @Test
    void classFoldersSortedByNameGiveLabelsAndImagesAreResizedAndCropped() throws IOException {
        solid(root.resolve("dog/b.png"), 40, 30, 0x000000);
        solid(root.resolve("cat/z.png"), 30, 60, 0xFFFFFF);
        solid(root.resolve("cat/a.jpg"), 24, 24, 0x808080);
        solid(root.resolve("cat/.hidden.png"), 24, 24, 0x808080);
        Files.writeString(root.resolve("cat/notes.txt"), "not an image");
        ImageFolderDataset d = ImageFolderDataset.open(root, SMALL);
        assertEquals(List.of("cat", "dog"), d.classNames());
        assertEquals(3, d.size());
        assertEquals(2, d.numClasses());
        assertEquals(root.resolve("cat/a.jpg"), d.file(0));
        assertEquals(root.resolve("cat/z.png"), d.file(1));
        assertArrayEquals(new int[] {0, 0, 1}, new int[] {d.label(0), d.label(1), d.label(2)});
        assertArrayEquals(new int[] {3, 16, 16}, d.sampleShape());
        float[] all = new float[3 * 3 * 16 * 16];
        for (int i = 0; i < 3; i++) {
            d.read(i, all, i * 3 * 16 * 16);
        }
    }

    @Test
    void solidColourNormalisesToTheHandComputedImagenetValues() throws IOException {
        solid(root.resolve("only/red.png"), 50, 40, 0xC86432);
        float[] sample = new float[3 * 16 * 16];
        ImageFolderDataset.open(root, SMALL).read(0, sample, 0);
        // (200/255 - 0.485) / 0.229, (100/255 - 0.456) / 0.224, (50/255 - 0.406) / 0.225
        float[] expected = {1.3070468f, -0.2850140f, -0.9329847f};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 256; i++) {
                assertEquals(expected[c], sample[c * 256 + i], 1e-4f, "channel " + c + " pixel " + i);
            }
        }
    }

    @Test
    void greyscaleModeUsesBt601Luma() throws IOException {
        solid(root.resolve("only/x.png"), 16, 16, 0xC86432);
        ImageTransform grey = ImageTransform.builder().resizeShorterSide(0).centerCrop(16, 16)
                .colorMode(ColorMode.GRAYSCALE).normalization(Normalization.NONE).build();
        float[] sample = new float[256];
        ImageFolderDataset.open(root, grey).read(0, sample, 0);
        // 0.299 * 200 + 0.587 * 100 + 0.114 * 50 = 124.2
        assertEquals(124.2f / 255f, sample[0], 1e-5f);
        assertEquals(124.2f / 255f, sample[255], 1e-5f);
    }

    @Test
    void greyImagesKeepTheirStoredValues() throws IOException {
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                image.getRaster().setSample(x, y, 0, 128);
            }
        }
        write(image, root.resolve("g/grey.png"));
        ImageTransform plain = ImageTransform.builder().resizeShorterSide(0).centerCrop(4, 4)
                .normalization(Normalization.NONE).scaleToUnit(false).build();
        float[] sample = new float[3 * 16];
        ImageFolderDataset.open(root, plain).read(0, sample, 0);
        for (float v : sample) {
            assertEquals(128f, v);
        }
    }

    @Test
    void centerCropRoundsTheOffsetHalfToEven() throws IOException {
        // Width 5, crop 2: offset round(1.5) = 2, so columns 2 and 3 (values 20 and 30).
        BufferedImage image = new BufferedImage(5, 2, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 5; x++) {
                image.getRaster().setSample(x, y, 0, 10 * x);
            }
        }
        write(image, root.resolve("g/ramp.png"));
        ImageTransform crop = ImageTransform.builder().resizeShorterSide(0).centerCrop(2, 2)
                .colorMode(ColorMode.GRAYSCALE).normalization(Normalization.NONE).scaleToUnit(false).build();
        float[] sample = new float[4];
        ImageFolderDataset.open(root, crop).read(0, sample, 0);
        assertArrayEquals(new float[] {20, 30, 20, 30}, sample);
    }

    @Test
    void imageSmallerThanTheCropIsNamed() throws IOException {
        solid(root.resolve("c/tiny.png"), 8, 8, 0);
        ImageTransform noResize = ImageTransform.builder().resizeShorterSide(0).centerCrop(16, 16).build();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageFolderDataset.open(root, noResize).read(0, new float[3 * 256], 0));
        assertTrue(e.getMessage().contains("tiny.png") && e.getMessage().contains("smaller"), e.getMessage());
    }

    @Test
    void undecodableImageIsNamed() throws IOException {
        Files.createDirectories(root.resolve("c"));
        Path broken = Files.writeString(root.resolve("c/broken.png"), "this is not a PNG");
        ImageFolderDataset d = ImageFolderDataset.open(root, SMALL);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> d.read(0, new float[768], 0));
        assertTrue(e.getMessage().contains("Cannot decode") && e.getMessage().contains(broken.toString()),
                e.getMessage());
    }

    @Test
    void folderWithoutClassSubFoldersIsRejected() throws IOException {
        solid(root.resolve("loose.png"), 8, 8, 0);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ImageFolderDataset.open(root, SMALL));
        assertTrue(e.getMessage().contains("no class sub-folders") && e.getMessage().contains(root.toString()),
                e.getMessage());
        assertTrue(e.getMessage().contains("1 images directly"), e.getMessage());
    }

    @Test
    void classFolderWithoutImagesIsNamed() throws IOException {
        solid(root.resolve("full/a.png"), 24, 24, 0);
        Files.createDirectories(root.resolve("empty"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ImageFolderDataset.open(root, SMALL));
        assertTrue(e.getMessage().contains("[empty]") && e.getMessage().contains("no images"), e.getMessage());
    }

    @Test
    void missingRootIsNamed() {
        Path missing = root.resolve("absent");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageFolderDataset.open(missing, SMALL));
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains(missing.toString()),
                e.getMessage());
    }

    @Test
    void fingerprintIsStableAcrossCopiesAndFollowsTransformAndContent(@TempDir Path copy) throws IOException {
        solid(root.resolve("a/1.png"), 24, 24, 0x102030);
        solid(root.resolve("b/2.png"), 24, 24, 0x405060);
        copyTree(root, copy);
        String original = ImageFolderDataset.open(root, SMALL).fingerprint();
        assertEquals(original, ImageFolderDataset.open(copy, SMALL).fingerprint());
        assertNotEquals(original, ImageFolderDataset.open(root).fingerprint());
        solid(copy.resolve("b/2.png"), 24, 24, 0x405061);
        assertNotEquals(original, ImageFolderDataset.open(copy, SMALL).fingerprint());
    }

    @Test
    void transformBuilderRejectsACropLargerThanTheResize() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageTransform.builder().resizeShorterSide(200).centerCrop(224, 224).build());
        assertTrue(e.getMessage().contains("224x224") && e.getMessage().contains("200"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> ImageTransform.builder().colorMode(ColorMode.GRAYSCALE).build());
    }

    private static void solid(Path file, int width, int height, int rgb) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        write(image, file);
    }

    private static void write(BufferedImage image, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        String name = file.getFileName().toString();
        // Solid-colour tests read PNG (lossless); the JPEG is only listed and decoded, not compared.
        String format = name.endsWith(".jpg") ? "jpg" : "png";
        if (!ImageIO.write(image, format, file.toFile())) {
            throw new IOException("no ImageIO writer for " + format);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            paths.forEach(p -> {
                try {
                    Path target = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
