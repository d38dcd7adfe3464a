package org.quant4j.calibration.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.data.InputSpec;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.data.SampleShapes;
import org.quant4j.api.data.Tensor;

/**
 * Samples of several shapes: a directory of {@code .npz} files, each read as
 * {@link NpyInputsDataset#openNpz} (one array per model input, named by the input, samples on the
 * first axis, optional {@code labels}), the files in name order. Every file holds the same inputs
 * with the same element types; the sample shapes may differ from file to file (text lines of
 * different widths, say: one file per width, or one per line). Files of the same shapes form one
 * shape group ({@link #sampleShapes()}); a model is fed one group at a time, never padded. Labels
 * are in every file or in none. Thread-safe.
 */
public final class NpzFilesDataset implements Dataset {

    private final Path dir;
    private final List<NpyInputsDataset> files;
    private final List<Path> paths;
    private final int[] start;
    private final int[] groupOfFile;
    private final SampleShapes shapes;
    private final int size;
    private final int numClasses;
    private final Supplier<String> fingerprint = Fingerprint.lazy(this::computeFingerprint);

    private NpzFilesDataset(Path dir, List<Path> paths, List<NpyInputsDataset> files) {
        this.dir = dir;
        this.paths = List.copyOf(paths);
        this.files = List.copyOf(files);
        this.start = new int[files.size() + 1];
        this.groupOfFile = new int[files.size()];
        List<Map<String, int[]>> groupShapes = new ArrayList<>();
        List<Integer> groupSizes = new ArrayList<>();
        for (int f = 0; f < files.size(); f++) {
            start[f + 1] = Math.addExact(start[f], files.get(f).size());
            Map<String, int[]> s = new LinkedHashMap<>();
            files.get(f).inputs().forEach(spec -> s.put(spec.name(), spec.sampleShape()));
            int g = indexOf(groupShapes, s);
            if (g < 0) {
                g = groupShapes.size();
                groupShapes.add(s);
                groupSizes.add(0);
            }
            groupOfFile[f] = g;
            groupSizes.set(g, groupSizes.get(g) + files.get(f).size());
        }
        List<SampleShapes.Group> groups = new ArrayList<>();
        for (int g = 0; g < groupShapes.size(); g++) {
            groups.add(new SampleShapes.Group(groupShapes.get(g), groupSizes.get(g)));
        }
        this.shapes = new SampleShapes(groups);
        this.size = start[files.size()];
        this.numClasses = files.stream().mapToInt(NpyInputsDataset::numClasses).max().orElse(0);
    }

