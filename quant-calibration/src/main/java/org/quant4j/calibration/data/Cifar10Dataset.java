package org.quant4j.calibration.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;

/**
 * CIFAR-10 in its binary format ({@code data_batch_1.bin} ... {@code data_batch_5.bin},
 * {@code test_batch.bin}): records of one label byte (0..9) followed by 3072 pixel bytes, the
 * 32 x 32 red, green and blue planes. Several files are concatenated in the order given. The files
 * are memory-mapped; pixels are converted per sample by a {@link PixelTransform}, by default scaled
 * to {@code [0, 1]}. Samples have shape {@code [3, 32, 32]}. Thread-safe.
 */
public final class Cifar10Dataset implements Dataset {

    /** Bytes of one record: a label byte and 3 x 32 x 32 pixel bytes. */
    public static final int RECORD_BYTES = 1 + 3 * 32 * 32;
    /** Class names by label index. */
    public static final List<String> CLASS_NAMES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private static final int PLANE = 32 * 32;

    private final List<Path> files;
    private final List<MappedRecords> records;
    private final int[] starts;
    private final byte[] labels;
    private final PixelTransform transform;
    private final Supplier<String> fingerprint = Fingerprint.lazy(this::computeFingerprint);

    private Cifar10Dataset(List<Path> files, List<MappedRecords> records, int[] starts, byte[] labels,
                           PixelTransform transform) {
        this.files = List.copyOf(files);
        this.records = List.copyOf(records);
        this.starts = starts;
        this.labels = labels;
        this.transform = transform;
    }

    /** Opens the given batch files, scaling pixels to {@code [0, 1]}. */
    public static Cifar10Dataset open(Path... files) {
        return open(Arrays.asList(files), PixelTransform.unitScaled());
    }

    /**
     * Opens the given batch files, in order.
     *
     * @throws InvalidInputException when no file is given, a file is missing, its length is not a
     *                               positive multiple of {@value #RECORD_BYTES}, or a label is not in 0..9
     */
    public static Cifar10Dataset open(List<Path> files, PixelTransform transform) {
        Objects.requireNonNull(transform, "transform");
        if (files.isEmpty()) {
            throw new InvalidInputException("No CIFAR-10 file given; pass data_batch_1.bin ... data_batch_5.bin"
                    + " or test_batch.bin");
        }
        transform.normalization().checkChannels(3, "CIFAR-10");
        List<MappedRecords> records = new ArrayList<>();
        int[] starts = new int[files.size() + 1];
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            long length = length(file);
            if (length == 0 || length % RECORD_BYTES != 0) {
                throw new InvalidInputException("CIFAR-10 file " + file + " has " + length + " bytes, not a positive"
                        + " multiple of the " + RECORD_BYTES + "-byte record (1 label byte + 3072 pixel bytes);"
                        + " it is truncated or not a CIFAR-10 binary batch (CIFAR-100 records are 3074 bytes)");
            }
            if (length / RECORD_BYTES > Integer.MAX_VALUE - starts[f]) {
                throw new InvalidInputException("CIFAR-10 files hold more than " + Integer.MAX_VALUE
                        + " records; open fewer files at once");
            }
            MappedRecords mapped = MappedRecords.map(file, 0, RECORD_BYTES, (int) (length / RECORD_BYTES));
            records.add(mapped);
            starts[f + 1] = starts[f] + mapped.count();
        }
        byte[] labels = new byte[starts[files.size()]];
        for (int f = 0; f < records.size(); f++) {
            MappedRecords mapped = records.get(f);
            for (int r = 0; r < mapped.count(); r++) {
                byte label = mapped.record(r, ByteOrder.BIG_ENDIAN).get(0);
                if (label < 0 || label > 9) {
                    throw new InvalidInputException("CIFAR-10 file " + files.get(f) + ": record " + r + " (byte offset "
                            + (long) r * RECORD_BYTES + ") has label " + (label & 0xFF)
                            + ", outside 0..9; the file is corrupt or not CIFAR-10");
                }
                labels[starts[f] + r] = label;
            }
        }
        return new Cifar10Dataset(files, records, starts, labels, transform);
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int[] sampleShape() {
        return new int[] {3, 32, 32};
    }

    @Override
    public int numClasses() {
        return CLASS_NAMES.size();
    }

    @Override
    public void read(int index, float[] dest, int offset) {
        Objects.checkIndex(index, labels.length);
        // Every file holds at least one record, so starts[] is strictly increasing.
        int f = Arrays.binarySearch(starts, index);
        f = f >= 0 ? f : -f - 2;
        ByteBuffer record = records.get(f).record(index - starts[f], ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < 3 * PLANE; i++) {
            dest[offset + i] = record.get(1 + i) & 0xFF;
        }
        transform.apply(dest, offset, 3, PLANE);
    }

    @Override
    public int label(int index) {
        return labels[Objects.checkIndex(index, labels.length)];
    }

    /** The transform applied to the 8-bit pixels. */
    public PixelTransform transform() {
        return transform;
    }

    /**
     * SHA-256 of each file's name, size and content, and the transform. Reads the files once, on
     * the first call.
     */
    @Override
    public String fingerprint() {
        return fingerprint.get();
    }

    private String computeFingerprint() {
        Fingerprint fp = Fingerprint.of("cifar10");
        for (Path file : files) {
            fp.add("file", file.getFileName().toString()).add("size", length(file)).addFileContent("content", file);
        }
        return fp.add("transform", transform.description()).hex();
    }

    @Override
    public String toString() {
        return "Cifar10Dataset[" + files.size() + " files, " + labels.length + " images]";
    }

    private static long length(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("CIFAR-10 file not found: " + file + "; pass data_batch_N.bin or"
                    + " test_batch.bin from cifar-10-binary.tar.gz");
        }
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read CIFAR-10 file " + file + ": " + e.getMessage(), e);
        }
    }
}
