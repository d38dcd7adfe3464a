package org.quant4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.quant4j.api.provider.ProviderRegistry;
import org.quant4j.cli.console.JsonOutput;
import org.quant4j.cli.console.ProgressBar;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Base of every sub-command: the console streams of its command line (so tests can capture them),
 * {@code --json}, progress bars on stderr and usage errors. Human-readable results go to stdout;
 * with {@code --json} stdout holds one JSON document and nothing else.
 */
public abstract class CliCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", order = 1000,
            description = "Print the result as one JSON document on stdout, for scripts.")
    private boolean json;

    /** Runs the command; returns the exit code. */
    protected abstract int run();

    @Override
    public final Integer call() {
        return run();
    }

    /** Standard output of this command line. */
    protected final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Standard error of this command line. */
    protected final PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Whether {@code --json} was given. */
    protected final boolean json() {
        return json;
    }

    /** Prints {@code document} as indented JSON on stdout. */
    protected final void printJson(Object document) {
        out().println(JsonOutput.toJson(document));
        out().flush();
    }

    /** A progress bar on stderr, drawn only when stderr is a terminal. Close it when the task ends. */
    protected final ProgressBar progressBar() {
        // The root, not the parent: a command nested deeper has another command as its parent.
        boolean draw = spec.root().userObject() instanceof Quant4jCli root && root.progressBars();
        return new ProgressBar(err(), draw);
    }

    /**
     * The backend to use: {@code given} when the option {@code option} was on the command line,
     * else the one the system property {@value ProviderRegistry#DEFAULT_BACKEND_PROPERTY} names
     * (an error naming the property when no backend of that name is in {@code registry}), else
     * {@code given}, the option's default.
     */
    protected final String backend(String option, String given, ProviderRegistry<?> registry) {
        if (given(option)) {
            return given;
        }
        return registry.defaultName().orElse(given);
    }

    /** Whether the option named {@code option} (any of its names) was on the command line. */
    protected final boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** A usage error of this command (exit code 2), e.g. an option missing for the chosen mode. */
    protected final ParameterException usageError(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
