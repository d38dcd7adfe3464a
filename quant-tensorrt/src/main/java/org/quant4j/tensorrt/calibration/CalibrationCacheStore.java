package org.quant4j.tensorrt.calibration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantException;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.calibration.table.TensorRtCalibrationCache;
import org.quant4j.calibration.table.TensorRtCalibrationCache.Algorithm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calibration cache behind TensorRT's {@code readCalibrationCache} and
 * {@code writeCalibrationCache}, in the format quant4j's {@link TensorRtCalibrationCache} reads
 * and writes: a cache that {@code quant4j calibrate --trt-cache} wrote is handed to TensorRT
 * byte for byte (so TensorRT skips calibration), and the cache TensorRT writes is checked with the
 * same parser and stored byte for byte through {@link OutputTarget#createIfAbsent}: atomically and
 * only where no file is, so a cache the user gave, or one another build stores at the same moment,
 * is never replaced. {@link #preflight()} checks, before the engine build, that it can be written.
 */
public final class CalibrationCacheStore {

    private static final Logger LOG = LoggerFactory.getLogger(CalibrationCacheStore.class);
    private static final String WHAT = "TensorRT calibration cache";

    private final Path file;
    private final Algorithm algorithm;
    private TensorRtCalibrationCache read;
    private TensorRtCalibrationCache written;
    private boolean stored;

    /**
     * @param file      the cache file, read when it exists and written when it does not
     * @param algorithm the calibrator's algorithm; a cache of another algorithm is refused
     */
    public CalibrationCacheStore(Path file, Algorithm algorithm) {
        this.file = Objects.requireNonNull(file, "file");
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    }

    public Path file() {
        return file;
    }

    /**
     * Checks, before the engine build, that the cache can be stored after calibration: nothing to
     * check when the file exists (it is read, never written), else that its directory is writable
     * and has room.
     *
     * @throws InvalidInputException naming what is wrong and what to do
     */
    public void preflight() {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            target().preflight(0);
        }
    }

    private OutputTarget target() {
        return OutputTarget.builder(file, "the " + WHAT).build();
    }

    /**
     * The bytes to give TensorRT: the file's exact content when it exists and parses as a cache of
     * this store's algorithm; empty when there is no file (TensorRT then calibrates).
     *
     * @throws InvalidInputException when the file is not a cache, or one of another algorithm
     */
    public Optional<byte[]> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new QuantException("Cannot read " + WHAT + " " + file + ": " + e, e);
        }
        if (bytes.length == 0) {
            throw new InvalidInputException(WHAT + " " + file + " is empty (0 bytes). A build stopped while storing"
                    + " it on a file system without hard links leaves such a file: delete it, and TensorRT calibrates"
                    + " again and stores a new one");
        }
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.parse(text(bytes), file.toString());
        if (cache.algorithm() != algorithm) {
            throw new InvalidInputException(WHAT + " " + file + " was made by " + cache.algorithm().headerName()
                    + " but the engine calibrates with " + algorithm.headerName() + ": use the calibrator of the cache"
                    + " or give another cache file");
        }
        read = cache;
        LOG.info("Using {} {} ({} tensors): TensorRT skips calibration", WHAT, file, cache.size());
        return Optional.of(bytes);
    }

    /**
     * Stores the cache TensorRT wrote after calibrating: parsed (so a malformed cache is an error,
     * never a file) and written byte for byte, atomically, unless a file is there: that one (the
     * user's cache, or one another build stored first) is kept and the new cache is only returned.
     *
     * @return the cache TensorRT wrote
     */
    public TensorRtCalibrationCache write(byte[] bytes) {
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.parse(text(bytes), "the cache TensorRT wrote");
        written = cache;
        stored = target().createIfAbsent(out -> out.write(bytes));
        if (stored) {
            LOG.info("Wrote {} {} ({} tensors)", WHAT, file, cache.size());
            return cache;
        }
        boolean same;
        try {
            same = Arrays.equals(Files.readAllBytes(file), bytes);
        } catch (IOException e) {
            same = false;
        }
        if (!same) {
            LOG.warn("TensorRT wrote a calibration cache that differs from {}; the existing file is kept", file);
        }
        return cache;
    }

    /** Whether {@link #write} stored the cache in the file; false when a file was there and kept. */
    public boolean stored() {
        return stored;
    }

    /** The cache read from the file, if {@link #read()} found one. */
    public Optional<TensorRtCalibrationCache> readCache() {
        return Optional.ofNullable(read);
    }

    /** The cache TensorRT wrote, if it calibrated. */
    public Optional<TensorRtCalibrationCache> writtenCache() {
        return Optional.ofNullable(written);
    }

    private static String text(byte[] bytes) {
        // The format is ASCII; tensor names are UTF-8 in quant4j's writer and in TensorRT.
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
