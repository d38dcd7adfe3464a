package org.quant4j.cli;

import java.util.concurrent.Callable;
import org.quant4j.cli.backends.BackendsCommand;
import org.quant4j.cli.calibrate.CalibrateCommand;
import org.quant4j.cli.compare.CompareCommand;
import org.quant4j.cli.convert.ConvertCommand;
import org.quant4j.cli.demo.DemoCommand;
import org.quant4j.cli.evaluate.EvaluateCommand;
import org.quant4j.cli.inspect.InspectCommand;
import org.quant4j.cli.quantize.QuantizeCommand;
import org.quant4j.cli.report.ReportCommand;
import org.quant4j.cli.mixed.MixedCommand;
import org.quant4j.cli.sensitivity.SensitivityCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code quant4j} command: the root of the command tree and the process entry point.
 *
 * <p>A sub-command is a class annotated with {@link Command} that extends {@link CliCommand}; it is
 * added by listing it in {@code subcommands} below. Options shared by several commands live in
 * mixins ({@code org.quant4j.cli.options}) so that a new command (a method comparison, a report)
 * takes the same {@code --model}, {@code --data} and calibration options as the existing ones.
 *
 * <p>Exit codes: {@link #OK}, {@link #FAILED} (the one-line reason is on stderr), {@link #USAGE}
 * (a bad command line) and {@link #INTERNAL_ERROR} (a bug: {@code --verbose} prints the stack trace).
 */
@Command(name = "quant4j",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "INT8 quantization for the JVM: calibrate activation ranges, quantize ONNX models, check their "
                + "accuracy, compare every method in a report and see what ONNX Runtime runs.",
        commandListHeading = "%nCommands:%n",
        subcommands = {
            QuantizeCommand.class,
            CalibrateCommand.class,
            EvaluateCommand.class,
            CompareCommand.class,
            ReportCommand.class,
            SensitivityCommand.class,
            MixedCommand.class,
            DemoCommand.class,
            InspectCommand.class,
            ConvertCommand.class,
            BackendsCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:failed; the reason is the line on stderr",
            "2:bad command line (unknown option or value, missing option, a number out of range)",
            "3:internal error; --verbose prints the stack trace",
            "4:the backend asked for cannot run on this machine (e.g. tensorrt without a GPU); nothing was written"
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  quant4j quantize --model model.onnx --data /usr/share/datasets/fashion-mnist",
            "  quant4j calibrate -m model.onnx -d images/ --trt-cache model.cache",
            "  quant4j evaluate -m model-int8.onnx -d /usr/share/datasets/fashion-mnist",
            "  quant4j compare -m model.onnx -d /usr/share/datasets/fashion-mnist",
            "  quant4j convert -m old-opset9.onnx --opset 13",
            "  quant4j demo",
            "  quant4j inspect -m model-int8.onnx",
            "  quant4j backends",
            "",
            "Run 'quant4j COMMAND --help' for the options and examples of a command."
        })
public final class Quant4jCli implements Callable<Integer> {

    /** Success. */
    public static final int OK = 0;
    /** The command failed for a reason printed on stderr (a missing file, data that does not fit). */
    public static final int FAILED = 1;
    /** The command line is wrong (an unknown option or value, a missing required option). */
    public static final int USAGE = 2;
    /** An unexpected error: a bug in quant4j. */
    public static final int INTERNAL_ERROR = 3;
    /** The backend asked for is on the class path but cannot run here; the line on stderr says what is missing. */
    public static final int UNAVAILABLE = 4;

    /** System property the launcher sets to {@code true} or {@code false}: whether stderr is a terminal. */
    public static final String STDERR_TERMINAL_PROPERTY = "quant4j.stderrIsTerminal";

    private static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    private final boolean progressBars;
    private boolean[] verbosity = new boolean[0];

    @Spec
    private CommandSpec spec;

    /** A root command drawing progress bars when stderr is a terminal. */
    public Quant4jCli() {
        this(stderrIsTerminal());
    }

    /** A root command that draws progress bars on stderr, or not. */
    public Quant4jCli(boolean progressBars) {
        this.progressBars = progressBars;
    }

    /** Sets the verbosity: {@code -v} logs at INFO and prints stack traces, {@code -vv} logs at DEBUG. */
    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log what the libraries do (INFO; -vv for DEBUG) and print stack traces of errors.")
    void setVerbosity(boolean[] verbosity) {
        this.verbosity = verbosity.clone();
    }

    /** Number of {@code -v} given: 0, 1 or more. */
    public int verbosity() {
        return verbosity.length;
    }

    /** Whether commands draw progress bars on stderr. */
    public boolean progressBars() {
        return progressBars;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    /** A command line for the {@code quant4j} command, with quant4j's error handling and exit codes. */
    public static CommandLine commandLine(Quant4jCli root) {
        CommandLine cli = new CommandLine(root);
        ErrorReporter errors = new ErrorReporter(root);
        cli.setParameterExceptionHandler(errors);
        cli.setExecutionExceptionHandler(errors);
        cli.setExecutionStrategy(parseResult -> {
            configureLogging(root.verbosity());
            return new CommandLine.RunLast().execute(parseResult);
        });
        cli.setUsageHelpAutoWidth(true);
        return cli;
    }

    /** Runs the command line and exits with its exit code. */
    public static void main(String[] args) {
        int code = commandLine(new Quant4jCli()).execute(args);
        System.exit(code);
    }

    /**
     * Sets the SLF4J simple logger's level before the first logger exists: WARN by default (from
     * {@code simplelogger.properties}), INFO with {@code -v}, DEBUG with {@code -vv}.
     */
    static void configureLogging(int verbosity) {
        if (verbosity > 0) {
            System.setProperty(LOG_LEVEL_PROPERTY, verbosity > 1 ? "debug" : "info");
        }
    }

    private static boolean stderrIsTerminal() {
        String told = System.getProperty(STDERR_TERMINAL_PROPERTY);
        if (told != null) {
            return Boolean.parseBoolean(told);
        }
        // Java 17 cannot ask about stderr alone; an interactive console is the closest signal.
        return System.console() != null;
    }
}
