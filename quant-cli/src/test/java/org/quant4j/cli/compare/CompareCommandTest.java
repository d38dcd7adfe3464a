package org.quant4j.cli.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.TestFiles;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.report.compare.MethodComparison;

/** {@code compare} on a small CNN and a Fashion-MNIST subset, then {@code report} on what it wrote. */
class CompareCommandTest {

    private static final String STATIC = "static INT8 minmax per-channel";

    @TempDir
    static Path dir;

    private static Path model;
    private static Path output;
    private static CliRun run;

    @BeforeAll
    static void compareTwoMethods() {
        model = TestFiles.model(ReferenceGraphs.smallCnn(11), dir.resolve("cnn.onnx"));
        List<Path> missing = FashionMnist.missingFiles(FashionMnist.directory());
        if (!missing.isEmpty()) {
            return;
        }
        output = dir.resolve("out");
        run = CliRun.of("compare", "-m", model, "-d", FashionMnist.directory(), "--test-samples", 200,
                "--calibration-samples", 32, "--methods", "FP32," + STATIC, "--rounds", 1, "-o", output);
    }

    private static void assumeFashionMnist() {
        Assumptions.assumeTrue(run != null, "Fashion-MNIST is not installed (" + FashionMnist.directory()
                + "): apt-get install dataset-fashion-mnist");
    }

    @Test
    void writesTheThreeFilesAndPrintsTheTable() throws IOException {
        assumeFashionMnist();
        assertEquals(0, run.exitCode(), run::toString);
        for (String file : List.of("report.md", "report.html", "results.json")) {
            assertTrue(Files.isRegularFile(output.resolve(file)), file);
        }
        assertTrue(run.out().contains("top-1 %"), run::toString);
        assertTrue(run.outLines().stream().anyMatch(l -> l.strip().startsWith("FP32 ")), run::toString);
        assertTrue(run.outLines().stream().anyMatch(l -> l.strip().startsWith(STATIC + " ")), run::toString);
        assertTrue(run.out().contains("Report: " + output.resolve("report.html")), run::toString);

        JsonNode results = new ObjectMapper().readTree(Files.readString(output.resolve("results.json")));
        assertEquals(200, results.get("samples").asInt());
        assertEquals(2, results.get("methods").size());
        assertEquals(FashionMnist.CLASS_NAMES.get(0), results.get("classes").get(0).asText());
        // The IDX directory has both splits: calibrated on train, evaluated on test.
        String notes = results.get("measurementNotes").toString();
        assertTrue(notes.contains("train split") && notes.contains("test split"), notes);
    }

    @Test
    void reportRendersTheFilesAgainFromResultsJson() throws IOException {
        assumeFashionMnist();
        Path again = dir.resolve("again");

        CliRun report = CliRun.of("report", "--results", output.resolve("results.json"), "-o", again);

        assertEquals(0, report.exitCode(), report::toString);
        assertEquals(Files.readString(output.resolve("report.md")), Files.readString(again.resolve("report.md")));
        assertEquals(Files.readString(output.resolve("report.html")), Files.readString(again.resolve("report.html")));
        // The chart report.md links is written beside it, the same bytes.
        assertEquals(-1L, Files.mismatch(output.resolve("pareto.png"), again.resolve("pareto.png")));
    }

    @Test
    void unknownMethodFailsWithOneLineListingTheValidNames() {
        CliRun bad = CliRun.of("compare", "-m", model, "-d", dir, "--methods", "FP32,static INT8 magic");

        assertNotEquals(0, bad.exitCode(), bad::toString);
        assertEquals(1, bad.errLines().size(), bad::toString);
        String line = bad.errLines().get(0);
        assertTrue(line.contains("'static INT8 magic'"), line);
        for (MethodComparison.Method m : MethodComparison.standardMethods(42)) {
            assertTrue(line.contains(m.name()), m.name() + " missing from: " + line);
        }
    }

    @Test
    void missingResultsFileFailsWithOneLine() {
        CliRun bad = CliRun.of("report", "--results", dir.resolve("nothing.json"));

        assertEquals(1, bad.exitCode(), bad::toString);
        assertEquals(1, bad.errLines().size(), bad::toString);
        assertTrue(bad.errLines().get(0).contains("nothing.json"), bad::toString);
    }
}
