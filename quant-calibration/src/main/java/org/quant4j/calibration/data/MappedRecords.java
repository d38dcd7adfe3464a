package org.quant4j.calibration.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

import org.quant4j.api.InvalidInputException;

/**
 * {@code count} fixed-size records stored back to back in a file from {@code offset}, memory-mapped
 * read-only so they are paged in on demand instead of copied into the heap. Files larger than 2 GiB
 * are mapped in several regions of whole records. Thread-safe: {@link #record(int, ByteOrder)} never moves a
 * shared buffer's position.
 */
public final class MappedRecords {

    private static final long MAX_REGION = Integer.MAX_VALUE;

    private final Path file;
    private final int recordBytes;
    private final int count;
    private final int recordsPerRegion;
    private final MappedByteBuffer[] regions;

    private MappedRecords(Path file, int recordBytes, int count, int recordsPerRegion, MappedByteBuffer[] regions) {
        this.file = file;
        this.recordBytes = recordBytes;
        this.count = count;
        this.recordsPerRegion = recordsPerRegion;
        this.regions = regions;
    }

    /**
     * Maps {@code count} records of {@code recordBytes} bytes starting at byte {@code offset} of
     * {@code file}. The caller has checked that the file is long enough.
     *
     * @throws InvalidInputException when the file cannot be mapped, or one record exceeds 2 GiB
     */
    public static MappedRecords map(Path file, long offset, int recordBytes, int count) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return map(channel, file, offset, recordBytes, count);
        } catch (IOException e) {
            throw cannotMap(file, e);
        }
    }

    /**
     * Maps the records from a channel already open on {@code file}: the very file the caller has
     * checked, even when another process has since renamed a new file over its name.
     *
     * @param channel open for reading; the mapping stays valid after it is closed
     * @param file the file's path, for messages
     * @throws InvalidInputException when the file cannot be mapped, or one record exceeds 2 GiB
     */
    public static MappedRecords map(FileChannel channel, Path file, long offset, int recordBytes, int count) {
        if (recordBytes <= 0 || count < 0) {
            throw new IllegalArgumentException("recordBytes must be > 0 and count >= 0, got " + recordBytes + ", "
                    + count);
        }
        int perRegion = (int) Math.min(count, MAX_REGION / recordBytes);
        int regionCount = perRegion == 0 ? 0 : (count + perRegion - 1) / perRegion;
        MappedByteBuffer[] regions = new MappedByteBuffer[regionCount];
        try {
            for (int r = 0; r < regionCount; r++) {
                int records = Math.min(perRegion, count - r * perRegion);
                long start = offset + (long) r * perRegion * recordBytes;
                regions[r] = channel.map(FileChannel.MapMode.READ_ONLY, start, (long) records * recordBytes);
            }
        } catch (IOException e) {
            throw cannotMap(file, e);
        }
        return new MappedRecords(file, recordBytes, count, Math.max(perRegion, 1), regions);
    }

    private static InvalidInputException cannotMap(Path file, IOException e) {
        return new InvalidInputException("Cannot memory-map " + file + ": " + e.getMessage()
                + "; check that the file exists, is readable and is not being truncated", e);
    }

    /** The mapped file. */
    public Path file() {
        return file;
    }

    /** Number of records. */
    public int count() {
        return count;
    }

    /** Size of one record in bytes. */
    public int recordBytes() {
        return recordBytes;
    }

    /** A read-only view of record {@code index}, positioned at 0, in {@code order}. */
    public ByteBuffer record(int index, ByteOrder order) {
        Objects.checkIndex(index, count);
        int region = index / recordsPerRegion;
        int start = (index - region * recordsPerRegion) * recordBytes;
        return regions[region].slice(start, recordBytes).order(order);
    }
}
