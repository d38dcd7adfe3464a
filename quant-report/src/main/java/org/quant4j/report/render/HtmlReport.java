package org.quant4j.report.render;

import com.samskivert.mustache.Template;
import org.quant4j.report.chart.ChartSet;
import org.quant4j.report.chart.ReportCharts;
import org.quant4j.report.compare.ComparisonReport;

/**
 * Renders a comparison as one self-contained HTML page from {@code report.html.mustache}: styles
 * inline, charts embedded as PNG {@code data:} URIs, no script and no reference to anything outside
 * the file, so it opens offline and can be mailed as one attachment.
 */
public final class HtmlReport {

    private static final Template TEMPLATE = Templates.load("report.html.mustache", true);

    private HtmlReport() {
    }

    /** The page of {@code report} with the charts {@link ReportCharts} draws for it. */
    public static String render(ComparisonReport report) {
        return render(report, ReportCharts.render(report));
    }

    /** The page of {@code report} with the given charts. */
    public static String render(ComparisonReport report, ChartSet charts) {
        return TEMPLATE.execute(ReportView.html(report, charts));
    }
}
