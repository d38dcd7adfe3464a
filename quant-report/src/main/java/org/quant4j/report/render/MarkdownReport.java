package org.quant4j.report.render;

import com.samskivert.mustache.Template;
import org.quant4j.report.compare.ComparisonReport;

/** Renders a comparison as Markdown (GitHub-flavoured tables) from {@code report.md.mustache}. */
public final class MarkdownReport {

    private static final Template TEMPLATE = Templates.load("report.md.mustache", false);

    private MarkdownReport() {
    }

    /** The Markdown text of {@code report}, LF line ends. */
    public static String render(ComparisonReport report) {
        return TEMPLATE.execute(ReportView.markdown(report));
    }
}
