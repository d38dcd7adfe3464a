package org.quant4j.calibration.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;

/**
 * Images laid out ImageNet-style, {@code root/<class>/<image>.jpg|.jpeg|.png}: class folders sorted
 * by name give label indices 0, 1, ...; images inside a class folder (and its sub-folders) are
 * sorted by relative path. Only the file list is kept in memory; each {@link #read} decodes one
 * image with {@code javax.imageio} and preprocesses it with an {@link ImageTransform}. Names
 * starting with a dot are ignored. Thread-safe.
 */
public final class ImageFolderDataset implements Dataset {

    private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png");

    private final List<String> classNames;
    private final List<Path> files;
    private final List<String> relativePaths;
    private final int[] labels;
    private final ImageTransform transform;
    private final Supplier<String> fingerprint = Fingerprint.lazy(this::computeFingerprint);

    private ImageFolderDataset(List<String> classNames, List<Path> files, List<String> relativePaths, int[] labels,
                               ImageTransform transform) {
        this.classNames = List.copyOf(classNames);
        this.files = List.copyOf(files);
        this.relativePaths = List.copyOf(relativePaths);
        this.labels = labels;
        this.transform = transform;
    }

    /** Opens {@code root} with the ImageNet preprocessing, {@link ImageTransform#imagenet()}. */
    public static ImageFolderDataset open(Path root) {
        return open(root, ImageTransform.imagenet());
    }

    /**
     * Lists the class folders and images of {@code root}; images are decoded later, one per read.
     *
     * @throws InvalidInputException when the root is missing or not a folder, has no class
     *                               sub-folders, or a class folder holds no image
     */
    public static ImageFolderDataset open(Path root, ImageTransform transform) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(transform, "transform");
        if (!Files.exists(root)) {
            throw new InvalidInputException("Image folder " + root + " does not exist; pass the folder that holds one"
                    + " sub-folder per class");
        }
        if (!Files.isDirectory(root)) {
            throw new InvalidInputException("Image folder " + root + " is not a folder; pass the folder that holds one"
                    + " sub-folder per class");
        }
        List<Path> entries = list(root);
        List<Path> classDirs = entries.stream().filter(Files::isDirectory)
                .sorted(Comparator.comparing(p -> p.getFileName().toString())).collect(Collectors.toList());
        if (classDirs.isEmpty()) {
            long loose = entries.stream().filter(ImageFolderDataset::isImage).count();
            throw new InvalidInputException("Image folder " + root + " has no class sub-folders"
                    + (loose > 0 ? " (it holds " + loose + " images directly)" : "")
                    + "; expected " + root + "/<class>/<image>.jpg|.jpeg|.png, one sub-folder per class");
        }
        List<String> classNames = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<String> relativePaths = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<String> emptyClasses = new ArrayList<>();
        for (Path dir : classDirs) {
            int label = classNames.size();
            classNames.add(dir.getFileName().toString());
            List<Path> images = walkImages(dir);
            if (images.isEmpty()) {
                emptyClasses.add(dir.getFileName().toString());
            }
            for (Path image : images) {
                files.add(image);
                relativePaths.add(relativePath(root, image));
                labels.add(label);
            }
        }
        if (!emptyClasses.isEmpty()) {
            throw new InvalidInputException("Image folder " + root + ": class folder(s) " + emptyClasses
                    + " hold no images (.jpg, .jpeg or .png); add images or remove the empty folders");
        }
        return new ImageFolderDataset(classNames, files, relativePaths,
                labels.stream().mapToInt(Integer::intValue).toArray(), transform);
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public int[] sampleShape() {
        return transform.sampleShape();
    }

    @Override
    public int numClasses() {
        return classNames.size();
    }

    /**
     * Decodes and preprocesses image {@code index}.
     *
     * @throws InvalidInputException naming the file when it cannot be read or decoded, or is
     *                               smaller than the crop
     */
    @Override
    public void read(int index, float[] dest, int offset) {
        Path file = files.get(index);
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new InvalidInputException("Cannot decode image " + file + ": " + e.getMessage()
                    + "; replace or remove the file", e);
        }
        if (image == null) {
            throw new InvalidInputException("Cannot decode image " + file + ": no javax.imageio reader recognises its"
                    + " content (corrupt, or not really JPEG/PNG); replace or remove the file");
        }
        transform.apply(image, dest, offset, file.toString());
    }

    @Override
    public int label(int index) {
        return labels[Objects.checkIndex(index, labels.length)];
    }

    /** Class folder names, by label index. */
    public List<String> classNames() {
        return classNames;
    }

    /** The image file of sample {@code index}. */
    public Path file(int index) {
        return files.get(index);
    }

    /** The preprocessing applied to every image. */
    public ImageTransform transform() {
        return transform;
    }

    /**
     * SHA-256 of the class names, each image's path relative to the root, size and content hash, and
     * the transform. Reads every image once, on the first call; independent of where the folder is
     * and of file times, so copies and clones of the folder agree.
     */
    @Override
    public String fingerprint() {
        return fingerprint.get();
    }

    private String computeFingerprint() {
        Fingerprint fp = Fingerprint.of("image-folder").add("classes", String.join("\n", classNames))
                .add("count", files.size());
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            fp.add("path", relativePaths.get(i)).add("size", size(file)).addFileContent("content", file);
        }
        return fp.add("transform", transform.description()).hex();
    }

    @Override
    public String toString() {
        return "ImageFolderDataset[" + files.size() + " images, " + classNames.size() + " classes, " + transform + "]";
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && Files.isRegularFile(file) && EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith(".")).collect(Collectors.toList());
        } catch (IOException e) {
            throw new InvalidInputException("Cannot list image folder " + dir + ": " + e.getMessage()
                    + "; check that it is readable", e);
        }
    }

    private static List<Path> walkImages(Path classDir) {
        try (Stream<Path> entries = Files.walk(classDir, FileVisitOption.FOLLOW_LINKS)) {
            return entries.filter(p -> !("/" + relativePath(classDir, p)).contains("/."))
                    .filter(ImageFolderDataset::isImage)
                    .sorted((a, b) -> relativePath(classDir, a).compareTo(relativePath(classDir, b)))
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new InvalidInputException("Cannot list image folder " + classDir + ": " + e.getMessage()
                    + "; check that it is readable", e);
        }
    }

    /** Path of {@code file} below {@code root} with '/' separators on every platform. */
    private static String relativePath(Path root, Path file) {
        Path rel = root.relativize(file);
        StringBuilder s = new StringBuilder();
        for (Path part : rel) {
            s.append(s.length() == 0 ? "" : "/").append(part);
        }
        return s.toString();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read the size of image " + file + ": " + e.getMessage()
                    + "; check that the file still exists", e);
        }
    }
}
