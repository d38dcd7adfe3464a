package org.quant4j.calibration.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.data.ElementType;
import org.quant4j.api.data.InputSpec;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.data.Tensor;

/**
 * Named samples for a model with several inputs, or with inputs that are not float32 (token ids,
 * an attention mask): one NumPy array per model input, named by the input, each with the samples on
 * its first axis, and optionally an array named {@code labels} of one class label per sample.
 * The arrays come from a {@code .npz} archive ({@code numpy.savez(path, input_ids=ids,
 * attention_mask=mask, labels=y)}, stored or compressed with {@code savez_compressed}), from a
 * directory of {@code NAME.npy} files (with {@code labels.npy}), or from {@code .npy} files given by
 * input name. Arrays hold float32, float16, int64, int32, int8, uint8 or bool elements (little-endian,
 * C order), passed to the model as they are: no transform applies. The {@code .npy} files are
 * memory-mapped; the arrays of a {@code .npz} archive are read into memory. Thread-safe.
 *
 * <p>This dataset has no single sample shape: {@link #sampleShape()} and {@link #read} throw, and
 * batches come from {@link #namedBatches(int, String)}.
 */
public final class NpyInputsDataset implements Dataset {

    /** The name of the array that holds the labels. */
    public static final String LABELS = "labels";

    private static final String SUPPORTED = "float32 '<f4', float16 '<f2', int64 '<i8', int32 '<i4', int8 '|i1',"
            + " uint8 '|u1', bool '|b1'";

    /** One input: its spec, its array and the bytes of each sample. */
    private record Input(InputSpec spec, NpyArray array, int rowBytes, IntFunction<ByteBuffer> rows) {
    }

    private final String description;
    private final List<Input> inputs;
    private final List<InputSpec> specs;
    private final NpyArray labelArray;
    private final int[] labels;
    private final int numClasses;
    private final int size;
    private final List<Path> files;
    private final Supplier<String> fingerprint = Fingerprint.lazy(this::computeFingerprint);

    private NpyInputsDataset(String description, List<Input> inputs, NpyArray labelArray, int[] labels, int size,
            List<Path> files) {
        this.description = description;
        this.inputs = List.copyOf(inputs);
        this.specs = inputs.stream().map(Input::spec).toList();
        this.labelArray = labelArray;
        this.labels = labels;
        this.numClasses = labels == null ? 0 : Arrays.stream(labels).max().orElse(-1) + 1;
        this.size = size;
        this.files = List.copyOf(files);
    }

