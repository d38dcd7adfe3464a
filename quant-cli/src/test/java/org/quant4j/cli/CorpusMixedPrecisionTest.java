package org.quant4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.cli.ThirdPartyModelsTest.Fidelity;
import org.quant4j.cli.ThirdPartyModelsTest.Model;
import org.quant4j.cli.ThirdPartyModelsTest.Tensor;

/**
 * Issue 15 on the corpus: oww-melspectrogram, whose full static INT8 destroys the log-mel features
 * (4.7 dB, docs/MODELS.md), searched by {@code quant4j mixed} with a noise budget of 0.005 (an SQNR
 * of 23 dB) on the inputs of {@link ThirdPartyModelsTest}. The returned model is checked
 * independently: ONNX Runtime runs it and the float model on samples the search never saw.
 */
class CorpusMixedPrecisionTest {

    private static final Path CACHE = Path.of(System.getProperty("quant4j.corpus.dir", "../models/corpus/cache"));

    @Test
    void mixedPrecisionRestoresTheLogMelFrontEnd(@TempDir Path dir) throws Exception {
        Model model = ThirdPartyModelsTest.corpus().stream().filter(m -> m.file().equals("oww-melspectrogram.onnx"))
                .findFirst().orElseThrow();
        Path original = CACHE.resolve(model.file());
        assumeTrue(Files.isRegularFile(original), "corpus model " + original.toAbsolutePath()
                + " is absent: run models/corpus/fetch.sh");
        // 64 samples: the command splits them into 32 to calibrate and choose on and 32 to report on.
        Path data = ThirdPartyModelsTest.writeData(ThirdPartyModelsTest.samples(model, 1, 64), dir.resolve("data"));
        Path mixed = dir.resolve("mixed.onnx");
        Path assignment = dir.resolve("mixed.json");
        CliRun run = CliRun.of("mixed", "-m", original, "-d", data, "--metric", "noise", "--max-drop", "0.005",
                "--search", "greedy", "--threads", "2", "-o", mixed, "--assignment", assignment);
        assertEquals(0, run.exitCode(), run.toString());

        JsonNode result = new ObjectMapper().readTree(assignment.toFile());
        assertTrue(result.get("targetMet").asBoolean(), "no assignment within the budget: " + result.get("verdict"));
        long floatLayers = 0;
        for (JsonNode layer : result.get("assignment")) {
            floatLayers += layer.get("choice").asText().equals("float") ? 1 : 0;
        }
        assertTrue(floatLayers < result.get("assignment").size(), "every layer kept float: " + result.get("verdict"));

        // Unseen samples (seed 2): full INT8 measured 4.7 dB on them; the budget is 23 dB on the validation split.
        List<Map<String, Tensor>> unseen = ThirdPartyModelsTest.samples(model, 2, 16);
        Fidelity f = ThirdPartyModelsTest.fidelity(original, mixed, unseen, model.task());
        System.out.println("[corpus] oww-melspectrogram mixed: " + floatLayers + " float layers, SQNR on unseen samples "
                + String.format(java.util.Locale.ROOT, "%.1f dB", f.sqnrDb()) + "; " + result.get("verdict").asText());
        assertTrue(f.sqnrDb() >= 20, "SQNR " + f.sqnrDb() + " dB on unseen samples: " + result.get("verdict"));
    }
}
