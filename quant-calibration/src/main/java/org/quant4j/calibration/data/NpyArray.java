package org.quant4j.calibration.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quant4j.api.InvalidInputException;

/**
 * The header of a NumPy {@code .npy} file (format versions 1.0, 2.0 and 3.0) and where its data
 * starts. Format: the magic {@code \x93NUMPY}, major and minor version bytes, the header length
 * (little-endian uint16 in 1.0, uint32 in 2.0/3.0), then a Python dict literal with the keys
 * {@code descr}, {@code fortran_order} and {@code shape}; the data follows in C order.
 */
final class NpyArray {

    /** Element types this reader supports: little-endian, or single-byte. */
    enum DType {
        FLOAT32(4), FLOAT64(8), UINT8(1), INT32(4), INT64(8), FLOAT16(2), INT8(1), BOOL(1);

        final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }
    }

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int PREFIX_BYTES = MAGIC.length + 2;
    private static final int MAX_HEADER = 1 << 20;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final String SUPPORTED = "'<f4' (float32), '<f8' (float64), '<f2' (float16), '|u1' (uint8),"
            + " '|i1' (int8), '|b1' (bool), '<i4' (int32), '<i8' (int64)";
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** The file, or the {@code .npz} archive holding the array. */
    final Path file;
    /** Names the array in messages: the file, or {@code archive.npz:name.npy}. */
    final String origin;
    final String descr;
    final DType dtype;
    final long[] shape;
    final long dataOffset;
    final long fileSize;

    private NpyArray(Path file, String origin, String descr, DType dtype, long[] shape, long dataOffset,
            long fileSize) {
        this.file = file;
        this.origin = origin;
        this.descr = descr;
        this.dtype = dtype;
        this.shape = shape;
        this.dataOffset = dataOffset;
        this.fileSize = fileSize;
    }

    /**
     * Reads and checks the header of {@code file}, and that the file holds all the data it declares.
     *
     * @param role names the file in messages, e.g. "data" or "labels"
     */
    static NpyArray open(Path file, String role) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(".npy " + role + " file not found: " + file + "; check the path");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            return read(file, file.toString(), role, size, (position, length) -> readFully(channel, position, length));
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read .npy " + role + " file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads and checks the header of a {@code .npy} file held in memory (an entry of a {@code .npz}
     * archive), and that {@code content} holds all the data it declares; {@link #dataOffset} is
     * relative to the buffer's position.
     *
     * @param container the file the bytes come from, for the fingerprint
     * @param origin    names the array in messages, e.g. {@code data.npz:input_ids.npy}
     * @param role      names the array's use in messages, e.g. "input" or "labels"
     */
    static NpyArray parse(Path container, String origin, String role, ByteBuffer content) {
        ByteBuffer bytes = content.slice();
        try {
            return read(container, origin, role, bytes.remaining(),
                    (position, length) -> bytes.slice((int) position, (int) Math.min(length, bytes.remaining()
                            - position)));
        } catch (IOException e) {
            throw new AssertionError("Reading memory does not fail", e);
        }
    }

    /** Reads {@code length} bytes from {@code position}, fewer at the end. */
    @FunctionalInterface
    private interface ByteSource {
        ByteBuffer read(long position, int length) throws IOException;
    }

    private static NpyArray read(Path file, String origin, String role, long size, ByteSource source)
            throws IOException {
        ByteBuffer prefix = source.read(0, (int) Math.min(size, PREFIX_BYTES + 4));
        byte[] magic = new byte[Math.min(MAGIC.length, prefix.remaining())];
        prefix.get(0, magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new InvalidInputException(".npy " + role + " file " + origin + " has a bad magic string: read "
                    + HexFormat.ofDelimiter(" ").withUpperCase().formatHex(magic)
                    + ", expected 93 4E 55 4D 50 59 (\\x93NUMPY); save it with numpy.save()");
        }
        if (prefix.remaining() < PREFIX_BYTES + 2) {
            throw truncatedHeader(origin, role);
        }
        int major = prefix.get(6) & 0xFF;
        int minor = prefix.get(7) & 0xFF;
        long headerLength;
        int lengthBytes;
        if (major == 1) {
            headerLength = prefix.order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xFFFF;
            lengthBytes = 2;
        } else if (major == 2 || major == 3) {
            if (prefix.remaining() < PREFIX_BYTES + 4) {
                throw truncatedHeader(origin, role);
            }
            headerLength = prefix.order(ByteOrder.LITTLE_ENDIAN).getInt(8) & 0xFFFFFFFFL;
            lengthBytes = 4;
        } else {
            throw new InvalidInputException(".npy " + role + " file " + origin + " has format version " + major + "."
                    + minor + "; this reader supports 1.0, 2.0 and 3.0");
        }
        long headerStart = PREFIX_BYTES + lengthBytes;
        if (headerLength > MAX_HEADER || headerStart + headerLength > size) {
            throw truncatedHeader(origin, role);
        }
        ByteBuffer headerBytes = source.read(headerStart, (int) headerLength);
        byte[] text = new byte[(int) headerLength];
        headerBytes.get(text);
        // Versions 1.0 and 2.0 write the dict in latin-1, 3.0 in UTF-8.
        String header = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parse(file, origin, role, header, headerStart + headerLength, size);
    }

    private static NpyArray parse(Path file, String origin, String role, String header, long dataOffset, long size) {
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeMatch = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeMatch.find()) {
            throw new InvalidInputException(".npy " + role + " file " + origin + " has a header without a plain"
                    + " 'descr', 'fortran_order' or 'shape' entry: " + header.strip()
                    + "; structured dtypes are not supported, save a plain numeric array");
        }
        DType dtype = dtype(descr.group(1));
        if (dtype == null) {
            throw new InvalidInputException(".npy " + role + " file " + origin + " has dtype '" + descr.group(1)
                    + "', which is not supported; supported: " + SUPPORTED + "; convert with arr.astype('<f4')");
        }
        if (fortran.group(1).equals("True")) {
            throw new InvalidInputException(".npy " + role + " file " + origin + " is in Fortran (column-major) order;"
                    + " only C order is supported: save numpy.ascontiguousarray(arr) instead");
        }
        long[] shape = parseShape(origin, role, shapeMatch.group(1));
        long elements = 1;
        for (long d : shape) {
            elements = Math.multiplyExact(elements, d);
        }
        long dataBytes = Math.multiplyExact(elements, dtype.bytes);
        if (size - dataOffset < dataBytes) {
            throw new InvalidInputException(".npy " + role + " file " + origin + " is truncated: shape "
                    + Arrays.toString(shape) + " of " + descr.group(1) + " needs " + dataBytes
                    + " data bytes after the "
                    + dataOffset + "-byte header, the file has " + (size - dataOffset) + "; write the file again");
        }
        return new NpyArray(file, origin, descr.group(1), dtype, shape, dataOffset, size);
    }

    private static DType dtype(String descr) {
        switch (descr) {
            case "<f4":
                return DType.FLOAT32;
            case "<f8":
                return DType.FLOAT64;
            case "|u1":
            case "<u1":
                return DType.UINT8;
            case "<i4":
                return DType.INT32;
            case "<i8":
                return DType.INT64;
            case "<f2":
                return DType.FLOAT16;
            case "|i1":
            case "<i1":
                return DType.INT8;
            case "|b1":
                return DType.BOOL;
            default:
                return null;
        }
    }

    private static long[] parseShape(String file, String role, String text) {
        String[] parts = text.split(",");
        int n = 0;
        long[] shape = new long[parts.length];
        for (String part : parts) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            try {
                shape[n] = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
            } catch (NumberFormatException e) {
                throw new InvalidInputException(".npy " + role + " file " + file + " has an unreadable shape ("
                        + text + ")", e);
            }
            if (shape[n] < 0) {
                throw new InvalidInputException(".npy " + role + " file " + file + " has a negative dimension in"
                        + " its shape (" + text + ")");
            }
            n++;
        }
        return Arrays.copyOf(shape, n);
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                break;
            }
        }
        return buffer.flip();
    }

    private static InvalidInputException truncatedHeader(String file, String role) {
        return new InvalidInputException(".npy " + role + " file " + file + " is truncated: it ends inside its header;"
                + " write the file again");
    }
}
