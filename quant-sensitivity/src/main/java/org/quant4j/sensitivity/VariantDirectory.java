package org.quant4j.sensitivity;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.quant4j.onnx.graph.OnnxModel;
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

    /**
     * Writes {@code model} to {@code file} in a variant directory, buffered but not forced to disk: the file
     * is scratch, read back by the runtime at once and deleted with the directory, so it needs none of
     * the atomic, durable write of a user's output ({@link OnnxModel#write(Path)}), whose two forces to
     * disk made up most of the time of writing the per-tensor error model.
     *
     * @param model the model
     * @param file  the file, in a directory of {@link #create}, replaced if it exists
     * @return the file
     * @throws UncheckedIOException when it cannot be written
     */
    static Path writeScratch(OnnxModel model, Path file) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            model.proto().writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the temporary model " + file + ": check the free space of "
                    + file.getParent(), e);
        }
        return file;
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
