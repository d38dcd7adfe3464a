package org.quant4j.cli.options;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.report.render.ReportWriter;
import picocli.CommandLine.Option;

/**
 * {@code --output FILE} and {@code --overwrite}: where a command writes and whether it may replace a
 * file. Every file a command writes goes through an {@link OutputTarget} made here, so that it
 * never replaces an input, is created exclusively without {@code --overwrite}, and is checked
 * before any long work.
 */
public final class OutputOptions {

    /** How a command-line user allows replacing an existing output. */
    public static final String OVERWRITE_HINT = "add --overwrite";

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Where to write the output (default: beside the model, see above).")
    private Path output;

    @Option(names = "--overwrite", description = "Replace the output file when it exists (never an input).")
    private boolean overwrite;

    /** The output given, or {@code fallback} when none was. */
    public Path output(Path fallback) {
        return output == null ? fallback : output;
    }

    public boolean overwrite() {
        return overwrite;
    }

    /**
     * The target of {@code file} under this command's {@code --overwrite}, never any of {@code inputs}.
     *
     * @param what names the file in messages, e.g. "the quantized model"
     */
    public OutputTarget target(Path file, String what, List<OutputTarget.Input> inputs) {
        return OutputTarget.builder(file, what).overwrite(overwrite).overwriteHint(OVERWRITE_HINT).inputs(inputs)
                .build();
    }

    /**
     * Targets for the files of a report directory ({@code compare}, {@code demo}): they replace the
     * files an earlier run left there, as the directory's documentation says, but never an input.
     */
    public static BiFunction<Path, String, OutputTarget> reportTargets(List<OutputTarget.Input> inputs) {
        return (file, what) -> OutputTarget.builder(file, what).overwrite(true).inputs(inputs).build();
    }

    /**
     * Checks a report directory before any long work, by the files it will hold: none is an input,
     * and the directory is writable with {@code bytesNeeded} free (the models it will hold).
     */
    public static void checkReportDirectory(Path directory, List<OutputTarget.Input> inputs, long bytesNeeded) {
        BiFunction<Path, String, OutputTarget> targets = reportTargets(inputs);
        for (String name : List.of(ReportWriter.JSON, ReportWriter.MARKDOWN, ReportWriter.HTML)) {
            targets.apply(directory.resolve(name), "the report").preflight(bytesNeeded);
        }
    }

    /**
     * The target of {@code file}, checked before any long work ({@link OutputTarget#preflight}): no
     * input, free unless {@code --overwrite}, in a writable directory with {@code bytesNeeded} free.
     *
     * @param what names the file in messages, e.g. "the quantized model"
     */
    public OutputTarget checkWritable(Path file, String what, List<OutputTarget.Input> inputs, long bytesNeeded) {
        OutputTarget target = target(file, what, inputs);
        target.preflight(bytesNeeded);
        return target;
    }
}
