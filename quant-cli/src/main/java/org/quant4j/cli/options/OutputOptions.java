package org.quant4j.cli.options;

import java.nio.file.Files;
import java.nio.file.Path;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.io.AtomicFiles;
import picocli.CommandLine.Option;

/** {@code --output FILE} and {@code --overwrite}: where a command writes and whether it may replace a file. */
public final class OutputOptions {

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Where to write the output (default: beside the model, see above).")
    private Path output;

    @Option(names = "--overwrite", description = "Replace the output file when it exists.")
    private boolean overwrite;

    /** The output given, or {@code fallback} when none was. */
    public Path output(Path fallback) {
        return output == null ? fallback : output;
    }

    public boolean overwrite() {
        return overwrite;
    }

    /**
     * Checks that {@code file} may be written: it is not {@code input} and, without
     * {@code --overwrite}, does not exist yet.
     *
     * @param what names the file in messages, e.g. "the quantized model"
     */
    public void checkWritable(Path file, Path input, String what) {
        AtomicFiles.requireNotInput(file, input, what);
        if (Files.isDirectory(file)) {
            throw new InvalidInputException("Cannot write " + what + " to " + file + ": it is a directory; give a file"
                    + " name");
        }
        if (Files.exists(file) && !overwrite) {
            throw new InvalidInputException("Cannot write " + what + " to " + file + ": the file exists; choose another"
                    + " path or add --overwrite");
        }
    }
}
