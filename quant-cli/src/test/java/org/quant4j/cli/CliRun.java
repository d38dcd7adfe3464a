package org.quant4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs the {@code quant4j} command line in-process, as {@code main} does but without exiting and
 * without progress bars, and captures what it prints.
 *
 * @param exitCode the exit code
 * @param out      what was printed on stdout
 * @param err      what was printed on stderr
 */
public record CliRun(int exitCode, String out, String err) {

    /** Runs {@code quant4j args...}. */
    public static CliRun of(Object... args) {
        return run(false, args);
    }

    /** Runs {@code quant4j args...} as on a terminal, drawing progress bars on stderr. */
    public static CliRun withProgressBars(Object... args) {
        return run(true, args);
    }

    private static CliRun run(boolean progressBars, Object... args) {
        String[] text = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Quant4jCli.commandLine(new Quant4jCli(progressBars));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(text);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The non-empty lines of stderr. */
    public List<String> errLines() {
        return err.lines().filter(l -> !l.isBlank()).toList();
    }

    /** The lines of stdout. */
    public List<String> outLines() {
        return out.lines().toList();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
