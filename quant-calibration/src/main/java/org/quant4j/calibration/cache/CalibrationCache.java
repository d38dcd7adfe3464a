package org.quant4j.calibration.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.quant4j.api.QuantException;
import org.quant4j.api.io.AtomicFiles;
import org.quant4j.api.io.CacheDirectories;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.api.data.Dataset;
import org.quant4j.calibration.data.Fingerprint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Preprocessed calibration tensors kept on disk, one file per dataset fingerprint (which covers the
 * source data, the transform and the selection), so decoding and preprocessing happen once. Entries
 * are written through {@link OutputTarget}, the one way quant4j writes files: to a temporary file
 * that is published only when complete, so a reader never sees half an entry. A missing entry is
 * created exclusively: of several threads or processes building the same entry at once, one creates
 * it and the others read that one (theirs is dropped); each lookup succeeds. An entry that is corrupt
 * (bad magic, truncated, checksum mismatch) or stale (other format version, other key) is logged at
 * WARN with the reason and never used; it is replaced by a rebuilt one with one atomic rename, never
 * deleted first, so another lookup never finds the name missing or removes a fresh entry. An entry
 * is never written over a file the run reads ({@link #lookup(Dataset, Collection)}), and its
 * directory's free space and permissions are checked before the source is read.
 */
public final class CalibrationCache {

    /** Extension of cache entry files. */
    public static final String EXTENSION = ".q4jcache";

    private static final Logger LOG = LoggerFactory.getLogger(CalibrationCache.class);
    private static final String WHAT = "the calibration cache entry";

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
        return lookup(source, List.of());
    }

    /**
     * {@link #lookup(Dataset)} for a run that reads {@code inputs} (its model, data, labels): an
     * entry is never written over one of them, not even over an unusable entry file that is one.
     *
     * @param source the samples to cache
     * @param inputs the files and directories the run reads
     * @throws org.quant4j.api.InvalidInputException when the entry would replace an input, or its
     *     directory is not writable or has too little free space
     * @throws QuantException when the entry cannot be written or read back
     */
    public Lookup lookup(Dataset source, Collection<OutputTarget.Input> inputs) {
        String key = source.fingerprint();
        Path file = entryFile(key);
        Optional<CachedDataset> cached = open(file, key, source);
        if (cached.isPresent()) {
            LOG.debug("Calibration cache hit: {} for {}", file, source);
            return new Lookup(cached.get(), true);
        }
        // Replacing is allowed for the unusable entry a rebuild renames over; an input never is.
        OutputTarget target = OutputTarget.builder(file, WHAT).overwrite(true).inputs(inputs).build();
        target.preflight(entryBytes(source));
        LOG.info("Caching {} preprocessed samples of {} in {}", source.size(), source, file);
        AtomicFiles.StreamWriter entry = out -> CacheFile.write(out, source, key);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            target.write(entry);
        } else if (!target.createIfAbsent(entry)) {
            LOG.debug("Calibration cache entry {} was created by another run meanwhile; using it", file);
            Optional<CachedDataset> theirs = open(file, key, source);
            if (theirs.isPresent()) {
                return new Lookup(theirs.get(), false);
            }
            target.write(entry);
        }
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

    /** The usable entry in {@code file}; empty when there is none or it is unusable (logged at WARN). */
    private static Optional<CachedDataset> open(Path file, String key, Dataset source) {
        try {
            return Optional.of(CacheFile.open(file, key));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (CacheFile.UnusableException e) {
            LOG.warn("Calibration cache entry {} is unusable ({}); rebuilding it from {} and replacing it", file,
                    e.getMessage(), source);
            return Optional.empty();
        } catch (IOException e) {
            throw new QuantException("Cannot read calibration cache entry " + file + ": " + e.getMessage()
                    + "; check its permissions or delete it", e);
        }
    }

    /** The size of the entry of {@code source}, as {@link CacheFile} lays it out, for the free-space check. */
    private static long entryBytes(Dataset source) {
        long data = (long) source.size() * source.sampleElements() * Float.BYTES;
        long labels = source.numClasses() > 0 ? (long) source.size() * Integer.BYTES : 0;
        return data + labels + 4096;
    }
}
