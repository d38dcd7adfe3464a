package org.quant4j.report.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.report.Fixtures;
import org.quant4j.report.compare.ComparisonReport;

class ReportWriterTest {

    private static ComparisonReport report;
    private static ReportFiles sample;

    /** Writes the sample report to target/sample-report, where a person (or a browser) can look at it. */
    @BeforeAll
    static void writeSample() {
        report = Fixtures.sampleComparison();
        Path target = Paths.get(System.getProperty("basedir", "."), "target", "sample-report");
        sample = ReportWriter.write(report, target);
    }

    @Test
    void writesTheParetoChartAndTheMarkdownLinksIt() throws IOException {
        Path png = sample.markdown().resolveSibling("pareto.png");
        assertTrue(Files.isRegularFile(png));
        assertArrayEquals(org.quant4j.report.chart.ReportCharts.pareto(report).orElseThrow().png(),
                Files.readAllBytes(png));
        String markdown = Files.readString(sample.markdown());
        assertTrue(markdown.contains("## Pareto front"), markdown);
        assertTrue(markdown.contains("](pareto.png)"), markdown);
        assertTrue(Files.readString(sample.html()).contains("Pareto front of accuracy and speedup"));
    }

    @Test
    void writesTheThreeFiles() {
        assertEquals("report.md", sample.markdown().getFileName().toString());
        assertTrue(Files.isRegularFile(sample.markdown()));
        assertTrue(Files.isRegularFile(sample.html()));
        assertTrue(Files.isRegularFile(sample.json()));
    }

    @Test
    void htmlReferencesNoExternalUrl() throws IOException {
        String html = Files.readString(sample.html());
        String lower = html.toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("http://"), "http:// in the page");
        assertFalse(lower.contains("https://"), "https:// in the page");
        assertFalse(lower.contains("//cdn"), "a CDN in the page");
        assertFalse(lower.contains("<script"), "a script in the page");
        assertFalse(lower.contains("<link"), "a linked resource in the page");
        assertFalse(lower.contains("@import") || lower.contains("url("), "a CSS resource in the page");
        Matcher src = Pattern.compile("(?:src|href)\\s*=\\s*\"([^\"]*)\"").matcher(html);
        List<String> sources = new ArrayList<>();
        while (src.find()) {
            sources.add(src.group(1));
        }
        assertEquals(7, sources.size(), "one embedded image per chart");
        for (String s : sources) {
            assertTrue(s.startsWith("data:image/png;base64,"), "not a data URI: " + s.substring(0, Math.min(60, s.length())));
        }
    }

    @Test
    void htmlEmbedsEveryChartAsAPngDataUri() throws IOException {
        String html = Files.readString(sample.html());
        for (String id : List.of("accuracy-vs-speedup", "model-size", "latency-batch1", "throughput-batch32",
                "per-class-change", "calibrators")) {
            assertTrue(html.contains("<figure id=\"" + id + "\">\n<img src=\"data:image/png;base64,iVBORw0KGgo"),
                    "chart " + id + " is embedded as PNG");
        }
    }

    @Test
    void markdownHasTheSummaryTableWithEveryMethod() throws IOException {
        String md = Files.readString(sample.markdown());
        assertTrue(md.contains("## Summary\n\n| Method | Precision | Top-1 % | 95% CI | Change pp | 95% CI | McNemar p |"), md);
        for (var m : report.methods()) {
            assertTrue(md.contains("\n| " + m.name() + " | " + m.precisionLabel() + " | "), "summary row of " + m.name());
        }
        assertFalse(md.contains("\n\n\n"), "no runs of blank lines left by template sections");
    }

    @Test
    void theHeaderNamesTheCpuAndTheKernelTargetInEveryFormat() throws IOException {
        String md = Files.readString(sample.markdown());
        String html = Files.readString(sample.html());
        String meaning = "weight scales that keep every pair of products that ONNX Runtime's x86-64 AVX2 kernels add in"
                + " int16 within range, so the accuracy holds on every x86-64 AVX2+ and ARM64 CPU.";
        assertTrue(md.contains("\n\nMeasured on: **AMD EPYC 7R13 Processor (x86-64 AVX2 (no VNNI); avx2)**. INT8 kernel"
                + " target **portable** (all INT8 methods): " + meaning + "\n\n"), md);
        assertTrue(md.indexOf("Measured on:") < md.indexOf("## Summary"), "in the header");
        assertTrue(html.contains("<p class=\"lead\">Measured on: <strong>AMD EPYC 7R13 Processor (x86-64 AVX2 (no"
                + " VNNI); avx2)</strong>. INT8 kernel target <strong>portable</strong> (all INT8 methods): "
                + meaning.replace("'", "&#39;") + "</p>"), html);
    }

    @Test
    void missedTargetIsStatedPlainlyInEveryFormat() throws IOException {
        // The sample's best static INT8 method reaches about 1.8x the FP32 throughput, short of 2x.
        String md = Files.readString(sample.markdown());
        String html = Files.readString(sample.html());
        assertTrue(md.contains("**Targets missed:**"), md);
        assertTrue(md.contains("- MISSED: 'static int8 "), md);
        assertTrue(md.contains("the target is at least 2.00x."), md);
        assertTrue(html.contains("<strong>Targets missed.</strong>"));
        assertTrue(html.contains("<span class=\"status-missed\">MISSED</span>"));
        JsonNode json = new ObjectMapper().readTree(sample.json().toFile());
        boolean missed = false;
        for (JsonNode check : json.get("targetChecks")) {
            missed |= check.get("kind").asText().equals("THROUGHPUT_SPEEDUP") && check.get("status").asText().equals("MISSED");
        }
        assertTrue(missed, "results.json records the missed throughput target");
    }

    @Test
    void sameReportGivesByteIdenticalFiles(@TempDir Path a, @TempDir Path b) throws IOException {
        ReportFiles first = ReportWriter.write(report, a);
        ReportFiles second = ReportWriter.write(Fixtures.sampleComparison(), b);
        assertArrayEquals(Files.readAllBytes(first.json()), Files.readAllBytes(second.json()));
        assertArrayEquals(Files.readAllBytes(first.markdown()), Files.readAllBytes(second.markdown()));
        assertArrayEquals(Files.readAllBytes(first.html()), Files.readAllBytes(second.html()));
    }

    @Test
    void rewritingReplacesFilesAndLeavesNoTemporaryFiles(@TempDir Path dir) throws IOException {
        ReportWriter.write(report, dir);
        ReportWriter.write(report, dir);
        try (var files = Files.list(dir)) {
            assertEquals(List.of("pareto.png", "report.html", "report.md", "results.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
