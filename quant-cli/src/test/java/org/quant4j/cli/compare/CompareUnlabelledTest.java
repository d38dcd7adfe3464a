package org.quant4j.cli.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.evaluate.FidelityRequest;
import org.quant4j.api.evaluate.OutputFidelity;
import org.quant4j.calibration.data.NpyDataset;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.Samples;
import org.quant4j.cli.TestFiles;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.report.compare.Slugs;
import org.quant4j.report.render.ResultsJson;

/**
 * {@code compare} on data without labels: each method is compared with the FP32 model by fidelity,
 * the numbers are those {@link Evaluator#fidelity} gives for the same model pair and data, and the
 * report renders them (and renders them again from {@code results.json}).
 */
class CompareUnlabelledTest {

    private static final String DYNAMIC = "dynamic INT8";
    private static final String STATIC = "static INT8 minmax per-channel";

    @TempDir
    static Path dir;

    private static Path model;
    private static Path data;
    private static Path output;
    private static CliRun run;

    @BeforeAll
    static void compareOnUnlabelledSamples() {
        model = TestFiles.model(ReferenceGraphs.smallCnn(11), dir.resolve("cnn.onnx"));
        data = Samples.images(dir, 48);
        output = dir.resolve("out");
        run = CliRun.of("compare", "-m", model, "-d", data, "--calibration-samples", 32,
                "--methods", "FP32," + DYNAMIC + "," + STATIC, "--rounds", 1, "-o", output);
    }

    @Test
    void eachMethodRowHoldsTheFidelityThatTheEvaluatorGivesForTheSameModelsAndData() throws IOException {
        assertEquals(0, run.exitCode(), run::toString);
        JsonNode results = new ObjectMapper().readTree(Files.readString(output.resolve("results.json")));
        assertEquals(48, results.get("samples").asInt());
        assertEquals(0, results.get("classes").size());
        JsonNode methods = results.get("methods");
        assertEquals(3, methods.size());
        assertTrue(methods.get(0).get("fidelity").isNull(), "the reference row holds no fidelity");
        try (Evaluator evaluator = Evaluators.get("onnxruntime")) {
            for (int i = 1; i < 3; i++) {
                JsonNode row = methods.get(i);
                Path quantized = output.resolve("models").resolve(Slugs.of(row.get("name").asText()) + ".onnx");
                OutputFidelity expected = evaluator.fidelity(FidelityRequest.builder().model(quantized)
                        .reference(model).data(NpyDataset.open(data)).threads(1).build()).outputs().get(0);
                JsonNode actual = row.get("fidelity").get("outputs").get(0);
                assertEquals(expected.name(), actual.get("name").asText());
                assertEquals(expected.sqnrDb().estimate(), actual.get("sqnrDb").get("estimate").asDouble(), 1e-9,
                        row.get("name").asText());
                assertEquals(expected.cosine().estimate(), actual.get("cosine").get("estimate").asDouble(), 1e-9);
                assertEquals(expected.argmaxAgreement().orElseThrow().estimate(),
                        actual.get("argmaxAgreement").get("estimate").asDouble(), 1e-12);
            }
        }
        assertTrue(results.get("criterion").asText().startsWith("argmax agreement of output 'logits'"),
                results.get("criterion").asText());
        // The recommendation says which criterion it used.
        JsonNode recommendations = results.get("recommendations");
        assertTrue(recommendations.size() > 0, results::toString);
        for (JsonNode r : recommendations) {
            assertTrue(r.get("text").asText().contains("argmax agreement of output 'logits'"), r.toString());
        }
    }

    @Test
    void theConsoleAndTheReportsShowFidelityInsteadOfAccuracy() throws IOException {
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("SQNR dB"), run::toString);
        assertTrue(run.out().contains("The data has no labels"), run::toString);
        String markdown = Files.readString(output.resolve("report.md"));
        assertTrue(markdown.contains("## Fidelity to FP32"), markdown);
        assertTrue(markdown.contains("48 samples, no labels"), markdown);
        assertTrue(!markdown.contains("## Per-class top-1 accuracy"), markdown);
        String html = Files.readString(output.resolve("report.html"));
        assertTrue(html.contains("<h2>Fidelity to FP32</h2>"), "html");
        assertTrue(html.contains("SQNR versus speedup"), "html");
        for (String name : List.of(DYNAMIC, STATIC)) {
            assertTrue(markdown.lines().anyMatch(l -> l.startsWith("| " + name + " |")), name);
        }
    }

    @Test
    void reportRendersTheFidelityRowsAgainFromResultsJson() throws IOException {
        assertEquals(0, run.exitCode(), run::toString);
        Path again = dir.resolve("again");
        CliRun report = CliRun.of("report", "--results", output.resolve("results.json"), "-o", again);
        assertEquals(0, report.exitCode(), report::toString);
        assertEquals(Files.readString(output.resolve("report.md")), Files.readString(again.resolve("report.md")));
        // results.json reads back into the same report, infinite bounds and all.
        assertEquals(Files.readString(output.resolve("results.json")),
                ResultsJson.write(ResultsJson.read(output.resolve("results.json"))));
    }
}
