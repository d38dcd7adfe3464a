package org.quant4j.sensitivity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A temporary directory for the model variants of one analysis or search, deleted with everything
 * in it on {@link #close()}.
 */
public final class VariantDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VariantDirectory.class);

    private final Path path;

    private VariantDirectory(Path path) {
        this.path = path;
    }

    /**
     * Creates a directory named after {@code prefix} in the system's temporary directory.
     *
     * @param prefix start of its name, e.g. {@code quant4j-sensitivity}
     * @return the directory
     * @throws UncheckedIOException when it cannot be created
     */
    public static VariantDirectory create(String prefix) {
        try {
            return new VariantDirectory(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory for the model variants", e);
        }
    }

    /**
     * The directory.
     *
     * @return its path
     */
    public Path path() {
        return path;
    }

    /** Deletes the directory and its files; a failure is logged, not thrown. Closing twice is harmless. */
    @Override
    public void close() {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("Could not delete the temporary directory {}: {}", path, e.toString());
        }
    }
}
