package org.quant4j.report.chart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.report.Fixtures.changePoints;
import static org.quant4j.report.Fixtures.stats;

import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.quant4j.api.QuantizationMode;
import org.quant4j.report.compare.ComparisonReport;
import org.quant4j.report.compare.MethodResult;
import org.quant4j.report.stats.StatisticsOptions;

class ReportChartsTest {

    @Test
    void drawsEveryChartWhenEverythingWasMeasured() throws Exception {
        ChartSet set = ReportCharts.render(org.quant4j.report.Fixtures.sampleComparison());
        assertEquals(List.of("accuracy-vs-speedup", "pareto", "model-size", "latency-batch1", "throughput-batch32",
                "per-class-change", "calibrators"), set.charts().stream().map(RenderedChart::id).toList());
        assertTrue(set.omitted().isEmpty());
        for (RenderedChart chart : set.charts()) {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(chart.png()));
            assertEquals(1500, image.getWidth(), chart.id() + " is drawn at 1.5x its 1000-unit layout width");
            assertTrue(chart.dataUri().startsWith("data:image/png;base64,iVBORw0KGgo"));
        }
        assertTrue(java.awt.GraphicsEnvironment.isHeadless());
    }

    @Test
    void sameReportGivesSamePngBytes() {
        ComparisonReport report = org.quant4j.report.Fixtures.sampleComparison();
        List<RenderedChart> a = ReportCharts.render(report).charts();
        List<RenderedChart> b = ReportCharts.render(report).charts();
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).png(), b.get(i).png(), a.get(i).id());
        }
    }

    @Test
    void leavesOutChartsWithoutDataAndSaysWhy() {
        ComparisonReport report = ComparisonReport.builder().model("m").dataset("d").statistics(StatisticsOptions.withSeed(1))
                .reference(MethodResult.builder("FP32").accuracy(stats(100, 90, null, 0, 0)).build())
                .method(MethodResult.builder("dyn").mode(QuantizationMode.DYNAMIC)
                        .accuracy(stats(100, 89, changePoints(-1, -3, 1), 2, 1)).build())
                .build();
        ChartSet set = ReportCharts.render(report);
        assertEquals(List.of("per-class-change"), set.charts().stream().map(RenderedChart::id).toList());
        assertEquals(6, set.omitted().size());
        assertTrue(set.omitted().contains("Model sizes: no model file size was recorded."), set.omitted().toString());
    }
}
