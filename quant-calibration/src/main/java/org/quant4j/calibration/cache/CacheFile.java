package org.quant4j.calibration.cache;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

import org.quant4j.api.data.Dataset;
import org.quant4j.calibration.data.MappedRecords;

/**
 * The calibration cache file format, all little-endian:
 * <pre>
 * magic        8 bytes  "Q4JCACHE"
 * version      int32    {@value #FORMAT_VERSION}
 * key          int32 length, then UTF-8 bytes: the dataset fingerprint
 * sample shape int32 rank, then rank int32 dimensions
 * count        int32    number of samples
 * numClasses   int32    0 when unlabelled
 * labels       count int32 when numClasses &gt; 0
 * data         count * prod(shape) float32, sample after sample
 * checksum     int32    CRC32C of every byte before it
 * </pre>
 */
final class CacheFile {

    static final int FORMAT_VERSION = 1;

    private static final byte[] MAGIC = "Q4JCACHE".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_KEY_BYTES = 1 << 16;
    private static final int MAX_RANK = 16;
    private static final int CHUNK_BYTES = 1 << 20;

    private CacheFile() {
    }

    /** A cache file that must not be used; the message says why. */
    static final class UnusableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnusableException(String reason) {
            super(reason);
        }
    }

    /** Writes every sample of {@code source} under {@code key} to {@code stream}, reading one chunk at a time. */
    static void write(OutputStream stream, Dataset source, String key) throws IOException {
        int[] shape = source.sampleShape();
        int count = source.size();
        int elements = source.sampleElements();
        boolean labelled = source.numClasses() > 0;
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        WritableByteChannel out = Channels.newChannel(stream);
        {
            ByteBuffer header = ByteBuffer.allocate(MAGIC.length + 4 * (5 + shape.length) + keyBytes.length)
                    .order(ByteOrder.LITTLE_ENDIAN);
            header.put(MAGIC).putInt(FORMAT_VERSION).putInt(keyBytes.length).put(keyBytes).putInt(shape.length);
            for (int d : shape) {
                header.putInt(d);
            }
            header.putInt(count).putInt(source.numClasses());
            writeChecked(out, header.flip(), crc);
            if (labelled) {
                ByteBuffer labels = ByteBuffer.allocate(Math.multiplyExact(count, Integer.BYTES))
                        .order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < count; i++) {
                    labels.putInt(source.label(i));
                }
                writeChecked(out, labels.flip(), crc);
            }
            int perChunk = Math.max(1, CHUNK_BYTES / (elements * Float.BYTES));
            float[] samples = new float[Math.min(perChunk, Math.max(count, 1)) * elements];
            ByteBuffer bytes = ByteBuffer.allocate(samples.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int start = 0; start < count; start += perChunk) {
                int n = Math.min(perChunk, count - start);
                for (int i = 0; i < n; i++) {
                    source.read(start + i, samples, i * elements);
                }
                bytes.clear();
                bytes.asFloatBuffer().put(samples, 0, n * elements);
                bytes.limit(n * elements * Float.BYTES);
                writeChecked(out, bytes, crc);
            }
            ByteBuffer trailer = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            trailer.putInt((int) crc.getValue()).flip();
            writeFully(out, trailer);
        }
    }

    /**
     * Opens {@code file} after checking its magic, version, key, length and checksum.
     *
     * @throws UnusableException saying what is wrong: bad magic, stale version or key, truncated,
     *                           or checksum mismatch
     */
    static CachedDataset open(Path file, String expectedKey) throws UnusableException, IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            HeaderReader header = new HeaderReader(in);
            byte[] magic = header.bytes(MAGIC.length, "magic");
            if (!Arrays.equals(magic, MAGIC)) {
                throw new UnusableException("bad magic: read " + new String(magic, StandardCharsets.ISO_8859_1)
                        + ", expected " + new String(MAGIC, StandardCharsets.US_ASCII));
            }
            int version = header.int32("format version");
            if (version != FORMAT_VERSION) {
                throw new UnusableException("stale: format version " + version + ", this build reads version "
                        + FORMAT_VERSION);
            }
            int keyLength = header.int32("key length");
            if (keyLength < 0 || keyLength > MAX_KEY_BYTES) {
                throw new UnusableException("corrupt header: key length " + keyLength);
            }
            String key = new String(header.bytes(keyLength, "key"), StandardCharsets.UTF_8);
            if (!key.equals(expectedKey)) {
                throw new UnusableException("stale: the file holds the entry for fingerprint " + key + ", expected "
                        + expectedKey);
            }
            int rank = header.int32("sample rank");
            if (rank <= 0 || rank > MAX_RANK) {
                throw new UnusableException("corrupt header: sample rank " + rank);
            }
            int[] shape = new int[rank];
            long elements = 1;
            for (int d = 0; d < rank; d++) {
                shape[d] = header.int32("sample shape");
                if (shape[d] <= 0) {
                    throw new UnusableException("corrupt header: sample shape " + Arrays.toString(shape));
                }
                elements *= shape[d];
            }
            int count = header.int32("sample count");
            int numClasses = header.int32("class count");
            if (count < 0 || numClasses < 0 || elements * Float.BYTES > Integer.MAX_VALUE) {
                throw new UnusableException("corrupt header: " + count + " samples of shape " + Arrays.toString(shape)
                        + ", " + numClasses + " classes");
            }
            long labelsBytes = numClasses > 0 ? (long) count * Integer.BYTES : 0;
            long dataOffset = header.position() + labelsBytes;
            long expectedSize = dataOffset + count * elements * Float.BYTES + Integer.BYTES;
            long size = in.size();
            if (size < expectedSize) {
                throw new UnusableException("truncated: expected " + expectedSize + " bytes, the file has " + size);
            }
            if (size > expectedSize) {
                throw new UnusableException("trailing data: expected " + expectedSize + " bytes, the file has " + size);
            }
            verifyChecksum(in, size);
            int[] labels = null;
            if (numClasses > 0) {
                ByteBuffer labelBytes = ByteBuffer.wrap(header.bytes((int) labelsBytes, "labels"))
                        .order(ByteOrder.LITTLE_ENDIAN);
                labels = new int[count];
                labelBytes.asIntBuffer().get(labels);
            }
            MappedRecords data = MappedRecords.map(in, file, dataOffset, (int) (elements * Float.BYTES), count);
            return new CachedDataset(file, key, shape, numClasses, labels, data);
        }
    }

    private static void verifyChecksum(FileChannel in, long size) throws IOException, UnusableException {
        CRC32C crc = new CRC32C();
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
        long position = 0;
        long end = size - Integer.BYTES;
        while (position < end) {
            chunk.clear().limit((int) Math.min(CHUNK_BYTES, end - position));
            readFully(in, chunk, position);
            chunk.flip();
            position += chunk.remaining();
            crc.update(chunk);
        }
        ByteBuffer stored = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(in, stored, end);
        int expected = stored.flip().getInt();
        int actual = (int) crc.getValue();
        if (expected != actual) {
            throw new UnusableException(String.format("checksum mismatch: stored CRC32C 0x%08X, computed 0x%08X",
                    expected, actual));
        }
    }

    private static void writeChecked(WritableByteChannel out, ByteBuffer buffer, CRC32C crc) throws IOException {
        crc.update(buffer.duplicate());
        writeFully(out, buffer);
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private static void readFully(FileChannel in, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = in.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    /** Reads header fields in order, reporting a truncated file instead of failing with an EOF. */
    private static final class HeaderReader {
        private final FileChannel in;
        private final long size;
        private long position;

        HeaderReader(FileChannel in) throws IOException {
            this.in = in;
            this.size = in.size();
        }

        long position() {
            return position;
        }

        byte[] bytes(int n, String what) throws IOException, UnusableException {
            if (size - position < n) {
                throw new UnusableException("truncated: the file ends at byte " + size + ", inside the " + what);
            }
            ByteBuffer buffer = ByteBuffer.allocate(n);
            readFully(in, buffer, position);
            position += n;
            return buffer.array();
        }

        int int32(String what) throws IOException, UnusableException {
            return ByteBuffer.wrap(bytes(Integer.BYTES, what)).order(ByteOrder.LITTLE_ENDIAN).getInt();
        }
    }
}
