package org.quant4j.cli.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.data.InputSpec;
import org.quant4j.calibration.data.Cifar10Dataset;
import org.quant4j.calibration.data.ColorMode;
import org.quant4j.calibration.data.IdxDataset;
import org.quant4j.calibration.data.ImageFolderDataset;
import org.quant4j.calibration.data.ImageTransform;
import org.quant4j.calibration.data.Normalization;
import org.quant4j.calibration.data.NpyDataset;
import org.quant4j.calibration.data.NpyInputsDataset;
import org.quant4j.calibration.data.NpzFilesDataset;
import org.quant4j.calibration.data.PixelTransform;
import org.quant4j.cli.data.DataOptions.Split;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.TensorInfo;

/**
 * Opens the data named by {@code --data}, recognising its format from the path:
 * <ul>
 *   <li>a directory holding {@code train-images-idx3-ubyte[.gz]}/{@code t10k-images-idx3-ubyte[.gz]}
 *       and their labels (MNIST, Fashion-MNIST): IDX, pixels scaled to [0, 1];</li>
 *   <li>a directory holding {@code data_batch_N.bin}/{@code test_batch.bin}, directly or in
 *       {@code cifar-10-batches-bin/}, or one such {@code .bin} file: CIFAR-10, pixels scaled to [0, 1];</li>
 *   <li>any other directory with sub-folders: an image folder, one sub-folder per class, decoded,
 *       resized and center-cropped to the model's input;</li>
 *   <li>a {@code .npy} file (or one starting with the NumPy magic): samples as stored, labels from a
 *       {@code .npy} given with {@code --labels};</li>
 *   <li>a {@code .npz} file: one array per model input, named by the input, and optional labels in
 *       an array named {@code labels}, fed as stored (for models with several inputs or inputs that
 *       are not float32: token ids and an attention mask, say);</li>
 *   <li>a directory of {@code NAME.npy} files and no sub-folders: the same, one file per input,
 *       labels in {@code labels.npy};</li>
 *   <li>a directory of {@code .npz} files and no sub-folders: samples of several shapes, each file
 *       as a {@code .npz} file above holding samples of one shape ({@link NpzFilesDataset});</li>
 *   <li>a file starting with the IDX images magic {@code 0x00000803}, gzipped or not: IDX images,
 *       labels from the IDX file given with {@code --labels}.</li>
 * </ul>
 * In every format but the named arrays of {@code .npz} files and {@code .npy} directories, which
 * are fed as stored, {@code --mean}/{@code --std} normalise per channel after the scaling.
 */
public final class DataSources {

