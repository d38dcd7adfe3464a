package org.quant4j.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.TestFiles;
import org.quant4j.onnx.builder.ReferenceGraphs;

class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesTheSuiteReportForEveryReferenceModelInTheFolder() throws IOException {
        Path models = tinyModelFolder();
        Files.writeString(models.resolve("notes.txt"), "not a model");
        Path output = dir.resolve("demo-report");

        CliRun run = CliRun.of("demo", "--models", models, "-o", output, "--test-samples", 100,
                "--calibration-samples", 16, "--rounds", 1);

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(Files.isRegularFile(output.resolve("report.html")), run::toString);
        assertTrue(Files.isRegularFile(output.resolve("report.md")), run::toString);
        assertTrue(Files.isRegularFile(output.resolve("fashion-tiny").resolve("report.html")), run::toString);
        JsonNode suite = new ObjectMapper().readTree(Files.readString(output.resolve("results.json")));
        assertEquals(1, suite.get("models").size());
        assertEquals("fashion-tiny.onnx", suite.get("models").get(0).get("model").asText());
        assertEquals(100, suite.get("models").get(0).get("results").get("samples").asInt());
        assertTrue(run.out().contains("fashion-tiny.onnx"), run::toString);
        assertTrue(run.out().contains("Total time"), run::toString);

