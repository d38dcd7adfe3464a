package org.quant4j.report.render;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.report.chart.ChartSet;
import org.quant4j.report.chart.ReportCharts;
import org.quant4j.report.chart.SensitivityCharts;
import org.quant4j.report.compare.ComparisonReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a comparison into a directory as {@code results.json}, {@code report.md} and
 * {@code report.html} (and the Pareto chart {@code pareto.png} and, with a sensitivity section, its
 * charts as PNG for the Markdown page),
 * each atomically (a reader sees the old file or the complete new one). The
 * same report gives byte-identical files. {@link #writeSuite} does the same for several models.
 */
public final class ReportWriter {

    /** File name of the Markdown report. */
    public static final String MARKDOWN = "report.md";
    /** File name of the HTML report. */
    public static final String HTML = "report.html";
    /** File name of the JSON results. */
    public static final String JSON = "results.json";

    private static final Logger LOG = LoggerFactory.getLogger(ReportWriter.class);

    private ReportWriter() {
    }

    /** Writes the three files into {@code directory}, creating it if needed, replacing older ones. */
    public static ReportFiles write(ComparisonReport report, Path directory) {
        return write(report, directory, OutputTarget::replacing);
    }

    /**
     * Writes the three files into {@code directory}, each through the target {@code targets} makes of
     * its path and what it is (so the caller decides about replacing and inputs).
     */
    public static ReportFiles write(ComparisonReport report, Path directory,
            BiFunction<Path, String, OutputTarget> targets) {
        ReportFiles files = new ReportFiles(directory.resolve(MARKDOWN), directory.resolve(HTML), directory.resolve(JSON));
        targets.apply(files.json(), "comparison results").writeString(ResultsJson.write(report));
        targets.apply(files.markdown(), "Markdown report").writeString(MarkdownReport.render(report));
        targets.apply(files.html(), "HTML report").writeString(HtmlReport.render(report));
        // The Markdown report links the Pareto chart and the sensitivity charts as PNG files beside it.
        writeParetoChart(report, directory, targets);
        // The Markdown report links the sensitivity charts as PNG files beside it.
        report.sensitivity().ifPresent(s -> SensitivityReport.writeCharts(
                SensitivityCharts.render(s, SensitivityView.TOP_K), directory, targets));
        LOG.info("Wrote {}, {} and {} to {}", JSON, MARKDOWN, HTML, directory);
        return files;
    }

    /**
     * Writes the Pareto chart that {@code report.md} links, {@code pareto.png}, into {@code directory}
     * through the target {@code targets} makes of it; nothing when the report has too few measured
     * methods for the chart.
     *
     * @return the files written (none or one)
     */
    public static List<Path> writeParetoChart(ComparisonReport report, Path directory,
            BiFunction<Path, String, OutputTarget> targets) {
        return ReportCharts.pareto(report).map(c -> SensitivityReport.writeCharts(
                new ChartSet(List.of(c), List.of()), directory, targets)).orElse(List.of());
    }

    /**
     * Writes a suite of comparisons (one per model) into {@code directory}: {@code results.json},
     * {@code report.md} and {@code report.html} covering every model at the top, and each model's
     * full report in the sub-folder {@link SuiteReport#slugs} names, e.g. {@code fashion-resnet/}.
     *
     * @return the three top-level files
     */
    public static ReportFiles writeSuite(List<ComparisonReport> reports, Path directory) {
        return writeSuite(reports, directory, OutputTarget::replacing);
    }

    /**
     * Writes a suite as {@link #writeSuite(List, Path)} does, each file through the target
     * {@code targets} makes of its path and what it is.
     *
     * @return the three top-level files
     */
    public static ReportFiles writeSuite(List<ComparisonReport> reports, Path directory,
            BiFunction<Path, String, OutputTarget> targets) {
        List<String> slugs = SuiteReport.slugs(reports);
        for (int i = 0; i < reports.size(); i++) {
            write(reports.get(i), directory.resolve(slugs.get(i)), targets);
        }
        ReportFiles files = new ReportFiles(directory.resolve(MARKDOWN), directory.resolve(HTML), directory.resolve(JSON));
        targets.apply(files.json(), "suite results").writeString(SuiteReport.json(reports));
        targets.apply(files.markdown(), "Markdown suite report").writeString(SuiteReport.markdown(reports));
        targets.apply(files.html(), "HTML suite report").writeString(SuiteReport.html(reports));
        LOG.info("Wrote the suite of {} models to {}", reports.size(), directory);
        return files;
    }
}
