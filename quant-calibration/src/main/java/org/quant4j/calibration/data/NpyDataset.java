package org.quant4j.calibration.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;

/**
 * Samples stored as a NumPy {@code .npy} array whose first axis indexes samples, e.g. shape
 * {@code (N, 3, 224, 224)}, with optional labels in a second {@code .npy} of shape {@code (N,)}.
 * Data may be little-endian float32 ({@code '<f4'}), float64 ({@code '<f8'}) or uint8
 * ({@code '|u1'}); labels uint8, int32 or int64. Only C order is read. The data file is
 * memory-mapped and converted per sample by a {@link PixelTransform} (by default
 * {@link PixelTransform#identity()}; use {@link PixelTransform#unitScaled()} for 8-bit images). For
 * per-channel normalisation a sample of rank 3 is taken as CHW; any other rank is one channel.
 * Thread-safe.
 */
public final class NpyDataset implements Dataset {

    private final NpyArray data;
    private final NpyArray labelArray;
    private final int[] sampleShape;
    private final int channels;
    private final MappedRecords records;
    private final int[] labels;
    private final int numClasses;
    private final PixelTransform transform;
    private final Supplier<String> fingerprint = Fingerprint.lazy(this::computeFingerprint);

    private NpyDataset(NpyArray data, int[] sampleShape, NpyArray labelArray, int[] labels, PixelTransform transform) {
        this.data = data;
        this.labelArray = labelArray;
        this.sampleShape = sampleShape;
        this.channels = sampleShape.length == 3 ? sampleShape[0] : 1;
        int count = Math.toIntExact(data.shape[0]);
        int recordBytes = Math.toIntExact(Math.multiplyExact(sampleElementsOf(sampleShape), data.dtype.bytes));
        this.records = MappedRecords.map(data.file, data.dataOffset, recordBytes, count);
        this.labels = labels;
        this.numClasses = labels == null ? 0 : Arrays.stream(labels).max().orElse(-1) + 1;
        this.transform = transform;
    }

    /** Opens unlabelled samples with values unchanged. */
    public static NpyDataset open(Path data) {
        return open(data, null, PixelTransform.identity());
    }

