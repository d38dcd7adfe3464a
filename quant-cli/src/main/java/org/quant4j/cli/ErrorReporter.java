package org.quant4j.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quant4j.api.QuantException;
import org.quant4j.api.provider.ProviderUnavailableException;
import org.quant4j.cli.console.JsonOutput;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns every failure into one line on stderr, {@code quant4j: <reason>}, and an exit code. quant4j's
 * exceptions already say what is wrong and how to fix it, so their message is the line; a bad
 * command line adds where to find the usage; anything else is a bug, reported as such. With
 * {@code --verbose} the stack trace follows the line. With {@code --json}, stdout gets the failure as
 * one JSON object as well (see {@link #printJson}), so a script never reads an empty stdout.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {

    private static final String PREFIX = "quant4j: ";
    private static final String JSON_OPTION = "--json";

    private final Quant4jCli root;

    ErrorReporter(Quant4jCli root) {
        this.root = root;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cli = ex.getCommandLine();
        ParseResult parsed = cli.getParseResult();
        ParameterException reported = ex;
        if (!(ex instanceof UnmatchedArgumentException) && parsed != null && !parsed.unmatched().isEmpty()) {
            // A misspelt option is the cause of what else is missing: report it, with the suggestion.
            reported = new UnmatchedArgumentException(cli, parsed.unmatched());
        }
        String message = reported.getMessage();
        if (reported instanceof UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                message += "; did you mean " + String.join(" or ", suggestions) + "?";
            }
        }
        String help = "see '" + cli.getCommandSpec().qualifiedName() + " --help'";
        PrintWriter err = cli.getErr();
        err.println(line(message) + " (" + help + ")");
        printStackTrace(ex, err);
        err.flush();
        if (Arrays.asList(args).contains(JSON_OPTION)) {
            printJson(cli, "usage", Quant4jCli.USAGE, message, help);
        }
        return Quant4jCli.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parseResult) {
        PrintWriter err = cli.getErr();
        int code;
        String kind;
        String message;
        String hint;
        if (ex instanceof ProviderUnavailableException) {
            message = ex.getMessage();
            err.println(line(message));
            code = Quant4jCli.UNAVAILABLE;
            kind = "unavailable";
            hint = "run 'quant4j backends' to see what runs on this machine";
        } else if (ex instanceof QuantException || ex instanceof UncheckedIOException) {
            message = ex.getMessage();
            err.println(line(message));
            code = Quant4jCli.FAILED;
            kind = "failed";
            hint = "the message says what to change; --verbose adds the libraries' log";
        } else {
            message = "unexpected error: " + ex;
            String suffix = root.verbosity() > 0 ? "" : " (run with --verbose for the stack trace)";
            err.println(line(message) + suffix);
            code = Quant4jCli.INTERNAL_ERROR;
            kind = "internal";
            hint = "this is a bug in quant4j; run with --verbose for the stack trace and report it";
        }
        printStackTrace(ex, err);
        err.flush();
        if (jsonRequested(parseResult)) {
            printJson(cli, kind, code, message, hint);
        }
        return code;
    }

    /** Whether {@code --json} was given to the command that ran (or any command of its line). */
    private static boolean jsonRequested(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(JSON_OPTION)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The failure as one JSON object on stdout, for {@code --json}: {@code code} (usage, failed,
     * unavailable or internal), {@code exitCode}, {@code message} (the stderr line without its
     * prefix) and {@code hint} (what to do next). Stdout holds nothing else.
     */
    private static void printJson(CommandLine cli, String kind, int exitCode, String message, String hint) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", kind);
        error.put("exitCode", exitCode);
        error.put("message", line(message).substring(PREFIX.length()));
        error.put("hint", hint);
        PrintWriter out = cli.getOut();
        out.println(JsonOutput.toJson(error));
        out.flush();
    }

    private void printStackTrace(Exception ex, PrintWriter err) {
        if (root.verbosity() > 0) {
            ex.printStackTrace(err);
        }
    }

    /** {@code quant4j: message} on one line: native error texts can span several. */
    static String line(String message) {
        String text = message == null || message.isBlank() ? "failed without a message" : message.strip();
        return PREFIX + text.replaceAll("\\s*\\R\\s*", " ");
    }
}