    private static final Pattern IDX_FILE = Pattern.compile(
            "(train|t10k|test)-(images|labels)[-.]idx([13])-ubyte(\\.gz)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern CIFAR_TRAIN = Pattern.compile("data_batch_(\\d+)\\.bin", Pattern.CASE_INSENSITIVE);
    private static final Pattern CIFAR_TEST = Pattern.compile("test_batch\\.bin", Pattern.CASE_INSENSITIVE);
    private static final String CIFAR_SUBDIRECTORY = "cifar-10-batches-bin";
    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private static final String ACCEPTED = "give a directory of MNIST/Fashion-MNIST IDX files"
            + " (train-images-idx3-ubyte.gz, ...), an IDX images file with --labels, an image folder with one"
            + " sub-folder per class, CIFAR-10 .bin files or their directory, a .npy file, or for models with"
            + " several inputs a .npz file or a directory of NAME.npy files, one array per model input, or for"
            + " samples of several shapes a directory of .npz files, one per shape";

    /**
     * Data read from {@code --data}.
     *
     * @param dataset     the samples
     * @param format      {@code idx}, {@code cifar10}, {@code image-folder}, {@code npy}, {@code npz} or
     *                    {@code npy-inputs}
     * @param description what was read, for the summary (files, split)
     */
    public record OpenedData(Dataset dataset, String format, String description) {
    }

    private DataSources() {
    }

    /**
     * Opens {@code --data}.
     *
     * @param defaultSplit which files of a dataset directory to read when {@code --split} is not
     *                     given: the other split is read when this one is absent
     * @param inputShape   the model's input shape {@code [N, C, H, W]}, if known: image folders are
     *                     cropped to it and decoded to its channels
     * @throws InvalidInputException when the path is missing, its format cannot be recognised, or
     *                               options do not apply to it
     */
    public static OpenedData open(DataOptions options, Split defaultSplit, Optional<long[]> inputShape) {
        OpenedData opened = openFormat(options, defaultSplit, inputShape);
        java.util.Map<String, Integer> axes = options.batchAxes();
        if (axes.isEmpty()) {
            return opened;
        }
        return new OpenedData(opened.dataset().withBatchAxes(axes), opened.format(), opened.description()
                + " (batch axes " + axes.entrySet().stream().map(e -> e.getKey() + "=" + (e.getValue() < 0 ? "none"
                        : e.getValue())).collect(Collectors.joining(", ")) + ")");
    }

    private static OpenedData openFormat(DataOptions options, Split defaultSplit, Optional<long[]> inputShape) {
        Path path = options.path();
        if (path == null) {
            throw new InvalidInputException("No data given: " + ACCEPTED + " with --data");
        }
        if (!Files.exists(path)) {
            throw new InvalidInputException("Data " + path + " does not exist: check the path given with --data");
        }
        Normalization normalization = options.normalization();
        if (Files.isDirectory(path)) {
            return openDirectory(path, options, defaultSplit, inputShape, normalization);
        }
        requireNoSplit(options, path);
        requireNoImageOptions(options, path);
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npz")) {
            requireNoLabels(options, path, "a .npz file holds its labels as the array 'labels'");
            requireNoNormalization(options, path);
            NpyInputsDataset data = NpyInputsDataset.openNpz(path);
            return new OpenedData(data, "npz", ".npz " + path + " (inputs " + inputNames(data) + ")");
        }
        if (name.endsWith(".npy") || startsWith(path, NPY_MAGIC)) {
            NpyDataset data = NpyDataset.open(path, options.labels().orElse(null),
                    PixelTransform.of(1f, normalization));
            return new OpenedData(data, "npy", ".npy " + path + withLabels(options));
        }
        if (name.endsWith(".bin")) {
            requireNoLabels(options, path, "CIFAR-10 files hold their labels");
            return cifar(List.of(path), normalization, "CIFAR-10 " + path);
        }
        if (idxMagic(path) == IdxDataset.IMAGES_MAGIC) {
            IdxDataset data = IdxDataset.open(path, options.labels().orElse(null),
                    PixelTransform.unitScaled(normalization));
            return new OpenedData(data, "idx", "IDX " + path + withLabels(options));
        }
        throw new InvalidInputException("Cannot tell the format of data " + path + ": " + ACCEPTED);
    }

    /**
     * The shape of the model's one data input (initializers aside), if it has exactly one with a
     * known rank: image folders are cropped to it. A model with several inputs takes named arrays,
     * which need no shape from the model.
     */
    public static Optional<long[]> inputShape(OnnxModel model) {
        Graph graph = model.graph();
        return inputShape(graph.inputs().stream().filter(i -> !graph.isInitializer(i.name())).toList());
    }

    /** As {@link #inputShape(OnnxModel)}, from the model's data inputs ({@link org.quant4j.onnx.graph.ModelInputs}). */
    public static Optional<long[]> inputShape(List<TensorInfo> inputs) {
        return inputs.size() == 1 ? inputs.get(0).shape() : Optional.empty();
    }

