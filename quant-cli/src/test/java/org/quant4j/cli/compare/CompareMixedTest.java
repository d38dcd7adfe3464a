package org.quant4j.cli.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.Quant4jCli;
import org.quant4j.cli.Samples;
import org.quant4j.cli.TestFiles;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.OnnxModel;

/** {@code compare --mixed}: one mixed-precision search run, a row per search, by the model each search chose. */
class CompareMixedTest {

    @TempDir
    static Path dir;

    private static Path model;
    private static Path data;
    private static Path output;
    private static CliRun run;

    @BeforeAll
    static void compareWithMixedRows() {
        model = TestFiles.model(ReferenceGraphs.smallCnn(5), dir.resolve("small.onnx"));
        data = Samples.images(dir, 48);
        output = dir.resolve("out");
        run = CliRun.of("compare", "-m", model, "-d", data, "--calibration-samples", 32,
                "--methods", "FP32,static INT8 minmax per-channel", "--mixed", "greedy,dp", "--max-drop", "0.02",
                "--threads", 1, "--rounds", 1, "--no-memory", "-o", output);
    }

    @Test
    void addsOneRowPerSearchByTheModelItChose() throws IOException {
        assertEquals(Quant4jCli.OK, run.exitCode(), run::toString);
        JsonNode results = new ObjectMapper().readTree(Files.readString(output.resolve("results.json")));
        List<String> names = new ArrayList<>();
        results.get("methods").forEach(m -> names.add(m.get("name").asText()));
        assertEquals(List.of("FP32", "static INT8 minmax per-channel", "mixed greedy", "mixed dp"), names);
        for (String search : List.of("greedy", "dp")) {
            Path chosen = output.resolve("models").resolve("mixed").resolve(search + ".onnx");
            assertTrue(Files.isRegularFile(chosen), chosen + " was written");
            assertTrue(OnnxModel.read(chosen).graph().nodes().size() > 0);
            JsonNode row = results.get("methods").get(names.indexOf("mixed " + search));
            // The row measured that very file.
            assertEquals(Files.size(chosen), row.get("modelFileBytes").asLong(), row.toString());
        }
        String markdown = Files.readString(output.resolve("report.md"));
        assertTrue(markdown.contains("| mixed greedy |") && markdown.contains("| mixed dp |"), markdown);
        assertTrue(markdown.contains("Mixed precision (--mixed, within 2.00 pp of FP32)"), markdown);
        // One file serves calibration and evaluation: the searches chose on its 16 samples not used for calibration.
        assertTrue(markdown.contains("choosing on 16 other samples of the evaluation data"), markdown);
        assertTrue(markdown.contains("Search time: greedy ") && markdown.contains(", dp "), markdown);
        assertTrue(run.out().contains("mixed greedy"), run.out());
    }

    @Test
    void anUnknownSearchIsAUsageErrorNamingTheSearches() {
        CliRun bad = CliRun.of("compare", "-m", model, "-d", data, "--mixed", "annealing", "-o", dir.resolve("bad"));
        assertEquals(Quant4jCli.USAGE, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("[greedy, dp, evolutionary]"), bad.toString());
        assertTrue(Files.notExists(dir.resolve("bad")), "nothing written before the options are checked");
    }
}
