package org.quant4j.calibration.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.quant4j.api.InvalidInputException;

/**
 * Fashion-MNIST (Zalando, 28 x 28 greyscale, 10 classes) read from its four gzipped IDX files. The
 * directory is, in order of precedence: the one passed explicitly, the system property
 * {@value #DIRECTORY_PROPERTY}, or {@value #DEFAULT_DIRECTORY}, where the Debian package
 * {@code dataset-fashion-mnist} installs it.
 */
public final class FashionMnist {

    /** System property naming the directory of the IDX files. */
    public static final String DIRECTORY_PROPERTY = "quant4j.fashionMnistDir";
    /** Where {@code apt-get install dataset-fashion-mnist} puts the files. */
    public static final String DEFAULT_DIRECTORY = "/usr/share/datasets/fashion-mnist";
    /** Training images, 60000. */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    /** Training labels. */
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    /** Test images, 10000. */
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    /** Test labels. */
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";
    /** Class names by label index. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** Mean 0.2860 and standard deviation 0.3530 of the training pixels scaled to [0, 1]. */
    public static final Normalization NORMALIZATION = Normalization.of(0.2860f, 0.3530f);

    private FashionMnist() {
    }

    /** The directory from {@value #DIRECTORY_PROPERTY}, or {@value #DEFAULT_DIRECTORY}. */
    public static Path directory() {
        return Path.of(System.getProperty(DIRECTORY_PROPERTY, DEFAULT_DIRECTORY));
    }

    /** The 60000 training images of {@link #directory()}, scaled to [0, 1]. */
    public static IdxDataset train() {
        return train(directory(), PixelTransform.unitScaled());
    }

    /** The 10000 test images of {@link #directory()}, scaled to [0, 1]. */
    public static IdxDataset test() {
        return test(directory(), PixelTransform.unitScaled());
    }

    /** The training images of {@code directory}, scaled to [0, 1]. */
    public static IdxDataset train(Path directory) {
        return train(directory, PixelTransform.unitScaled());
    }

    /** The test images of {@code directory}, scaled to [0, 1]. */
    public static IdxDataset test(Path directory) {
        return test(directory, PixelTransform.unitScaled());
    }

    /**
     * The training images of {@code directory} under {@code transform}.
     *
     * @throws InvalidInputException naming the missing file and the package to install
     */
    public static IdxDataset train(Path directory, PixelTransform transform) {
        return open(directory, TRAIN_IMAGES, TRAIN_LABELS, transform);
    }

    /**
     * The test images of {@code directory} under {@code transform}.
     *
     * @throws InvalidInputException naming the missing file and the package to install
     */
    public static IdxDataset test(Path directory, PixelTransform transform) {
        return open(directory, TEST_IMAGES, TEST_LABELS, transform);
    }

    /** The files of the four that {@code directory} lacks; empty when the dataset is complete. */
    public static List<Path> missingFiles(Path directory) {
        List<Path> missing = new ArrayList<>();
        for (String name : List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)) {
            Path file = directory.resolve(name);
            if (!Files.isRegularFile(file)) {
                missing.add(file);
            }
        }
        return missing;
    }

    private static IdxDataset open(Path directory, String images, String labels, PixelTransform transform) {
        Objects.requireNonNull(directory, "directory");
        for (String name : List.of(images, labels)) {
            Path file = directory.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new InvalidInputException("Fashion-MNIST file " + file + " is missing; install the dataset with"
                        + " 'apt-get install dataset-fashion-mnist' (it goes to " + DEFAULT_DIRECTORY + "), or point -D"
                        + DIRECTORY_PROPERTY + " or an explicit directory at a folder holding " + TRAIN_IMAGES + ", "
                        + TRAIN_LABELS + ", " + TEST_IMAGES + " and " + TEST_LABELS);
            }
        }
        return IdxDataset.open(directory.resolve(images), directory.resolve(labels), transform);
    }
}