    private static OpenedData openDirectory(Path dir, DataOptions options, Split defaultSplit,
            Optional<long[]> inputShape, Normalization normalization) {
        if (options.labels().isPresent()) {
            throw new InvalidInputException("--labels is for a single IDX or .npy file, but --data " + dir
                    + " is a directory: leave --labels out");
        }
        Map<Split, IdxPair> idx = idxPairs(dir);
        if (!idx.isEmpty()) {
            requireNoImageOptions(options, dir);
            Split split = chooseSplit(dir, idx.keySet(), options, defaultSplit, "IDX");
            IdxPair pair = idx.get(split);
            IdxDataset data = IdxDataset.open(pair.images, pair.labels, PixelTransform.unitScaled(normalization));
            return new OpenedData(data, "idx", "IDX " + pair.images + " with labels " + pair.labels.getFileName()
                    + " (" + splitName(split) + " split)");
        }
        Map<Split, List<Path>> cifar = cifarFiles(dir);
        if (cifar.isEmpty() && Files.isDirectory(dir.resolve(CIFAR_SUBDIRECTORY))) {
            cifar = cifarFiles(dir.resolve(CIFAR_SUBDIRECTORY));
        }
        if (!cifar.isEmpty()) {
            requireNoImageOptions(options, dir);
            Split split = chooseSplit(dir, cifar.keySet(), options, defaultSplit, "CIFAR-10");
            List<Path> files = cifar.get(split);
            return cifar(files, normalization, "CIFAR-10 " + files.get(0).getParent() + " "
                    + files.stream().map(f -> f.getFileName().toString()).collect(Collectors.joining(", "))
                    + " (" + splitName(split) + " split)");
        }
        requireNoSplit(options, dir);
        if (!hasSubdirectory(dir) && !NpyInputsDataset.npyFiles(dir).isEmpty()) {
            requireNoImageOptions(options, dir);
            requireNoNormalization(options, dir);
            NpyInputsDataset data = NpyInputsDataset.openDirectory(dir);
            return new OpenedData(data, "npy-inputs", ".npy directory " + dir + " (inputs " + inputNames(data)
                    + (data.numClasses() > 0 ? ", labels.npy" : "") + ")");
        }
        if (!hasSubdirectory(dir) && !NpzFilesDataset.npzFiles(dir).isEmpty()) {
            requireNoImageOptions(options, dir);
            requireNoNormalization(options, dir);
            NpzFilesDataset data = NpzFilesDataset.open(dir);
            return new OpenedData(data, "npz-files", ".npz directory " + dir + " (" + NpzFilesDataset.npzFiles(dir)
                    .size() + " files, inputs " + inputNames(data) + ")");
        }
        if (!hasSubdirectory(dir)) {
            throw new InvalidInputException("Cannot tell the format of data directory " + dir + ": it holds no IDX or"
                    + " CIFAR-10 files and no class sub-folders; " + ACCEPTED);
        }
        ImageTransform transform = imageTransform(options, inputShape, normalization);
        ImageFolderDataset data = ImageFolderDataset.open(dir, transform);
        return new OpenedData(data, "image-folder", "image folder " + dir + " (" + data.classNames().size()
                + " classes, " + transform.colorMode().name().toLowerCase(Locale.ROOT) + ", resized to "
                + transform.resizeShorterSide() + ", cropped to " + transform.cropHeight() + "x" + transform.cropWidth()
                + ")");
    }

    private static String withLabels(DataOptions options) {
        return options.labels().map(l -> " with labels " + l).orElse("");
    }

    private static OpenedData cifar(List<Path> files, Normalization normalization, String description) {
        return new OpenedData(Cifar10Dataset.open(files, PixelTransform.unitScaled(normalization)), "cifar10",
                description);
    }

    /**
     * The transform of an image folder: the crop from {@code --crop} or the model input's height and
     * width, the shorter side resized to {@code --size} or the larger crop side, the channels of the
     * model input (1: greyscale, else RGB).
     */
    static ImageTransform imageTransform(DataOptions options, Optional<long[]> inputShape,
            Normalization normalization) {
        long[] shape = inputShape.filter(s -> s.length == 4).orElse(null);
        DataOptions.Crop crop = options.crop().orElseGet(() -> {
            if (shape == null || shape[2] <= 0 || shape[3] <= 0) {
                throw new InvalidInputException("The model input has no fixed height and width, so the images cannot"
                        + " be cropped to it: give the size with --crop, e.g. --crop 224");
            }
            return new DataOptions.Crop(Math.toIntExact(shape[2]), Math.toIntExact(shape[3]));
        });
        ColorMode color = shape != null && shape[1] == 1 ? ColorMode.GRAYSCALE : ColorMode.RGB;
        return ImageTransform.builder()
                .centerCrop(crop.height(), crop.width())
                .resizeShorterSide(options.size().orElse(Math.max(crop.height(), crop.width())))
                .colorMode(color)
                .scaleToUnit(true)
                .normalization(normalization)
                .build();
    }

    private static Split chooseSplit(Path dir, Set<Split> available, DataOptions options,
            Split defaultSplit, String kind) {
        Split wanted = options.split().orElse(defaultSplit);
        if (available.contains(wanted)) {
            return wanted;
        }
        if (options.split().isPresent()) {
            throw new InvalidInputException(kind + " directory " + dir + " has no " + splitName(wanted)
                    + " files (it has the " + splitName(available.iterator().next())
                    + " split): choose that one with --split");
        }
        return available.iterator().next();
    }

    private static String splitName(Split split) {
        return split.name().toLowerCase(Locale.ROOT);
    }

    /** An IDX images file and its labels file. */
    private record IdxPair(Path images, Path labels) {
    }

