package org.quant4j.report.render;

import com.samskivert.mustache.Template;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.report.chart.ChartSet;
import org.quant4j.report.chart.RenderedChart;
import org.quant4j.report.chart.SensitivityCharts;
import org.quant4j.sensitivity.SensitivityFiles;
import org.quant4j.sensitivity.SensitivityResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A per-layer sensitivity analysis as a report of its own: {@code report.html} (self-contained,
 * charts as data URIs), {@code report.md} (linking the charts' PNG files beside it), the charts as
 * PNG and the result as {@code sensitivity.json}, each written atomically. A comparison report shows
 * the same section when its {@link org.quant4j.report.compare.ComparisonReport#sensitivity()} is set.
 */
public final class SensitivityReport {

    /** File name of the Markdown page. */
    public static final String MARKDOWN = "report.md";
    /** File name of the HTML page. */
    public static final String HTML = "report.html";
    /** File name of the result, quant-sensitivity's JSON document. */
    public static final String JSON = "sensitivity.json";

    private static final Template MARKDOWN_TEMPLATE = Templates.load("sensitivity-report.md.mustache", false);
    private static final Template HTML_TEMPLATE = Templates.load("sensitivity-report.html.mustache", true);
    private static final Logger LOG = LoggerFactory.getLogger(SensitivityReport.class);

    private SensitivityReport() {
    }

    /** Every file {@link #write} may write into its directory (a chart without data is not written). */
    public static List<String> fileNames() {
        List<String> names = new ArrayList<>(List.of(HTML, MARKDOWN, JSON));
        SensitivityCharts.IDS.forEach(id -> names.add(id + ".png"));
        return names;
    }

    /** The Markdown page of {@code result}, linking the charts as the PNG files {@link #write} writes. */
    public static String markdown(SensitivityResult result) {
        return markdown(result, SensitivityCharts.render(result, SensitivityView.TOP_K));
    }

    /** The self-contained HTML page of {@code result}. */
    public static String html(SensitivityResult result) {
        return html(result, SensitivityCharts.render(result, SensitivityView.TOP_K));
    }

    private static String markdown(SensitivityResult result, ChartSet charts) {
        return MARKDOWN_TEMPLATE.execute(SensitivityView.context(result, ReportView::markdownText, charts, false));
    }

    private static String html(SensitivityResult result, ChartSet charts) {
        return HTML_TEMPLATE.execute(SensitivityView.context(result, s -> s, charts, true));
    }

    /**
     * Writes the pages, the charts and the JSON result into {@code directory}, creating it if needed
     * and replacing files of those names.
     *
     * @return the files written, the HTML page first
     */
    public static List<Path> write(SensitivityResult result, Path directory) {
        return write(result, directory, OutputTarget::replacing);
    }

    /**
     * Writes the pages, the charts and the JSON result into {@code directory}, each file through the
     * target {@code targets} makes of its path and what it is (so the caller decides about
     * replacing and inputs).
     *
     * @return the files written, the HTML page first
     */
    public static List<Path> write(SensitivityResult result, Path directory,
            BiFunction<Path, String, OutputTarget> targets) {
        ChartSet charts = SensitivityCharts.render(result, SensitivityView.TOP_K);
        List<Path> written = new ArrayList<>();
        written.add(directory.resolve(HTML));
        targets.apply(written.get(0), "the sensitivity report (HTML)").writeString(html(result, charts));
        written.add(directory.resolve(MARKDOWN));
        targets.apply(written.get(1), "the sensitivity report (Markdown)").writeString(markdown(result, charts));
        written.add(directory.resolve(JSON));
        SensitivityFiles.writeJson(result, targets.apply(written.get(2), "the sensitivity result (JSON)"));
        written.addAll(writeCharts(charts, directory, targets));
        LOG.info("Wrote the sensitivity report of {} to {}", result.model(), directory);
        return written;
    }

    /** Writes each chart as {@code <id>.png} into {@code directory}; the files written. */
    static List<Path> writeCharts(ChartSet charts, Path directory) {
        return writeCharts(charts, directory, OutputTarget::replacing);
    }

    static List<Path> writeCharts(ChartSet charts, Path directory,
            BiFunction<Path, String, OutputTarget> targets) {
        List<Path> written = new ArrayList<>();
        for (RenderedChart chart : charts.charts()) {
            Path file = directory.resolve(SensitivityView.chartFile(chart));
            targets.apply(file, "the chart '" + chart.title() + "'").write(out -> out.write(chart.png()));
            written.add(file);
        }
        return written;
    }
}
