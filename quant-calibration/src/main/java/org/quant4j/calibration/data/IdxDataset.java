package org.quant4j.calibration.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;

/**
 * Images and labels in the IDX format of MNIST and Fashion-MNIST: an images file (magic
 * {@code 0x00000803}, dimensions N, rows, cols, then unsigned bytes) and a labels file (magic
 * {@code 0x00000801}, dimension N, then unsigned bytes). Either file may be gzipped; gzip is
 * recognised by its magic bytes {@code 1f 8b}, not by the file name. Pixels stay in memory as bytes
 * (one byte per pixel) and are converted per sample by a {@link PixelTransform}, by default scaled
 * to {@code [0, 1]}. Samples have shape {@code [1, rows, cols]}. Thread-safe.
 */
public final class IdxDataset implements Dataset {

    /** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;
    private static final int BUFFER = 1 << 16;

    private final String imagesName;
    private final String labelsName;
    private final int count;
    private final int rows;
    private final int cols;
    private final byte[] pixels;
    private final byte[] labels;
    private final int numClasses;
    private final PixelTransform transform;
    private final Supplier<String> fingerprint = Fingerprint.lazy(this::computeFingerprint);

    private IdxDataset(Path images, IdxFile imageFile, Path labels, IdxFile labelFile, PixelTransform transform) {
        this.imagesName = images.getFileName().toString();
        this.labelsName = labels == null ? null : labels.getFileName().toString();
        this.count = imageFile.dims[0];
        this.rows = imageFile.dims[1];
        this.cols = imageFile.dims[2];
        this.pixels = imageFile.data;
        this.labels = labelFile == null ? null : labelFile.data;
        int max = -1;
        if (this.labels != null) {
            for (byte b : this.labels) {
                max = Math.max(max, b & 0xFF);
            }
        }
        this.numClasses = max + 1;
        this.transform = transform;
    }

    /** Opens an images file and its labels file, scaling pixels to {@code [0, 1]}. */
    public static IdxDataset open(Path images, Path labels) {
        return open(images, labels, PixelTransform.unitScaled());
    }

