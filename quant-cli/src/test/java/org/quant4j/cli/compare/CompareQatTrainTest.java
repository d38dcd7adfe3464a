package org.quant4j.cli.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.Samples;
import org.quant4j.cli.TestFiles;
import org.quant4j.onnx.builder.ReferenceGraphs;

/** {@code quant4j compare --qat-train}: quantization-aware training as one more row of the comparison. */
class CompareQatTrainTest {

    @TempDir
    Path dir;

    private Path idxDirectory(int train, int test) {
        Path idx = dir.resolve("idx");
        try {
            Files.createDirectories(idx);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        SplittableRandom random = new SplittableRandom(5);
        for (int split = 0; split < 2; split++) {
            int n = split == 0 ? train : test;
            byte[] pixels = new byte[n * 28 * 28];
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) {
                labels[i] = (byte) (i % 10);
                for (int p = 0; p < 28 * 28; p++) {
                    pixels[i * 28 * 28 + p] = (byte) random.nextInt(256);
                }
            }
            TestFiles.idxImages(idx.resolve(split == 0 ? FashionMnist.TRAIN_IMAGES : FashionMnist.TEST_IMAGES), n, 28,
                    28, pixels);
            TestFiles.idxLabels(idx.resolve(split == 0 ? FashionMnist.TRAIN_LABELS : FashionMnist.TEST_LABELS), labels);
        }
        return idx;
    }

    @Test
    void qatTrainAddsARowTrainedOnTheTrainSplit() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(4), dir.resolve("cnn.onnx"));
        Path out = dir.resolve("out");

        CliRun run = CliRun.of("compare", "-m", model, "-d", idxDirectory(120, 40), "--methods", "FP32",
                "--qat-train", "--calibration-samples", 20, "--rounds", 1, "-o", out);

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.outLines().stream().anyMatch(l -> l.strip().startsWith(CompareCommand.QAT_TRAINED)),
                run::toString);
        JsonNode results = new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
        assertEquals(2, results.get("methods").size());
        assertTrue(results.toString().contains("trained by quantizer 'qat' on 120 labelled images"),
                results.toString());
        try (var models = Files.list(out.resolve("models"))) {
            assertTrue(models.anyMatch(p -> p.getFileName().toString().startsWith("qat")),
                    "the trained model is kept with the others");
        }
    }

    @Test
    void qatTrainNeedsATrainSplit() {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(4), dir.resolve("cnn.onnx"));
        Path data = Samples.images(dir, 40);
        Path labels = Samples.labels(dir, 40);

        CliRun run = CliRun.of("compare", "-m", model, "-d", data, "--labels", labels, "--methods", "FP32",
                "--qat-train", "-o", dir.resolve("out"));

        assertNotEquals(0, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--qat-train trains on the train split"), run::toString);
        assertEquals(1, run.err().strip().lines().count(), run::toString);
    }
}