    /**
     * Opens a {@code .npz} archive: every array but {@code labels} is the input of its name.
     *
     * @throws InvalidInputException when the file is missing or not a zip archive, holds no input
     *                               array, or an array is unreadable, of an unsupported dtype, or
     *                               holds another number of samples than the others
     */
    public static NpyInputsDataset openNpz(Path npz) {
        Objects.requireNonNull(npz, "npz");
        if (!Files.isRegularFile(npz)) {
            throw new InvalidInputException(".npz file not found: " + npz + "; check the path");
        }
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        Map<String, ByteBuffer> contents = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(npz.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                if (!entry.getName().endsWith(".npy")) {
                    throw new InvalidInputException(".npz file " + npz + " holds '" + entry.getName() + "', which is not"
                            + " a .npy array; save the file with numpy.savez(path, input_name=array, ...)");
                }
                String name = entry.getName().substring(0, entry.getName().length() - ".npy".length());
                ByteBuffer content = ByteBuffer.wrap(readEntry(zip, entry, npz));
                String origin = npz + ":" + entry.getName();
                arrays.put(name, NpyArray.parse(npz, origin, name.equals(LABELS) ? "labels" : "input", content));
                contents.put(name, content);
            }
        } catch (ZipException e) {
            throw new InvalidInputException(".npz file " + npz + " is not a readable zip archive (" + e.getMessage()
                    + "); save it with numpy.savez or numpy.savez_compressed", e);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read .npz file " + npz + ": " + e.getMessage(), e);
        }
        NpyArray labelArray = arrays.remove(LABELS);
        ByteBuffer labelContent = contents.remove(LABELS);
        if (arrays.isEmpty()) {
            throw new InvalidInputException(".npz file " + npz + " holds no input arrays"
                    + (labelArray == null ? "" : " (only 'labels')") + ": save one array per model input, named"
                    + " by the input, e.g. numpy.savez(path, input_ids=ids, attention_mask=mask)");
        }
        List<Input> inputs = new ArrayList<>();
        arrays.forEach((name, array) -> {
            ByteBuffer data = contents.get(name).slice((int) array.dataOffset,
                    (int) (contents.get(name).capacity() - array.dataOffset)).order(ByteOrder.LITTLE_ENDIAN);
            inputs.add(input(name, array, rowBytes -> i -> data.slice(i * rowBytes, rowBytes)
                    .order(ByteOrder.LITTLE_ENDIAN)));
        });
        int count = requireSameCount(inputs, npz.toString());
        int[] labels = null;
        if (labelArray != null) {
            NpyDataset.requireLabelShape(labelArray, count);
            labels = NpyDataset.labels(labelArray, labelContent.slice((int) labelArray.dataOffset,
                    (int) (labelContent.capacity() - labelArray.dataOffset)).order(ByteOrder.LITTLE_ENDIAN), count);
        }
        return new NpyInputsDataset(".npz " + npz, inputs, labelArray, labels, count, List.of(npz));
    }

    /**
     * Opens one {@code .npy} file per input and, unless {@code labels} is null, a {@code .npy} of
     * labels.
     *
     * @param inputs the file of each model input, by input name, in input order
     * @throws InvalidInputException when a file is missing or unreadable, an array has an
     *                               unsupported dtype, or the arrays hold different numbers of
     *                               samples
     */
    public static NpyInputsDataset openNpy(Map<String, Path> inputs, Path labels) {
        if (inputs.isEmpty()) {
            throw new InvalidInputException("No input arrays given: give one .npy file per model input");
        }
        List<Input> opened = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        inputs.forEach((name, file) -> {
            NpyArray array = NpyArray.open(file, "input '" + name + "'");
            opened.add(input(name, array, rowBytes -> {
                MappedRecords records = MappedRecords.map(file, array.dataOffset, rowBytes,
                        Math.toIntExact(array.shape[0]));
                return i -> records.record(i, ByteOrder.LITTLE_ENDIAN);
            }));
            files.add(file);
        });
        int count = requireSameCount(opened, inputs.values().stream().map(Path::toString)
                .collect(Collectors.joining(", ")));
        NpyArray labelArray = null;
        int[] labelValues = null;
        if (labels != null) {
            labelArray = NpyArray.open(labels, "labels");
            NpyDataset.requireLabelShape(labelArray, count);
            labelValues = count == 0 ? new int[0] : NpyDataset.labels(labelArray, MappedRecords.map(labels,
                    labelArray.dataOffset, Math.multiplyExact(count, labelArray.dtype.bytes), 1)
                    .record(0, ByteOrder.LITTLE_ENDIAN), count);
            files.add(labels);
        }
        String description = ".npy " + inputs.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ")) + (labels == null ? "" : " with labels " + labels);
        return new NpyInputsDataset(description, opened, labelArray, labelValues, count, files);
    }

    /**
     * Opens a directory of {@code NAME.npy} files, one per model input named {@code NAME}, in name
     * order, with the labels in {@code labels.npy} if present.
     *
     * @throws InvalidInputException as {@link #openNpy}, and when the directory holds no input file
     */
    public static NpyInputsDataset openDirectory(Path dir) {
        Map<String, Path> inputs = new LinkedHashMap<>();
        Path labels = null;
        for (Path file : npyFiles(dir)) {
            String name = file.getFileName().toString();
            String input = name.substring(0, name.length() - ".npy".length());
            if (input.equals(LABELS)) {
                labels = file;
            } else {
                inputs.put(input, file);
            }
        }
        if (inputs.isEmpty()) {
            throw new InvalidInputException("Directory " + dir + " holds no NAME.npy file of a model input: save one"
                    + " array per input as NAME.npy, named by the input (labels as labels.npy)");
        }
        return openNpy(inputs, labels);
    }

    /**
     * The {@code .npy} files directly in {@code dir}, in name order.
     *
     * @throws InvalidInputException when the directory cannot be listed
     */
    public static List<Path> npyFiles(Path dir) {
        return files(dir, ".npy");
    }

    /** The regular files directly in {@code dir} whose name ends with {@code suffix} (any case), in name order. */
    static List<Path> files(Path dir, String suffix) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> Files.isRegularFile(p)
                    && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new InvalidInputException("Cannot list directory " + dir + ": " + e + "; check its permissions", e);
        }
    }

    private static byte[] readEntry(ZipFile zip, ZipEntry entry, Path npz) throws IOException {
        if (entry.getSize() > Integer.MAX_VALUE - 16) {
            throw new InvalidInputException("Array '" + entry.getName() + "' of .npz file " + npz + " is larger than"
                    + " 2 GiB: save the arrays as a directory of .npy files instead, which are memory-mapped");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }

    /** The input {@code name} of {@code array}, its rows made by {@code rows} from the row size. */
    private static Input input(String name, NpyArray array, IntFunction<IntFunction<ByteBuffer>> rows) {
        ElementType type = elementType(array);
        if (type == null) {
            throw new InvalidInputException("Array '" + name + "' (" + array.origin + ") has dtype '" + array.descr
                    + "', which a model input does not take here; supported: " + SUPPORTED
                    + ". Convert it to the model input's type, e.g. arr.astype('<f4') for a float32 input");
        }
        if (array.shape.length < 1 || array.shape[0] > Integer.MAX_VALUE) {
            throw new InvalidInputException("Array '" + name + "' (" + array.origin + ") has shape "
                    + Arrays.toString(array.shape) + "; expected the samples on the first axis, e.g. (N, 128)");
        }
        int[] sampleShape = new int[array.shape.length - 1];
        long rowElements = 1;
        for (int d = 0; d < sampleShape.length; d++) {
            if (array.shape[d + 1] == 0 || array.shape[d + 1] > Integer.MAX_VALUE) {
                throw new InvalidInputException("Array '" + name + "' (" + array.origin + ") has shape "
                        + Arrays.toString(array.shape) + "; every sample dimension must be between 1 and "
                        + Integer.MAX_VALUE);
            }
            sampleShape[d] = (int) array.shape[d + 1];
            rowElements = Math.multiplyExact(rowElements, sampleShape[d]);
        }
        int rowBytes = Math.toIntExact(Math.multiplyExact(rowElements, type.bytes()));
        return new Input(new InputSpec(name, type, sampleShape), array, rowBytes, rows.apply(rowBytes));
    }

    private static ElementType elementType(NpyArray array) {
        return switch (array.dtype) {
            case FLOAT32 -> ElementType.FLOAT32;
            case FLOAT16 -> ElementType.FLOAT16;
            case INT64 -> ElementType.INT64;
            case INT32 -> ElementType.INT32;
            case INT8 -> ElementType.INT8;
            case UINT8 -> ElementType.UINT8;
            case BOOL -> ElementType.BOOL;
            case FLOAT64 -> null;
        };
    }

    private static int requireSameCount(List<Input> inputs, String source) {
        int count = (int) inputs.get(0).array().shape[0];
        for (Input in : inputs) {
            if (in.array().shape[0] != count) {
                throw new InvalidInputException("The arrays of " + source + " hold different numbers of samples: "
                        + inputs.stream().map(i -> "'" + i.spec().name() + "' " + i.array().shape[0])
                                .collect(Collectors.joining(", "))
                        + "; every input array holds the same samples, one per row of its first axis");
            }
        }
        return count;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public List<InputSpec> inputs() {
        return specs;
    }

    @Override
    public NamedBatch namedBatch(int[] indices, String singleInput) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Input in : inputs) {
            ByteBuffer gathered = ByteBuffer.allocate(Math.multiplyExact(indices.length, in.rowBytes()));
            for (int index : indices) {
                gathered.put(in.rows().apply(Objects.checkIndex(index, size)));
            }
            int[] sample = in.spec().sampleShape();
            long[] shape = new long[sample.length + 1];
            shape[0] = indices.length;
            for (int d = 0; d < sample.length; d++) {
                shape[d + 1] = sample[d];
            }
            tensors.put(in.spec().name(), Tensor.copyOf(in.spec().type(), gathered.flip(), ByteOrder.LITTLE_ENDIAN,
                    shape));
        }
        int[] batchLabels = null;
        if (labels != null) {
            batchLabels = new int[indices.length];
            for (int i = 0; i < indices.length; i++) {
                batchLabels[i] = labels[indices[i]];
            }
        }
        return new NamedBatch(tensors, indices.length, Optional.ofNullable(batchLabels));
    }

    /** Not available: the samples are named tensors of several shapes; use {@link #namedBatches(int, String)}. */
    @Override
    public int[] sampleShape() {
        throw unnamedAccess();
    }

    /** Not available: the samples are named tensors of several types; use {@link #namedBatches(int, String)}. */
    @Override
    public void read(int index, float[] dest, int offset) {
        throw unnamedAccess();
    }

    private UnsupportedOperationException unnamedAccess() {
        return new UnsupportedOperationException(this + " holds named inputs " + specs
                + "; read it as named batches (Dataset.namedBatches), not as float samples of one shape");
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public int label(int index) {
        Objects.checkIndex(index, size);
        return labels == null ? -1 : labels[index];
    }

    /**
     * SHA-256 of the files' names, sizes and content, and of every array's name, dtype and shape.
     * Reads the files once, on the first call.
     */
    @Override
    public String fingerprint() {
        return fingerprint.get();
    }

    private String computeFingerprint() {
        Fingerprint fp = Fingerprint.of("npy-inputs");
        for (Path file : files) {
            fp.add("file", file.getFileName().toString()).add("size", fileSize(file)).addFileContent("content", file);
        }
        List<NpyArray> arrays = new ArrayList<>(inputs.stream().map(Input::array).toList());
        List<String> names = new ArrayList<>(specs.stream().map(InputSpec::name).toList());
        if (labelArray != null) {
            arrays.add(labelArray);
            names.add(LABELS);
        }
        for (int i = 0; i < arrays.size(); i++) {
            fp.add("array", names.get(i)).add("descr", arrays.get(i).descr)
                    .add("shape", Arrays.toString(arrays.get(i).shape));
        }
        return fp.hex();
    }

    private static long fileSize(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "NpyInputsDataset[" + description + ", " + size + " samples, inputs " + specs
                + (labels == null ? ", unlabelled" : ", " + numClasses + " classes") + "]";
    }
}
