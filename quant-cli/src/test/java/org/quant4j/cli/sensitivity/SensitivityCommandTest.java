package org.quant4j.cli.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.TestFiles;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.sensitivity.SensitivityFiles;

class SensitivityCommandTest {

    @TempDir
    Path dir;

    private Path model;
    private Path data;

    @BeforeEach
    void files() {
        model = TestFiles.model(ReferenceGraphs.smallCnn(5), dir.resolve("small.onnx"));
        data = TestFiles.npyUniform(dir.resolve("inputs.npy"), new int[] {64, 1, 28, 28}, 1);
    }

    @Test
    void ranksTheLayersAndWritesJsonAndCsv() throws Exception {
        Path json = dir.resolve("out.json");
        Path csv = dir.resolve("out.csv");
        CliRun run = CliRun.of("sensitivity", "-m", model, "-d", data, "--first-stage", "32", "--resamples", "200",
                "--threads", "1", "-o", json, "--csv", csv);
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("ONE-ON DROP") && run.out().contains("argmax agreement"), run.out());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals("agreement", doc.get("metric").asText());
        int layers = doc.get("layers").size();
        assertTrue(layers >= 3, doc.toString());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(SensitivityFiles.CSV_HEADER, lines.get(0));
        assertEquals(layers + 1, lines.size());
        int measured = 0;
        for (JsonNode layer : doc.get("layers")) {
            // A layer that reads only float tensors when alone has no one-on variant (null).
            if (!layer.get("oneOn").isNull()) {
                assertTrue(layer.get("oneOn").get("samples").asInt() <= 64);
                measured++;
            }
            assertTrue(layer.get("sqnrAccumulatedDb").isNumber() || layer.get("sqnrAccumulatedDb").isTextual());
        }
        assertTrue(measured >= 2, doc.toString());

        // An output that exists is never replaced without --overwrite.
        CliRun again = CliRun.of("sensitivity", "-m", model, "-d", data, "--no-one-off", "--no-sqnr", "-o", json);
        assertTrue(again.exitCode() != 0, again.toString());
        assertTrue(again.err().contains("the file exists"), again.toString());
    }

    @Test
    void gradientEstimateIsAColumnWithItsRankCorrelation() throws Exception {
        Path json = dir.resolve("gradient.json");
        Path csv = dir.resolve("gradient.csv");
        CliRun run = CliRun.of("sensitivity", "-m", model, "-d", data, "--metric", "noise", "--first-stage", "32",
                "--resamples", "200", "--threads", "1", "--no-one-off", "--no-sqnr", "--gradient", "fisher",
                "--gradient-samples", "16", "-o", json, "--csv", csv);
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("GRADIENT") && run.out().contains("gradient (fisher)")
                && run.out().contains("mse to float increase, 16 samples"), run.out());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals("fisher", doc.get("gradient").get("estimator").asText());
        assertTrue(doc.get("gradient").get("unsupported").isNull(), doc.toString());
        int estimated = 0;
        for (JsonNode layer : doc.get("layers")) {
            if (layer.get("gradientEstimate").isNumber()) {
                assertTrue(layer.get("gradientEstimate").asDouble() > 0, layer.toString());
                estimated++;
            }
        }
        assertTrue(estimated >= 2, doc.toString());
        assertTrue(doc.get("rankCorrelations").has("oneOn~gradient"), doc.toString());
        assertTrue(Files.readAllLines(csv).get(0).endsWith(",gradient_estimate"));

        CliRun unknown = CliRun.of("sensitivity", "-m", model, "-d", data, "--gradient", "hessian");
        assertTrue(unknown.exitCode() != 0 && unknown.err().contains("hessian") && unknown.err().contains("fisher"),
                unknown.toString());
    }

    @Test
    void localSamplesMeasureTheLocalSqnrOnASubSampleAndSaySo() throws Exception {
        Path json = dir.resolve("local.json");
        // 64 samples in runs of 25 (25, 25, 14): 16 asked for is the first ceil(16 / 3) = 6 of each run, 18.
        CliRun run = CliRun.of("sensitivity", "-m", model, "-d", data, "--no-one-on", "--no-one-off", "--batch-size",
                "32", "--threads", "1", "--local-samples", "16", "-o", json);
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("18 of 64 samples"), run.out());
        assertEquals(18, new ObjectMapper().readTree(json.toFile()).get("localSamples").asInt());

        CliRun noLocal = CliRun.of("sensitivity", "-m", model, "-d", data, "--no-one-on", "--no-one-off", "--no-local",
                "--local-samples", "16");
        assertTrue(noLocal.exitCode() != 0 && noLocal.err().contains("Local samples") && noLocal.err().contains(
                "local errors off"), noLocal.toString());
    }

    @Test
    void unknownLayerAndTopOneWithoutLabelsAreClearErrors() {
        CliRun unknown = CliRun.of("sensitivity", "-m", model, "-d", data, "--layer", "no_such_conv");
        assertTrue(unknown.exitCode() != 0 && unknown.err().contains("no node 'no_such_conv'")
                && unknown.err().contains("quantizable layers are"), unknown.toString());
        CliRun top1 = CliRun.of("sensitivity", "-m", model, "-d", data, "--metric", "top1");
        assertTrue(top1.exitCode() != 0 && top1.err().contains("no labels"), top1.toString());
    }
}
