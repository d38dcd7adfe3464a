package org.quant4j.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.quant4j.onnx.graph.OnnxModel;

/** Writes the small files the CLI tests feed the commands: models, .npy arrays and IDX files. */
public final class TestFiles {

    private TestFiles() {
    }

    /** Writes {@code model} to {@code file}. */
    public static Path model(ModelProto model, Path file) {
        OnnxModel.of(model).write(file);
        return file;
    }

    /**
     * Writes a little-endian float32 {@code .npy} (format version 1.0: magic, version, header length,
     * a Python dict literal padded with spaces to a multiple of 64 bytes and ended by a newline).
     */
    public static Path npyFloats(Path file, int[] shape, float[] values) {
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            data.putFloat(v);
        }
        return npy(file, "<f4", shape, data.array());
    }

    /** Writes a float32 {@code .npy} of {@code shape} holding uniform values in [0, 1) from {@code new Random(seed)}. */
    public static Path npyUniform(Path file, int[] shape, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] values = new float[Arrays.stream(shape).reduce(1, Math::multiplyExact)];
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextFloat();
        }
        return npyFloats(file, shape, values);
    }

    /** Writes a little-endian int64 {@code .npy} of labels, shape {@code (N,)}. */
    public static Path npyLabels(Path file, int... labels) {
        return npyLongs(file, new int[] {labels.length}, Arrays.stream(labels).asLongStream().toArray());
    }

    /** Writes a little-endian int64 {@code .npy} of the given shape. */
    public static Path npyLongs(Path file, int[] shape, long[] values) {
        ByteBuffer data = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            data.putLong(v);
        }
        return npy(file, "<i8", shape, data.array());
    }

    private static Path npy(Path file, String descr, int[] shape, byte[] data) {
        String dims = Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "))
                + (shape.length == 1 ? "," : "");
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            out.write(header.length() & 0xFF);
            out.write(header.length() >>> 8);
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Writes a {@code .npz} archive (stored, as numpy.savez) of the {@code .npy} files of {@code arrays}, by array name. */
    public static Path npz(Path file, java.util.Map<String, Path> arrays) {
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            for (java.util.Map.Entry<String, Path> e : arrays.entrySet()) {
                zip.putNextEntry(new java.util.zip.ZipEntry(e.getKey() + ".npy"));
                zip.write(Files.readAllBytes(e.getValue()));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Writes a gzipped IDX images file: magic 0x00000803, N, rows, cols, then the pixel bytes. */
    public static Path idxImages(Path file, int count, int rows, int cols, byte[] pixels) {
        return idx(file, 0x00000803, new int[] {count, rows, cols}, pixels);
    }

    /** Writes a gzipped IDX labels file: magic 0x00000801, N, then one byte per label. */
    public static Path idxLabels(Path file, byte[] labels) {
        return idx(file, 0x00000801, new int[] {labels.length}, labels);
    }

    private static Path idx(Path file, int magic, int[] dims, byte[] payload) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes))) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Files.write(file, bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