        // The per-layer sensitivity of the model, on the 100 test images, in its report and its results.
        JsonNode sensitivity = suite.get("models").get(0).get("results").get("sensitivity");
        assertEquals("top1", sensitivity.get("metric").asText());
        assertTrue(sensitivity.get("layers").size() >= 3, sensitivity::toString);
        String first = sensitivity.get("layers").get(0).get("layer").asText();
        assertTrue(run.out().contains("Sensitivity: " + sensitivity.get("layers").size() + " layers, most sensitive "
                + first), run::toString);
        String md = Files.readString(output.resolve("fashion-tiny").resolve("report.md"));
        assertTrue(md.contains("## Per-layer sensitivity to INT8") && md.contains("| 1 | " + first + " |"), md);
        assertTrue(Files.isRegularFile(output.resolve("fashion-tiny").resolve("sensitivity-one-on.png")));
        String html = Files.readString(output.resolve("fashion-tiny").resolve("report.html"));
        assertTrue(html.contains("<figure id=\"sensitivity-sqnr-depth\">\n<img src=\"data:image/png;base64,"), "embedded");
    }

    @Test
    void sensitivityCanBeSkipped() throws IOException {
        Path models = tinyModelFolder();
        Path output = dir.resolve("demo-report");

        CliRun run = CliRun.of("demo", "--models", models, "-o", output, "--test-samples", 50,
                "--calibration-samples", 16, "--rounds", 1, "--sensitivity-samples", 0);

        assertEquals(0, run.exitCode(), run::toString);
        JsonNode suite = new ObjectMapper().readTree(Files.readString(output.resolve("results.json")));
        assertTrue(suite.get("models").get(0).get("results").path("sensitivity").isMissingNode(), suite::toString);
        assertFalse(Files.readString(output.resolve("fashion-tiny").resolve("report.md")).contains("sensitivity to INT8"));
    }

    @Test
    void mixedAddsARowPerSearchToEachModel() throws IOException {
        Path models = tinyModelFolder();
        Path output = dir.resolve("demo-report");

        CliRun run = CliRun.of("demo", "--models", models, "-o", output, "--test-samples", 50,
                "--calibration-samples", 16, "--rounds", 1, "--sensitivity-samples", 0, "--no-memory",
                "--threads", 1, "--mixed", "greedy", "--max-drop", "0.02", "--validation-samples", 100);

        assertEquals(0, run.exitCode(), run::toString);
        JsonNode methods = new ObjectMapper().readTree(Files.readString(output.resolve("results.json")))
                .get("models").get(0).get("results").get("methods");
        JsonNode last = methods.get(methods.size() - 1);
        assertEquals("mixed greedy", last.get("name").asText(), methods::toString);
        Path chosen = output.resolve("models").resolve("fashion-tiny").resolve("mixed").resolve("greedy.onnx");
        assertEquals(Files.size(chosen), last.get("modelFileBytes").asLong());
        assertTrue(Files.isRegularFile(output.resolve("fashion-tiny").resolve("pareto.png")));
    }

    @Test
    void byDefaultTheThreeSearchesRunOnTheEfficientNetStyleModelOnly() throws IOException {
        Path models = tinyModelFolder();
        TestFiles.model(ReferenceGraphs.smallCnn(14), models.resolve(DemoCommand.MIXED_MODEL));
        Path output = dir.resolve("demo-report");

        CliRun run = CliRun.of("demo", "--models", models, "-o", output, "--test-samples", 50,
                "--calibration-samples", 16, "--rounds", 1, "--sensitivity-samples", 0, "--no-memory",
                "--threads", 1, "--max-drop", "0.02", "--validation-samples", 100);

        assertEquals(0, run.exitCode(), run::toString);
        JsonNode suite = new ObjectMapper().readTree(Files.readString(output.resolve("results.json")));
        for (JsonNode m : suite.get("models")) {
            List<String> mixedRows = new java.util.ArrayList<>();
            m.get("results").get("methods").forEach(r -> {
                if (r.get("name").asText().startsWith("mixed ")) {
                    mixedRows.add(r.get("name").asText());
                }
            });
            boolean efficientNet = m.get("model").asText().equals(DemoCommand.MIXED_MODEL);
            assertEquals(efficientNet ? List.of("mixed greedy", "mixed dp", "mixed evolutionary") : List.of(),
                    mixedRows, m.get("model").asText());
        }
        String md = Files.readString(output.resolve("fashion-efficientnet").resolve("report.md"));
        // The searches chose on 100 training images other than the 16 calibration ones; their times are stated.
        assertTrue(md.contains("choosing on 100 Fashion-MNIST training images (stratified, seeded, disjoint from the"
                + " calibration samples)"), md);
        assertTrue(md.matches("(?s).*Search time: greedy [0-9.]+ m?s \\([0-9]+ models? built\\), dp .*, evolutionary .*"), md);
        assertTrue(run.out().contains("Mixed precision: 3 searches in "), run::toString);
        assertTrue(run.out().matches("(?s).*Total time: .*\\(mixed precision [^)]+\\).*"), run::toString);

        CliRun none = CliRun.of("demo", "--models", models, "-o", dir.resolve("none"), "--test-samples", 50,
                "--calibration-samples", 16, "--rounds", 1, "--sensitivity-samples", 0, "--no-memory",
                "--threads", 1, "--no-mixed", "--json");
        assertEquals(0, none.exitCode(), none::toString);
        assertFalse(Files.readString(dir.resolve("none").resolve("results.json")).contains("\"mixed "), "no mixed rows");
        assertEquals(0.0, new ObjectMapper().readTree(none.out()).get("mixedSeconds").asDouble());
    }

    /** A folder with one small reference model, fashion-tiny.onnx; skips the test without Fashion-MNIST. */
    private Path tinyModelFolder() throws IOException {
        List<Path> missing = FashionMnist.missingFiles(FashionMnist.directory());
        Assumptions.assumeTrue(missing.isEmpty(), "Fashion-MNIST is not installed (missing " + missing
                + "): apt-get install dataset-fashion-mnist");
        Path models = Files.createDirectories(dir.resolve("models"));
        TestFiles.model(ReferenceGraphs.smallCnn(12), models.resolve("fashion-tiny.onnx"));
        return models;
    }

    @Test
    void missingModelFolderFailsWithOneLineNamingIt() {
        Path absent = dir.resolve("no-models-here");

        CliRun run = CliRun.of("demo", "--models", absent, "-o", dir.resolve("out"));

        assertEquals(1, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.errLines().get(0).contains(absent.toString()), run::toString);
        assertTrue(Files.notExists(dir.resolve("out")), "nothing written");
    }

    @Test
    void folderWithoutReferenceModelsFailsWithOneLineNamingIt() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        TestFiles.model(ReferenceGraphs.smallCnn(13), empty.resolve("fashion-tiny-qat.onnx"));

        CliRun run = CliRun.of("demo", "--models", empty);

        assertEquals(1, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.errLines().get(0).contains(empty.toString()), run::toString);
    }

    @Test
    void qatModelIsTheSiblingWithTheQatSuffix() {
        assertEquals(Path.of("m", "fashion-vgg-qat.onnx"), DemoCommand.qatSibling(Path.of("m", "fashion-vgg.onnx")));
    }
}
