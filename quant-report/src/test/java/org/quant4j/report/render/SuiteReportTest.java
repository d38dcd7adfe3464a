package org.quant4j.report.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.report.Fixtures;
import org.quant4j.report.compare.ComparisonReport;

class SuiteReportTest {

    private static List<ComparisonReport> reports;

    @TempDir
    static Path dir;

    private static ReportFiles files;

    @BeforeAll
    static void writeSuite() {
        ComparisonReport first = Fixtures.sampleComparison();
        ObjectNode tree = ResultsJson.toTree(first);
        tree.put("model", "Fashion VGG.onnx");
        ComparisonReport second = ResultsJson.read(tree.toString(), "renamed sample");
        reports = List.of(first, second);
        files = ReportWriter.writeSuite(reports, dir);
    }

    @Test
    void slugsAreFileNamesWithoutExtensionMadeSafeAndUnique() {
        ObjectNode tree = ResultsJson.toTree(reports.get(0));
        tree.put("model", "models/Fashion VGG.onnx");
        ComparisonReport sameSlug = ResultsJson.read(tree.toString(), "renamed");
        assertEquals(List.of("fashion-vgg", "fashion-vgg-2"), SuiteReport.slugs(List.of(reports.get(1), sameSlug)));
    }

    @Test
    void writesTheTopLevelFilesAndOneFullReportPerModel() {
        assertEquals(dir.resolve("report.html"), files.html());
        assertTrue(Files.isRegularFile(files.markdown()));
        assertTrue(Files.isRegularFile(files.json()));
        for (String slug : SuiteReport.slugs(reports)) {
            assertTrue(Files.isRegularFile(dir.resolve(slug).resolve("report.html")), slug);
            assertTrue(Files.isRegularFile(dir.resolve(slug).resolve("report.md")), slug);
            assertTrue(Files.isRegularFile(dir.resolve(slug).resolve("results.json")), slug);
        }
    }

    @Test
    void htmlHasEveryModelsSectionAndReferencesNoExternalUrl() throws IOException {
        String html = Files.readString(files.html());
        String lower = html.toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("http://") || lower.contains("https://") || lower.contains("//cdn"));
        assertFalse(lower.contains("<script") || lower.contains("<link") || lower.contains("url("));
        Matcher ref = Pattern.compile("(?:src|href)\\s*=\\s*\"([^\"]*)\"").matcher(html);
        int images = 0;
        while (ref.find()) {
            String target = ref.group(1);
            if (target.startsWith("data:")) {
                assertTrue(target.startsWith("data:image/png;base64,"), target.substring(0, 40));
                images++;
            } else {
                // Only in-page anchors and the models' own reports beside this file.
                assertTrue(target.startsWith("#") || target.matches("[a-z0-9._-]+/report\\.html"), target);
            }
        }
        // The sample report draws seven charts; the suite shows them for both models.
        assertEquals(14, images);
        for (String slug : SuiteReport.slugs(reports)) {
            assertTrue(html.contains("<section id=\"" + slug + "\""), slug);
        }
        assertTrue(html.contains("<h2>Fashion VGG.onnx</h2>"), "second model's heading");
    }

    @Test
    void markdownHasEachModelsSummaryTable() throws IOException {
        String md = Files.readString(files.markdown());
        String header = "| Method | Precision | Top-1 % |";
        assertEquals(2, md.split(Pattern.quote(header), -1).length - 1, "one summary table per model");
        assertTrue(md.contains("## Fashion VGG.onnx"));
        assertTrue(md.contains("## " + reports.get(0).model()));
        int rows = 0;
        for (String line : md.split("\n")) {
            if (line.startsWith("| " + reports.get(0).reference().name() + " | ")) {
                rows++;
            }
        }
        assertEquals(2, rows, "the reference row of both summary tables");
    }

    @Test
    void resultsJsonListsEveryModelAndReadsBack() throws IOException {
        JsonNode root = new ObjectMapper().readTree(Files.readString(files.json()));
        assertEquals(SuiteReport.FORMAT, root.get("format").asText());
        assertEquals(2, root.get("models").size());
        assertEquals("Fashion VGG.onnx", root.get("models").get(1).get("model").asText());
        assertEquals("fashion-vgg", root.get("models").get(1).get("directory").asText());
        assertEquals(ResultsJson.FORMAT, root.get("models").get(0).get("results").get("format").asText());
        assertTrue(SuiteReport.isSuite(files.json()));
        assertEquals(reports, SuiteReport.read(files.json()));
    }

    @Test
    void sameSuiteGivesByteIdenticalFiles(@TempDir Path other) throws IOException {
        ReportFiles again = ReportWriter.writeSuite(reports, other);
        assertEquals(Files.readString(files.html()), Files.readString(again.html()));
        assertEquals(Files.readString(files.markdown()), Files.readString(again.markdown()));
        assertEquals(Files.readString(files.json()), Files.readString(again.json()));
    }
}
