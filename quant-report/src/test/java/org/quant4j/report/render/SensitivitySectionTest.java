package org.quant4j.report.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.report.Fixtures;
import org.quant4j.report.chart.SensitivityCharts;
import org.quant4j.report.compare.ComparisonReport;
import org.quant4j.sensitivity.SensitivityFiles;
import org.quant4j.sensitivity.SensitivityResult;

class SensitivitySectionTest {

    @TempDir
    Path dir;

    private static ComparisonReport withSensitivity() {
        return Fixtures.sampleComparison().withSensitivity(Fixtures.sampleSensitivity());
    }

    @Test
    void markdownSectionShowsTheRankedTableAndTheCorrelations() {
        String md = MarkdownReport.render(withSensitivity());

        assertTrue(md.contains("## Per-layer sensitivity to INT8"), md);
        assertTrue(md.contains("With every layer in INT8 the drop is +10.00 (+9.00 to +11.00)."), md);
        assertTrue(md.contains("4 layers analysed; the 4 most sensitive:"), md);
        assertTrue(md.contains("\n| 1 | fc2 | Gemm | +8.00 ! | +6.00 to +10.00 | 500 | +9.00 | 6.5 | 9.4 | -3.0 |\n"), md);
        assertTrue(md.contains("\n| 2 | conv1 | Conv | +0.40 | +0.00 to +0.80 | 1,000 | +0.50 | 21.0 | 22.5 | 30.0 |\n"), md);
        assertTrue(md.contains("\n| 3 | conv\\|2 | Conv | +0.20 | -0.20 to +0.60 | 1,000 | +0.20 | 18.0 | ∞ | 35.5 |\n"),
                "pipe escaped, infinite local SQNR: " + md);
        assertTrue(md.contains("\n| 4 | add | Add | – | – | – | +0.00 | 15.0 | 40.0 | – |\n"), "no one-on, no weight: " + md);
        assertTrue(md.contains("\n| one-on drop vs one-off recovery | +1.00 |\n"), md);
        assertTrue(md.contains("\n| one-on drop vs local SQNR (negated) | +0.50 |\n"), md);
        for (String id : SensitivityCharts.IDS) {
            assertTrue(md.contains("](" + id + ".png)"), id + " linked: " + md);
        }
    }

    @Test
    void reportWithoutSensitivityHasNoSection() {
        assertFalse(MarkdownReport.render(Fixtures.sampleComparison()).contains("Per-layer sensitivity"));
        assertFalse(HtmlReport.render(Fixtures.sampleComparison()).contains("Per-layer sensitivity"));
    }

    @Test
    void htmlSectionEmbedsTheChartsAsPngDataUrisAndNothingExternal() throws IOException {
        String html = HtmlReport.render(withSensitivity());
        String section = html.substring(html.indexOf("<h2>Per-layer sensitivity to INT8</h2>"));

        assertTrue(section.contains("<td>conv|2</td>"), section);
        assertFalse(html.toLowerCase(Locale.ROOT).contains("http://") || html.toLowerCase(Locale.ROOT).contains("https://"));
        Matcher img = Pattern.compile("<figure id=\"(sensitivity-[a-z-]+)\">\\s*<img src=\"data:image/png;base64,([^\"]+)\"")
                .matcher(section);
        List<String> ids = new ArrayList<>();
        while (img.find()) {
            ids.add(img.group(1));
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(img.group(2))));
            assertTrue(png.getWidth() >= 1000 && png.getHeight() >= 400, img.group(1) + " decodes as an image");
        }
        assertEquals(SensitivityCharts.IDS, ids);
    }

    @Test
    void chartsWithoutTheirMeasurementAreLeftOutWithAReason() {
        SensitivityResult full = Fixtures.sampleSensitivity();
        String json = SensitivityFiles.json(full).replaceAll("\"sqnr(Accumulated|Local)Db\" : [^,\\n]+", "\"sqnr$1Db\" : null");
        SensitivityResult noSqnr = SensitivityFiles.read(readTree(json), "test");

        var charts = SensitivityCharts.render(noSqnr, 15);

        assertEquals(List.of(SensitivityCharts.ONE_ON, SensitivityCharts.ONE_OFF),
                charts.charts().stream().map(c -> c.id()).toList());
        assertEquals(List.of("SQNR along the depth: the per-tensor SQNR was not measured."), charts.omitted());
    }

    @Test
    void resultsJsonCarriesTheSensitivityAndReadsItBack() {
        ComparisonReport report = withSensitivity();
        String json = ResultsJson.write(report);

        JsonNode layers = readTree(json).get("sensitivity").get("layers");
        assertEquals("fc2", layers.get(0).get("layer").asText());
        assertEquals("Infinity", layers.get(2).get("sqnrLocalDb").asText());
        ComparisonReport back = ResultsJson.read(json, "test");

        assertEquals(report, back);
        assertEquals(SensitivityFiles.json(report.sensitivity().orElseThrow()),
                SensitivityFiles.json(back.sensitivity().orElseThrow()));
        assertEquals(json, ResultsJson.write(back));
        assertTrue(ResultsJson.read(ResultsJson.write(Fixtures.sampleComparison()), "old").sensitivity().isEmpty());
    }

    @Test
    void damagedSensitivityFieldNamesThePath() {
        String json = ResultsJson.write(withSensitivity()).replaceFirst("\"verdict\" : \"beyond\"", "\"verdict\" : \"maybe\"");

        var e = org.junit.jupiter.api.Assertions.assertThrows(org.quant4j.api.InvalidInputException.class,
                () -> ResultsJson.read(json, "r.json"));
        assertTrue(e.getMessage().contains("r.json") && e.getMessage().contains("fullInt8.verdict"), e.getMessage());
    }

    /** Writes to target/sample-sensitivity-report, where a person (or a browser) can look at it. */
    @Test
    void writerPutsTheChartsBesideTheMarkdownReport() {
        ReportFiles files = ReportWriter.write(withSensitivity(),
                Paths.get(System.getProperty("basedir", "."), "target", "sample-sensitivity-report"));

        for (String id : SensitivityCharts.IDS) {
            assertTrue(Files.isRegularFile(files.markdown().resolveSibling(id + ".png")), id);
        }
    }

    @Test
    void standaloneReportWritesPagesChartsAndJson() throws IOException {
        SensitivityResult result = Fixtures.sampleSensitivity();

        List<Path> written = SensitivityReport.write(result, dir.resolve("out"));

        assertEquals(SensitivityReport.fileNames(), written.stream().map(p -> p.getFileName().toString()).toList());
        String md = Files.readString(dir.resolve("out").resolve(SensitivityReport.MARKDOWN));
        assertTrue(md.startsWith("# Sensitivity of fashion-mlp.onnx to INT8\n"), md);
        assertTrue(md.contains("| 1 | fc2 | Gemm |"), md);
        assertEquals(SensitivityFiles.json(result), Files.readString(dir.resolve("out").resolve(SensitivityReport.JSON)));
        assertTrue(Files.readString(dir.resolve("out").resolve(SensitivityReport.HTML)).contains("data:image/png;base64,"));
    }

    @Test
    void correlationNamesReadAsWords() {
        assertEquals("one-off recovery vs accumulated SQNR (negated)",
                SensitivityView.describePair(SensitivityResult.ONE_OFF_SQNR_ACCUMULATED));
        assertEquals("gradient vs one-on drop", SensitivityView.describePair("gradient~oneOn"));
        assertEquals("plain", SensitivityView.describePair("plain"));
    }

    private static JsonNode readTree(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
