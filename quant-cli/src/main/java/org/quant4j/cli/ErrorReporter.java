package org.quant4j.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.quant4j.api.QuantException;
import org.quant4j.api.provider.ProviderUnavailableException;
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
 * {@code --verbose} the stack trace follows the line.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {

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
        PrintWriter err = cli.getErr();
        err.println(line(message) + " (see '" + cli.getCommandSpec().qualifiedName() + " --help')");
        printStackTrace(ex, err);
        err.flush();
        return Quant4jCli.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parseResult) {
        PrintWriter err = cli.getErr();
        int code;
        if (ex instanceof ProviderUnavailableException) {
            err.println(line(ex.getMessage()));
            code = Quant4jCli.UNAVAILABLE;
        } else if (ex instanceof QuantException || ex instanceof UncheckedIOException) {
            err.println(line(ex.getMessage()));
            code = Quant4jCli.FAILED;
        } else {
            String hint = root.verbosity() > 0 ? "" : " (run with --verbose for the stack trace)";
            err.println(line("unexpected error: " + ex) + hint);
            code = Quant4jCli.INTERNAL_ERROR;
        }
        printStackTrace(ex, err);
        err.flush();
        return code;
    }

    private void printStackTrace(Exception ex, PrintWriter err) {
        if (root.verbosity() > 0) {
            ex.printStackTrace(err);
        }
    }

    /** {@code quant4j: message} on one line: native error texts can span several. */
    static String line(String message) {
        String text = message == null || message.isBlank() ? "failed without a message" : message.strip();
        return "quant4j: " + text.replaceAll("\\s*\\R\\s*", " ");
    }
}
