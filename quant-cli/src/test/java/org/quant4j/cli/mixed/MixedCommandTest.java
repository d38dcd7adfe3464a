package org.quant4j.cli.mixed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.Quant4jCli;
import org.quant4j.cli.TestFiles;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.OnnxModel;

class MixedCommandTest {

    @TempDir
    Path dir;

    private Path model;
    private Path data;

    @BeforeEach
    void files() {
        model = TestFiles.model(ReferenceGraphs.smallCnn(5), dir.resolve("small.onnx"));
        data = TestFiles.npyUniform(dir.resolve("inputs.npy"), new int[] {96, 1, 28, 28}, 1);
    }

    @Test
    void writesTheMixedModelAndTheAssignment() throws Exception {
        Path out = dir.resolve("mixed.onnx");
        Path json = dir.resolve("mixed.json");
        CliRun run = CliRun.of("mixed", "-m", model, "-d", data, "--max-drop", "0.02", "--search", "greedy",
                "--threads", "1", "--latency-batch", "8", "--profile-runs", "6", "-o", out, "--assignment", json);
        assertEquals(Quant4jCli.OK, run.exitCode(), run.toString());
        assertTrue(run.out().contains("SPEEDUP") && run.out().contains("greedy") && run.out().contains("fp32"),
                run.out());
        OnnxModel written = OnnxModel.read(out);
        assertTrue(written.graph().nodes().size() > 0);
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals("agreement", doc.get("metric").asText());
        assertEquals("greedy", doc.get("chosenBy").asText());
        assertTrue(doc.get("assignment").size() >= 3, doc.toString());
        doc.get("assignment").forEach(layer -> assertTrue(layer.get("choice").asText().matches(
                "int8-per-channel|int8-per-tensor|float") && !layer.get("why").asText().isEmpty(), layer.toString()));
        JsonNode greedy = doc.get("models").get(2);
        assertEquals("greedy", greedy.get("name").asText());
        assertTrue(greedy.get("validationDrop").get("estimate").asDouble() <= 0.02 || doc.get("verdict").asText()
                .startsWith("No assignment"), doc.toString());
        assertEquals(doc.get("layers").size(), doc.get("assignment").size());
        assertEquals(6, doc.get("profileRuns").asInt());
        assertEquals("onnxruntime", doc.get("latencyBackend").asText());
        assertTrue(doc.get("costProfileDrift").get("int8MicrosBefore").asDouble() > 0, doc.toString());
        assertTrue(doc.get("costProfileDrift").get("int8MicrosAfter").asDouble() > 0, doc.toString());
        assertTrue(run.out().contains("cost drift"), run.out());

        // Outputs that exist are never replaced without --overwrite.
        CliRun again = CliRun.of("mixed", "-m", model, "-d", data, "--search", "greedy", "-o", out,
                "--assignment", dir.resolve("other.json"));
        assertEquals(Quant4jCli.FAILED, again.exitCode(), again.toString());
        assertTrue(again.err().contains("the file exists"), again.toString());
    }

    @Test
    void badInputIsAClearError() {
        CliRun negative = CliRun.of("mixed", "-m", model, "-d", data, "--max-drop", "-0.1");
        assertEquals(Quant4jCli.USAGE, negative.exitCode(), negative.toString());
        assertTrue(negative.err().contains("--max-drop must be at least 0"), negative.toString());

        CliRun unknown = CliRun.of("mixed", "-m", model, "-d", data, "--search", "annealing");
        assertEquals(Quant4jCli.USAGE, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("[greedy, dp, evolutionary]"), unknown.toString());

        CliRun self = CliRun.of("mixed", "-m", model, "-d", data, "-o", model);
        assertEquals(Quant4jCli.FAILED, self.exitCode(), self.toString());
        assertTrue(Files.exists(model));

        CliRun runs = CliRun.of("mixed", "-m", model, "-d", data, "--profile-runs", "0");
        assertEquals(Quant4jCli.USAGE, runs.exitCode(), runs.toString());
        assertTrue(runs.err().contains("'0' is not a positive number"), runs.toString());

        CliRun noData = CliRun.of("mixed", "-m", model);
        assertEquals(Quant4jCli.USAGE, noData.exitCode(), noData.toString());
        assertTrue(noData.err().contains("--data"), noData.toString());
    }
}