    /**
     * Opens samples and, unless {@code labels} is null, their labels.
     *
     * @throws InvalidInputException when a file is missing, has a bad magic string, is truncated,
     *                               is in Fortran order, has an unsupported dtype, or the label and
     *                               sample counts differ
     */
    public static NpyDataset open(Path data, Path labels, PixelTransform transform) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(transform, "transform");
        NpyArray array = NpyArray.open(data, "data");
        if (array.dtype != NpyArray.DType.FLOAT32 && array.dtype != NpyArray.DType.FLOAT64
                && array.dtype != NpyArray.DType.UINT8) {
            throw new InvalidInputException(".npy data file " + data + " has dtype '" + array.descr
                    + "'; samples must be '<f4', '<f8' or '|u1': convert with arr.astype('<f4')");
        }
        if (array.shape.length < 2 || array.shape[0] > Integer.MAX_VALUE) {
            throw new InvalidInputException(".npy data file " + data + " has shape " + Arrays.toString(array.shape)
                    + "; expected samples on the first axis and at least one more axis, e.g. (N, 3, 224, 224)");
        }
        int[] sampleShape = new int[array.shape.length - 1];
        for (int d = 0; d < sampleShape.length; d++) {
            if (array.shape[d + 1] == 0 || array.shape[d + 1] > Integer.MAX_VALUE) {
                throw new InvalidInputException(".npy data file " + data + " has shape " + Arrays.toString(array.shape)
                        + "; every sample dimension must be between 1 and " + Integer.MAX_VALUE);
            }
            sampleShape[d] = (int) array.shape[d + 1];
        }
        transform.normalization().checkChannels(sampleShape.length == 3 ? sampleShape[0] : 1, ".npy file " + data);
        NpyArray labelArray = null;
        int[] labelValues = null;
        if (labels != null) {
            labelArray = NpyArray.open(labels, "labels");
            labelValues = readLabels(labelArray, array.shape[0]);
        }
        return new NpyDataset(array, sampleShape, labelArray, labelValues, transform);
    }

    @Override
    public int size() {
        return records.count();
    }

    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public void read(int index, float[] dest, int offset) {
        ByteBuffer record = records.record(index, ByteOrder.LITTLE_ENDIAN);
        int n = records.recordBytes() / data.dtype.bytes;
        switch (data.dtype) {
            case FLOAT32:
                record.asFloatBuffer().get(dest, offset, n);
                break;
            case FLOAT64:
                for (int i = 0; i < n; i++) {
                    dest[offset + i] = (float) record.getDouble(i * Double.BYTES);
                }
                break;
            default:
                for (int i = 0; i < n; i++) {
                    dest[offset + i] = record.get(i) & 0xFF;
                }
                break;
        }
        transform.apply(dest, offset, channels, n / channels);
    }

    @Override
    public int label(int index) {
        Objects.checkIndex(index, records.count());
        return labels == null ? -1 : labels[index];
    }

    /** The transform applied to the stored values. */
    public PixelTransform transform() {
        return transform;
    }

    /**
     * SHA-256 of the files' names, sizes, dtypes, shapes and content, and the transform. Reads the
     * files once, on the first call.
     */
    @Override
    public String fingerprint() {
        return fingerprint.get();
    }

    private String computeFingerprint() {
        Fingerprint fp = Fingerprint.of("npy");
        for (NpyArray array : labelArray == null ? new NpyArray[] {data} : new NpyArray[] {data, labelArray}) {
            fp.add("file", array.file.getFileName().toString()).add("size", array.fileSize)
                    .add("descr", array.descr).add("shape", Arrays.toString(array.shape))
                    .addFileContent("content", array.file);
        }
        return fp.add("transform", transform.description()).hex();
    }

    @Override
    public String toString() {
        return "NpyDataset[" + data.file.getFileName() + ", " + data.descr + " " + Arrays.toString(data.shape)
                + (labels == null ? ", unlabelled" : ", " + numClasses + " classes") + "]";
    }

    private static long sampleElementsOf(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static int[] readLabels(NpyArray array, long count) {
        requireLabelShape(array, count);
        if (count == 0) {
            return new int[0];
        }
        ByteBuffer all = MappedRecords.map(array.file, array.dataOffset,
                Math.multiplyExact((int) count, array.dtype.bytes), 1).record(0, ByteOrder.LITTLE_ENDIAN);
        return labels(array, all, count);
    }

    /**
     * Checks that {@code array} holds one integer class label per sample of {@code count}.
     *
     * @throws InvalidInputException when its dtype is not an integer one or its shape is not (count,)
     */
    static void requireLabelShape(NpyArray array, long count) {
        if (array.dtype != NpyArray.DType.UINT8 && array.dtype != NpyArray.DType.INT32
                && array.dtype != NpyArray.DType.INT64) {
            throw new InvalidInputException(".npy labels file " + array.origin + " has dtype '" + array.descr
                    + "'; labels must be '|u1', '<i4' or '<i8': convert with labels.astype('<i8')");
        }
        if (array.shape.length != 1 || array.shape[0] != count) {
            throw new InvalidInputException("Sample/label count mismatch: .npy labels file " + array.origin
                    + " has shape " + Arrays.toString(array.shape) + ", expected (" + count
                    + ",), one label per sample");
        }
    }

    /**
     * The class labels of {@code array}, checked by {@link #requireLabelShape}, whose data
     * {@code all} holds in little-endian order from index 0.
     *
     * @throws InvalidInputException when a label is negative or too large
     */
    static int[] labels(NpyArray array, ByteBuffer all, long count) {
        int n = (int) count;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            long value;
            switch (array.dtype) {
                case UINT8:
                    value = all.get(i) & 0xFF;
                    break;
                case INT32:
                    value = all.getInt(i * Integer.BYTES);
                    break;
                default:
                    value = all.getLong(i * Long.BYTES);
                    break;
            }
            if (value < 0 || value >= Integer.MAX_VALUE) {
                throw new InvalidInputException(".npy labels file " + array.origin + ": label " + i + " is " + value
                        + "; class labels must be between 0 and " + (Integer.MAX_VALUE - 1));
            }
            labels[i] = (int) value;
        }
        return labels;
    }
}
