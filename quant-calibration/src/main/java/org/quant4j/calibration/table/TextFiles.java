package org.quant4j.calibration.table;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.io.OutputTarget;

/**
 * Reads and atomically writes the UTF-8 text files of this package, and keeps a value from being
 * written over the file it was read from.
 */
final class TextFiles {

    private TextFiles() {
    }

    /** The whole of {@code file} as UTF-8 text; {@code what} names the kind of file in errors. */
    static String read(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(what + " " + file + " does not exist: check the path", e);
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(what + " " + file + " is not UTF-8 text: give a file written by quant4j"
                    + " or by TensorRT", e);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read " + what + " " + file + ": " + e, e);
        }
    }

    /**
     * Writes {@code text} to {@code target} atomically; the file the value was read from, if any,
     * is one of the target's inputs, so writing over it is refused.
     */
    static void write(OutputTarget target, String text, Optional<Path> source, String what) {
        (source.isEmpty() ? target : target.withInput(source.get(), "the file this " + what + " was read from (call"
                + " writeToSource() to replace it on purpose)")).writeString(text);
    }

    /** Writes {@code text} over {@code source} on purpose; a value without a source cannot. */
    static void replaceSource(Optional<Path> source, String text, String what) {
        Path file = source.orElseThrow(() -> new IllegalStateException("This " + what
                + " was not read from a file: use write(Path)"));
        OutputTarget.replacing(file, what).writeString(text);
    }
}
