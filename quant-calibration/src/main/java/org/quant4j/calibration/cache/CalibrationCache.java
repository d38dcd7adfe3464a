package org.quant4j.calibration.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

import org.quant4j.api.QuantException;
import org.quant4j.api.io.AtomicFiles;
import org.quant4j.api.io.CacheDirectories;
import org.quant4j.api.data.Dataset;
import org.quant4j.calibration.data.Fingerprint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Preprocessed calibration tensors kept on disk, one file per dataset fingerprint (which covers the
 * source data, the transform and the selection), so decoding and preprocessing happen once. An
 * entry is written to a temporary file and moved into place, so readers never see half an entry.
 * An entry that is corrupt (bad magic, truncated, checksum mismatch) or stale (other format
 * version, other key) is logged at WARN with the reason, deleted and rebuilt; it is never used.
 * Safe to share between threads and processes: concurrent builders each write their own temporary
 * file and the last move wins with identical content.
 */
public final class CalibrationCache {

    /** Extension of cache entry files. */
    public static final String EXTENSION = ".q4jcache";

    private static final Logger LOG = LoggerFactory.getLogger(CalibrationCache.class);

    private final Path directory;

    /** A cache in {@code directory}, created when the first entry is written. */
    public CalibrationCache(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * A cache in the {@code calibration} directory of quant4j's cache root
     * ({@link CacheDirectories#root()}: by default {@code ${user.home}/.cache/quant4j}).
     */
    public static CalibrationCache inDefaultDirectory() {
        return new CalibrationCache(CacheDirectories.of("calibration"));
    }

    /** The directory entries are kept in. */
    public Path directory() {
        return directory;
    }

    /** The file that holds, or would hold, the entry of the dataset with this fingerprint. */
    public Path entryFile(String fingerprint) {
        return directory.resolve(Fingerprint.sha256Hex(fingerprint) + EXTENSION);
    }

    /**
     * The cached samples of {@code source}, building the entry first when it is missing, corrupt or
     * stale. Building reads every sample of {@code source} once, one at a time.
     *
     * @throws QuantException when the entry cannot be written or read back
     */
    public CachedDataset getOrBuild(Dataset source) {
        return lookup(source).dataset();
    }

    /**
     * What {@link #getOrBuild} does, saying whether the entry was there and usable (a hit) or was
     * built now.
     *
     * @throws QuantException when the entry cannot be written or read back
     */
    public Lookup lookup(Dataset source) {
        String key = source.fingerprint();
        Path file = entryFile(key);
        if (Files.exists(file)) {
            try {
                CachedDataset cached = CacheFile.open(file, key);
                LOG.debug("Calibration cache hit: {} for {}", file, source);
                return new Lookup(cached, true);
            } catch (CacheFile.UnusableException e) {
                LOG.warn("Calibration cache entry {} is unusable ({}); deleting it and rebuilding it from {}",
                        file, e.getMessage(), source);
                delete(file);
            } catch (IOException e) {
                throw new QuantException("Cannot read calibration cache entry " + file + ": " + e.getMessage()
                        + "; check its permissions or delete it", e);
            }
        }
        build(source, key, file);
        try {
            return new Lookup(CacheFile.open(file, key), false);
        } catch (CacheFile.UnusableException | IOException e) {
            throw new QuantException("Calibration cache entry " + file + ", written just now, cannot be read back ("
                    + e.getMessage() + "); check the disk and the directory's free space", e);
        }
    }

    /**
     * The cached samples of a dataset and whether they were read from an existing entry.
     *
     * @param dataset the cached samples
     * @param hit     true when the entry existed and was usable, false when it was built now
     */
    public record Lookup(CachedDataset dataset, boolean hit) {
    }

    private void build(Dataset source, String key, Path file) {
        LOG.info("Caching {} preprocessed samples of {} in {}", source.size(), source, file);
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new QuantException("Cannot create calibration cache directory " + directory + ": " + e.getMessage()
                    + "; check that its parent is writable", e);
        }
        AtomicFiles.write(file, "calibration cache entry", out -> CacheFile.write(out, source, key));
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new QuantException("Cannot delete calibration cache file " + file + ": " + e.getMessage()
                    + "; delete it by hand", e);
        }
    }
}
