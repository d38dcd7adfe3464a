package org.quant4j.cli.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.TestFiles;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.FloatTensor;

class EvaluateCommandTest {

    /**
     * Class scores of eight samples of four classes. The model passes them through unchanged, so
     * its predictions are their argmax: samples 0-5 are right; in samples 6 and 7 the label is
     * second. Top-1 is therefore 6/8 = 75% and top-2 is 100%.
     */
    private static final float[] SCORES = {
        4, 1, 0, 0,
        0, 5, 1, 0,
        0, 0, 3, 1,
        1, 0, 0, 2,
        3, 0, 1, 0,
        0, 2, 0, 1,
        0, 0, 1, 2,
        3, 0, 0, 1,
    };
    private static final int[] LABELS = {0, 1, 2, 3, 0, 1, 2, 3};

    @TempDir
    Path dir;

    private Path model;
    private Path data;
    private Path labels;

    @BeforeEach
    void writeIdentityClassifier() {
        GraphBuilder b = GraphBuilder.create("identity");
        String x = b.input("input", -1, 4);
        float[] identity = new float[16];
        for (int i = 0; i < 4; i++) {
            identity[i * 4 + i] = 1;
        }
        b.output(b.gemm(x, new FloatTensor(new long[] {4, 4}, identity), null, true), "scores");
        model = TestFiles.model(b.build(), dir.resolve("identity.onnx"));
        data = TestFiles.npyFloats(dir.resolve("scores.npy"), new int[] {8, 4}, SCORES);
        labels = TestFiles.npyLabels(dir.resolve("labels.npy"), LABELS);
    }

    @Test
    void printsTopOneAndTopKAccuracy() {
        CliRun run = CliRun.of("evaluate", "-m", model, "-d", data, "--labels", labels, "--top-k", 2);

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.outLines().stream().anyMatch(l -> l.matches("\\s+top-1\\s+75\\.00%\\s+\\(6 of 8\\)")),
                run::toString);
        assertTrue(run.outLines().stream().anyMatch(l -> l.matches("\\s+top-2\\s+100\\.00%")), run::toString);
        assertEquals("", run.err());
    }

    @Test
    void jsonHoldsTheAccuracies() throws Exception {
        CliRun run = CliRun.of("evaluate", "-m", model, "-d", data, "--labels", labels, "--top-k", 2, "--threads", 1,
                "--json");

        assertEquals(0, run.exitCode(), run::toString);
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertEquals(0.75, doc.get("top1").asDouble());
        assertEquals(1.0, doc.get("top2").asDouble());
        assertEquals(6, doc.get("correctTop1").asInt());
        assertEquals(8, doc.get("samples").asInt());
        assertEquals(4, doc.get("classes").asInt());
    }

    @Test
    void samplesChoosesAStratifiedSubset() {
        CliRun run = CliRun.of("evaluate", "-m", model, "-d", data, "--labels", labels, "--samples", 4);

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("on 4 samples"), run::toString);
    }

    @Test
    void unlabelledDataCannotBeEvaluated() {
        CliRun run = CliRun.of("evaluate", "-m", model, "-d", data);

        assertEquals(1, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().contains("has no labels") && run.err().contains("--labels"), run::toString);
    }
}