    private static Map<Split, IdxPair> idxPairs(Path dir) {
        Map<Split, Path> images = new EnumMap<>(Split.class);
        Map<Split, Path> labels = new EnumMap<>(Split.class);
        for (Path file : list(dir)) {
            Matcher m = IDX_FILE.matcher(file.getFileName().toString());
            if (!m.matches() || !Files.isRegularFile(file)) {
                continue;
            }
            Split split = m.group(1).equalsIgnoreCase("train") ? Split.TRAIN : Split.TEST;
            boolean isImages = m.group(2).equalsIgnoreCase("images");
            if (isImages != m.group(3).equals("3")) {
                continue;
            }
            (isImages ? images : labels).merge(split, file, DataSources::firstByName);
        }
        Map<Split, IdxPair> pairs = new EnumMap<>(Split.class);
        for (Map.Entry<Split, Path> e : images.entrySet()) {
            Path l = labels.get(e.getKey());
            if (l == null) {
                throw new InvalidInputException("IDX directory " + dir + " has " + e.getValue().getFileName()
                        + " but not its labels file (" + (e.getKey() == Split.TRAIN ? "train" : "t10k")
                        + "-labels-idx1-ubyte.gz): add it");
            }
            pairs.put(e.getKey(), new IdxPair(e.getValue(), l));
        }
        return pairs;
    }

    /** Of the same file stored gzipped and plain, the first in name order, so the choice is stable. */
    private static Path firstByName(Path a, Path b) {
        return a.getFileName().toString().compareTo(b.getFileName().toString()) <= 0 ? a : b;
    }

    private static Map<Split, List<Path>> cifarFiles(Path dir) {
        List<Path> train = new ArrayList<>();
        List<Path> test = new ArrayList<>();
        for (Path file : list(dir)) {
            String name = file.getFileName().toString();
            if (!Files.isRegularFile(file)) {
                continue;
            }
            if (CIFAR_TRAIN.matcher(name).matches()) {
                train.add(file);
            } else if (CIFAR_TEST.matcher(name).matches()) {
                test.add(file);
            }
        }
        train.sort(Comparator.comparingInt(DataSources::batchNumber));
        Map<Split, List<Path>> files = new EnumMap<>(Split.class);
        if (!train.isEmpty()) {
            files.put(Split.TRAIN, List.copyOf(train));
        }
        if (!test.isEmpty()) {
            files.put(Split.TEST, List.copyOf(test));
        }
        return files;
    }

    private static int batchNumber(Path file) {
        Matcher m = CIFAR_TRAIN.matcher(file.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    }

    private static boolean hasSubdirectory(Path dir) {
        return list(dir).stream().anyMatch(p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith("."));
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new InvalidInputException("Cannot list data directory " + dir + ": " + e
                    + "; check its permissions", e);
        }
    }

    private static void requireNoLabels(DataOptions options, Path path, String why) {
        if (options.labels().isPresent()) {
            throw new InvalidInputException("--labels does not apply to " + path + ": " + why + "; leave it out");
        }
    }

    private static String inputNames(Dataset data) {
        return data.inputs().stream().map(InputSpec::name).collect(Collectors.joining(", "));
    }

    private static void requireNoNormalization(DataOptions options, Path path) {
        if (!options.normalization().equals(Normalization.NONE)) {
            throw new InvalidInputException("--mean and --std do not apply to " + path + ", whose arrays are fed to"
                    + " the model as stored: normalise them before saving, and leave the options out");
        }
    }

    private static void requireNoSplit(DataOptions options, Path path) {
        if (options.split().isPresent()) {
            throw new InvalidInputException("--split applies to directories of IDX or CIFAR-10 files, not to " + path
                    + ": leave it out");
        }
    }

    private static void requireNoImageOptions(DataOptions options, Path path) {
        if (options.size().isPresent() || options.crop().isPresent()) {
            throw new InvalidInputException("--size and --crop apply to image folders, not to " + path
                    + ": leave them out");
        }
    }

    private static boolean startsWith(Path file, byte[] prefix) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(prefix.length);
            return Arrays.equals(head, prefix);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read data " + file + ": " + e + "; check its permissions", e);
        }
    }

    /** The first four bytes of {@code file} as a big-endian int, gunzipped first when gzipped; -1 when shorter. */
    private static int idxMagic(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            try (DataInputStream in = new DataInputStream(gzip ? new GZIPInputStream(raw) : raw)) {
                return in.readInt();
            }
        } catch (EOFException | ZipException e) {
            // Too short, or gzip magic without a gzip stream: not IDX, the caller reports an unknown format.
            return -1;
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read data " + file + ": " + e + "; check its permissions", e);
        }
    }
}
