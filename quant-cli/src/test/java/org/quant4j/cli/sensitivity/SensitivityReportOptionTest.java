package org.quant4j.cli.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.TestFiles;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.report.chart.SensitivityCharts;
import org.quant4j.report.render.SensitivityReport;

/** {@code quant4j sensitivity --report DIR}. */
class SensitivityReportOptionTest {

    @TempDir
    Path dir;

    @Test
    void writesTheReportWithItsChartsAndNeverReplacesItWithoutOverwrite() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(5), dir.resolve("small.onnx"));
        Random r = new Random(1);
        float[] values = new float[48 * 28 * 28];
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextFloat();
        }
        Path data = TestFiles.npyFloats(dir.resolve("inputs.npy"), new int[] {48, 1, 28, 28}, values);
        Path report = dir.resolve("report");

        CliRun run = CliRun.of("sensitivity", "-m", model, "-d", data, "--first-stage", "24", "--resamples", "200",
                "--threads", "1", "--report", report);

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains(report.resolve(SensitivityReport.HTML).toString()), run.out());
        JsonNode doc = new ObjectMapper().readTree(report.resolve(SensitivityReport.JSON).toFile());
        String firstLayer = doc.get("layers").get(0).get("layer").asText();
        String md = Files.readString(report.resolve(SensitivityReport.MARKDOWN));
        assertTrue(md.startsWith("# Sensitivity of small.onnx to INT8"), md);
        assertTrue(md.contains("| 1 | " + firstLayer + " |"), "the ranked table, most sensitive first: " + md);
        for (String id : SensitivityCharts.IDS) {
            assertTrue(Files.size(report.resolve(id + ".png")) > 1000, id);
            assertTrue(md.contains("](" + id + ".png)"), id);
        }
        String html = Files.readString(report.resolve(SensitivityReport.HTML));
        assertEquals(SensitivityCharts.IDS.size(), html.split("src=\"data:image/png;base64,", -1).length - 1);
        assertFalse(html.contains("http://") || html.contains("https://"), "nothing external");

        CliRun again = CliRun.of("sensitivity", "-m", model, "-d", data, "--no-one-off", "--no-sqnr", "--report",
                report);
        assertTrue(again.exitCode() != 0 && again.err().contains("the file exists"), again.toString());
        assertEquals(doc, new ObjectMapper().readTree(report.resolve(SensitivityReport.JSON).toFile()),
                "the report is left as it was");

        Path file = Files.writeString(dir.resolve("a-file"), "x");
        CliRun notADirectory = CliRun.of("sensitivity", "-m", model, "-d", data, "--report", file);
        assertTrue(notADirectory.exitCode() != 0 && notADirectory.err().contains("is a file"),
                notADirectory.toString());
    }
}