    private static int indexOf(List<Map<String, int[]>> groups, Map<String, int[]> shapes) {
        for (int g = 0; g < groups.size(); g++) {
            Map<String, int[]> other = groups.get(g);
            if (other.keySet().equals(shapes.keySet())
                    && shapes.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), other.get(e.getKey())))) {
                return g;
            }
        }
        return -1;
    }

    /**
     * Opens every {@code .npz} file directly in {@code dir}.
     *
     * @throws InvalidInputException when the directory holds no {@code .npz} file, a file is
     *                               unreadable, or the files differ in their inputs, element types
     *                               or in having labels
     */
    public static NpzFilesDataset open(Path dir) {
        List<Path> paths = npzFiles(dir);
        if (paths.isEmpty()) {
            throw new InvalidInputException("Directory " + dir + " holds no .npz file: save the samples of each shape"
                    + " as one .npz file, e.g. numpy.savez('width160.npz', x=lines_of_width_160)");
        }
        List<NpyInputsDataset> files = new ArrayList<>();
        for (Path p : paths) {
            files.add(NpyInputsDataset.openNpz(p));
        }
        NpyInputsDataset first = files.get(0);
        for (int f = 1; f < files.size(); f++) {
            NpyInputsDataset other = files.get(f);
            List<String> a = first.inputs().stream().map(s -> s.name() + " " + s.type()).toList();
            List<String> b = other.inputs().stream().map(s -> s.name() + " " + s.type()).toList();
            if (!a.equals(b)) {
                throw new InvalidInputException("The .npz files of " + dir + " hold different inputs: " + paths.get(0)
                        .getFileName() + " has " + a + ", " + paths.get(f).getFileName() + " has " + b + "; every file"
                        + " holds the same inputs with the same types (their shapes may differ)");
            }
            if ((first.numClasses() > 0) != (other.numClasses() > 0)) {
                throw new InvalidInputException("Some .npz files of " + dir + " hold 'labels' and others do not ("
                        + paths.get(0).getFileName() + ", " + paths.get(f).getFileName() + "): label every file or"
                        + " none");
            }
        }
        return new NpzFilesDataset(dir, paths, files);
    }

    /** The {@code .npz} files directly in {@code dir}, in name order. */
    public static List<Path> npzFiles(Path dir) {
        return NpyInputsDataset.files(dir, ".npz");
    }

    private int fileOf(int index) {
        Objects.checkIndex(index, size);
        int f = Arrays.binarySearch(start, index);
        if (f < 0) {
            return -f - 2;
        }
        while (f + 1 < start.length && start[f + 1] == index) {
            f++; // skip empty files
        }
        return f;
    }

    @Override
    public int size() {
        return size;
    }

    /** The inputs with the shapes of the first file; {@link #sampleShapes()} lists every shape. */
    @Override
    public List<InputSpec> inputs() {
        return files.get(0).inputs();
    }

    @Override
    public SampleShapes sampleShapes() {
        return shapes;
    }

    @Override
    public int shapeGroup(int index) {
        return groupOfFile[fileOf(index)];
    }

    /**
     * The samples at {@code indices}, read from their files and joined.
     *
     * @throws IllegalArgumentException when the samples have different shapes
     */
    @Override
    public NamedBatch namedBatch(int[] indices, String singleInput) {
        List<NamedBatch> parts = new ArrayList<>();
        int i = 0;
        while (i < indices.length) {
            int f = fileOf(indices[i]);
            int j = i;
            while (j < indices.length && fileOf(indices[j]) == f) {
                j++;
            }
            int[] local = new int[j - i];
            for (int k = i; k < j; k++) {
                local[k - i] = indices[k] - start[f];
            }
            parts.add(files.get(f).namedBatch(local, singleInput));
            i = j;
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (String name : parts.get(0).tensors().keySet()) {
            tensors.put(name, Tensor.concat(parts.stream().map(p -> p.tensor(name)).toList()));
        }
        int[] labels = null;
        if (numClasses > 0) {
            labels = parts.stream().flatMapToInt(p -> Arrays.stream(p.labels().orElseThrow())).toArray();
        }
        return new NamedBatch(tensors, indices.length, Optional.ofNullable(labels));
    }

    /** Not available: the samples are named tensors of several shapes. */
    @Override
    public int[] sampleShape() {
        throw new UnsupportedOperationException(this + " holds named inputs of several shapes; read it as named"
                + " batches");
    }

    /** Not available: the samples are named tensors of several shapes. */
    @Override
    public void read(int index, float[] dest, int offset) {
        sampleShape();
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public int label(int index) {
        int f = fileOf(index);
        return files.get(f).label(index - start[f]);
    }

    /** SHA-256 of every file's fingerprint, in name order. */
    @Override
    public String fingerprint() {
        return fingerprint.get();
    }

    private String computeFingerprint() {
        Fingerprint fp = Fingerprint.of("npz-files");
        for (int f = 0; f < files.size(); f++) {
            fp.add("file", paths.get(f).getFileName().toString()).add("content", files.get(f).fingerprint());
        }
        return fp.hex();
    }

    @Override
    public String toString() {
        return "NpzFilesDataset[" + dir + ", " + files.size() + " files, " + size + " samples, shapes "
                + shapes.describe() + "]";
    }
}
