package org.quant4j.report.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.report.Fixtures.changePoints;
import static org.quant4j.report.Fixtures.stats;

import org.junit.jupiter.api.Test;
import org.quant4j.api.QuantizationMode;
import org.quant4j.report.compare.ComparisonReport;
import org.quant4j.report.compare.MethodResult;
import org.quant4j.report.compare.Targets;
import org.quant4j.report.stats.StatisticsOptions;

class MarkdownReportTest {

    @Test
    void escapesTableBreakingAndHtmlCharacters() {
        assertEquals("a\\|b", ReportView.markdownText("a|b"));
        assertEquals("&lt;script> x", ReportView.markdownText("<script> x"));
        assertEquals("p < 0.05", ReportView.markdownText("p < 0.05"));
        assertEquals("one two", ReportView.markdownText("one\ntwo"));
    }

    @Test
    void unmeasuredValuesAreMarkedNotInvented() {
        ComparisonReport report = ComparisonReport.builder().model("m|x.onnx").dataset("d")
                .statistics(StatisticsOptions.withSeed(1)).targets(Targets.none())
                .reference(MethodResult.builder("FP32").accuracy(stats(100, 90, null, 0, 0)).build())
                .method(MethodResult.builder("int8 | odd").mode(QuantizationMode.DYNAMIC)
                        .accuracy(stats(100, 89, changePoints(-1, -3, 1), 2, 1)).build())
                .build();
        String md = MarkdownReport.render(report);
        assertTrue(md.contains("\n| int8 \\| odd | dynamic INT8 | 89.00 |"), md);
        assertTrue(md.contains("| n/m | – | n/m | n/m | – | "), "size, latency and throughput not measured: " + md);
        assertTrue(md.contains("No targets were set."), md);
        assertFalse(md.contains("## Provenance"), "no empty provenance section");
    }
}