    /**
     * Opens an images file and, unless {@code labels} is null, its labels file.
     *
     * @throws InvalidInputException when a file is missing, has the wrong magic number, is
     *                               truncated, or the image and label counts differ
     */
    public static IdxDataset open(Path images, Path labels, PixelTransform transform) {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(transform, "transform");
        transform.normalization().checkChannels(1, "IDX file " + images);
        IdxFile imageFile = IdxFile.read(images, IMAGES_MAGIC, "images");
        IdxFile labelFile = labels == null ? null : IdxFile.read(labels, LABELS_MAGIC, "labels");
        if (labelFile != null && labelFile.dims[0] != imageFile.dims[0]) {
            throw new InvalidInputException("Image/label count mismatch: " + images + " holds " + imageFile.dims[0]
                    + " images but " + labels + " holds " + labelFile.dims[0]
                    + " labels; pass the labels file that belongs to these images");
        }
        return new IdxDataset(images, imageFile, labels, labelFile, transform);
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int[] sampleShape() {
        return new int[] {1, rows, cols};
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public void read(int index, float[] dest, int offset) {
        Objects.checkIndex(index, count);
        int plane = rows * cols;
        int base = index * plane;
        for (int i = 0; i < plane; i++) {
            dest[offset + i] = pixels[base + i] & 0xFF;
        }
        transform.apply(dest, offset, 1, plane);
    }

    @Override
    public int label(int index) {
        Objects.checkIndex(index, count);
        return labels == null ? -1 : labels[index] & 0xFF;
    }

    /** The transform applied to the 8-bit pixels. */
    public PixelTransform transform() {
        return transform;
    }

    /** SHA-256 of the file names, dimensions, pixel and label bytes, and the transform. */
    @Override
    public String fingerprint() {
        return fingerprint.get();
    }

    private String computeFingerprint() {
        Fingerprint fp = Fingerprint.of("idx")
                .add("images", imagesName)
                .add("count", count).add("rows", rows).add("cols", cols)
                .addContent("pixels", pixels, 0, pixels.length)
                .add("labels", labelsName == null ? "none" : labelsName);
        if (labels != null) {
            fp.addContent("labelBytes", labels, 0, labels.length);
        }
        return fp.add("transform", transform.description()).hex();
    }

    @Override
    public String toString() {
        return "IdxDataset[" + imagesName + ", " + count + " x 1x" + rows + "x" + cols
                + (labelsName == null ? ", unlabelled" : ", " + numClasses + " classes") + "]";
    }

    /** Dimensions and payload of one IDX file of unsigned bytes. */
    private static final class IdxFile {
        final int[] dims;
        final byte[] data;

        private IdxFile(int[] dims, byte[] data) {
            this.dims = dims;
            this.data = data;
        }

        static IdxFile read(Path file, int expectedMagic, String role) {
            if (!Files.isRegularFile(file)) {
                throw new InvalidInputException("IDX " + role + " file not found: " + file
                        + "; check the path (MNIST-style files are named like train-" + role + "-idx"
                        + (expectedMagic & 0xFF) + "-ubyte.gz)");
            }
            int rank = expectedMagic & 0xFF;
            int headerBytes = 4 + 4 * rank;
            long expected = -1;
            try (DataInputStream in = new DataInputStream(decompressIfGzipped(file))) {
                int[] dims = new int[rank];
                try {
                    int magic = in.readInt();
                    if (magic != expectedMagic) {
                        throw wrongMagic(file, role, magic, expectedMagic);
                    }
                    for (int d = 0; d < rank; d++) {
                        dims[d] = in.readInt();
                    }
                } catch (EOFException e) {
                    throw new InvalidInputException("IDX " + role + " file " + file + " is truncated: it ends inside"
                            + " the " + headerBytes + "-byte header; download or copy the file again", e);
                }
                expected = 1;
                for (int d = 0; d < rank; d++) {
                    if (dims[d] < 0 || (d > 0 && dims[d] == 0)) {
                        throw new InvalidInputException("IDX " + role + " file " + file + " declares dimension " + d
                                + " = " + dims[d] + "; the header is corrupt");
                    }
                    expected *= dims[d];
                }
                if (expected > Integer.MAX_VALUE - 8) {
                    throw new InvalidInputException("IDX " + role + " file " + file + " declares " + expected
                            + " bytes of data, more than one Java array holds (2^31 - 9); split the file");
                }
                byte[] data = new byte[(int) expected];
                int got = in.readNBytes(data, 0, data.length);
                if (got < data.length) {
                    throw new InvalidInputException("IDX " + role + " file " + file + " is truncated: expected "
                            + describeProduct(dims) + " = " + expected + " bytes after the " + headerBytes
                            + "-byte header, got " + got + "; download or copy the file again");
                }
                return new IdxFile(dims, data);
            } catch (EOFException e) {
                String where = expected < 0 ? "inside the header"
                        : "before the " + expected + " data bytes the header declares";
                throw new InvalidInputException("IDX " + role + " file " + file + " is truncated: its gzip stream ends "
                        + where + "; download or copy the file again", e);
            } catch (IOException e) {
                throw new InvalidInputException("Cannot read IDX " + role + " file " + file + ": " + e.getMessage()
                        + "; the file is unreadable or its gzip stream is corrupt", e);
            }
        }

        private static String describeProduct(int[] dims) {
            StringBuilder s = new StringBuilder();
            for (int d = 0; d < dims.length; d++) {
                s.append(d == 0 ? "" : "*").append(dims[d]);
            }
            return s.toString();
        }
    }

    private static InvalidInputException wrongMagic(Path file, String role, int magic, int expectedMagic) {
        String hint = magic == IMAGES_MAGIC ? " (that is the magic of an IDX images file)"
                : magic == LABELS_MAGIC ? " (that is the magic of an IDX labels file)" : "";
        return new InvalidInputException(String.format(
                "Wrong magic number in IDX %s file %s: read 0x%08X%s, expected 0x%08X; pass the %s file (swapped?)",
                role, file, magic, hint, expectedMagic, role));
    }

    /** The file's bytes, gunzipped when they start with the gzip magic {@code 1f 8b}. */
    private static InputStream decompressIfGzipped(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        try {
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            return b0 == GZIP_MAGIC_0 && b1 == GZIP_MAGIC_1 ? new GZIPInputStream(in, BUFFER) : in;
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }
}
