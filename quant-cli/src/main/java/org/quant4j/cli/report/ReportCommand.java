package org.quant4j.cli.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.cli.CliCommand;
import org.quant4j.cli.Quant4jCli;
import org.quant4j.report.compare.ComparisonReport;
import org.quant4j.report.render.HtmlReport;
import org.quant4j.report.render.MarkdownReport;
import org.quant4j.report.render.ReportWriter;
import org.quant4j.report.render.ResultsJson;
import org.quant4j.report.render.SuiteReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quant4j report}: renders {@code report.md} and {@code report.html} again from the
 * {@code results.json} of {@code compare} (one model) or {@code demo} (a suite of models), e.g.
 * after an upgrade of the templates, without measuring anything.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "quant4j report --results FILE [-o DIR]",
        description = "Render report.md and report.html again from the results.json of 'compare' or 'demo'.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  quant4j report --results compare-report/results.json",
            "  quant4j report --results demo-report/results.json -o demo-report-copy"
        })
public final class ReportCommand extends CliCommand {

    @Option(names = "--results", required = true, paramLabel = "FILE",
            description = "The results.json written by 'quant4j compare' or 'quant4j demo'.")
    private Path results;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR",
            description = "Directory to write report.md and report.html to (default: the directory of --results).")
    private Path output;

    @Override
    protected int run() {
        if (!Files.isRegularFile(results)) {
            throw new InvalidInputException("Results file " + results + " does not exist: give the results.json"
                    + " written by 'quant4j compare' or 'quant4j demo' with --results");
        }
        Path dir = output != null ? output : results.toAbsolutePath().getParent();
        Path markdown = dir.resolve(ReportWriter.MARKDOWN);
        Path html = dir.resolve(ReportWriter.HTML);
        // The report pages are made from --results and replace earlier pages; never --results itself.
        OutputTarget markdownTarget = OutputTarget.replacing(markdown, "the Markdown report")
                .withInput(results, "the results (--results)");
        OutputTarget htmlTarget = OutputTarget.replacing(html, "the HTML report")
                .withInput(results, "the results (--results)");
        markdownTarget.checkNotInput();
        htmlTarget.checkNotInput();
        int models;
        if (SuiteReport.isSuite(results)) {
            List<ComparisonReport> reports = SuiteReport.read(results);
            markdownTarget.writeString(SuiteReport.markdown(reports));
            htmlTarget.writeString(SuiteReport.html(reports));
            models = reports.size();
        } else {
            ComparisonReport report = ResultsJson.read(results);
            markdownTarget.writeString(MarkdownReport.render(report));
            htmlTarget.writeString(HtmlReport.render(report));
            // The Markdown page links the Pareto chart as a PNG beside it.
            ReportWriter.writeParetoChart(report, dir, (path, what) -> OutputTarget.replacing(path, what)
                    .withInput(results, "the results (--results)"));
            models = 1;
        }
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("results", results.toString());
            doc.put("models", models);
            doc.put("markdown", markdown.toString());
            doc.put("html", html.toString());
            printJson(doc);
        } else {
            out().println("Rendered " + (models == 1 ? "the comparison" : "the suite of " + models + " models")
                    + " from " + results + " to " + html + " and " + markdown.getFileName());
            out().flush();
        }
        return Quant4jCli.OK;
    }
}
