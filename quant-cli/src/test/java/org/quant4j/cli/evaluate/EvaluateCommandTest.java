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

    /**
     * Sample 0 (label 0) gets a NaN and sample 1 (label 1) +infinity at their own class: ranked as
     * scores, both would be right (an all-NaN row ranks class 0 first, +inf is the largest). Neither
     * is a prediction: top-1 drops from 6 of 8 to 4 of 8 and both are reported.
     */
    @Test
    void samplesWithNonFiniteScoresAreCountedAndNeverPredictions() throws Exception {
        float[] scores = SCORES.clone();
        scores[1] = Float.NaN;
        scores[4 + 1] = Float.POSITIVE_INFINITY;
        Path bad = TestFiles.npyFloats(dir.resolve("bad.npy"), new int[] {8, 4}, scores);

        CliRun text = CliRun.of("evaluate", "-m", model, "-d", bad, "--labels", labels, "--top-k", 2);
        CliRun json = CliRun.of("evaluate", "-m", model, "-d", bad, "--labels", labels, "--top-k", 2, "--json");

        assertEquals(0, text.exitCode(), text::toString);
        assertTrue(text.outLines().stream().anyMatch(l -> l.matches("\\s+top-1\\s+50\\.00%\\s+\\(4 of 8\\)")),
                text::toString);
        assertTrue(text.outLines().stream().anyMatch(l -> l.matches("\\s+NaN/inf\\s+2 samples whose scores held NaN"
                + " or infinity: no prediction, counted as wrong")), text::toString);
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertEquals(2, doc.get("nonFinite").asInt(), json::toString);
        assertEquals(0.5, doc.get("top1").asDouble());
        assertEquals(4, doc.get("correctTop1").asInt());
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
        assertEquals(0, doc.get("nonFinite").asInt());
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
        assertTrue(run.err().contains("has no labels") && run.err().contains("--labels")
                && run.err().contains("--reference"), run::toString);
    }

    /**
     * Two outputs of one input: {@code y = x W} and {@code z = x V}. The "quantized" model scales W
     * by 1.01 and V by 1.02, so its outputs are the reference's times 1.01 and 1.02: SQNR
     * -20 log10(0.01) = 40 dB and -20 log10(0.02) = 33.98 dB, cosine 1, argmax unchanged.
     */
    private Path twoOutputs(String file, double wScale, double vScale) {
        GraphBuilder b = GraphBuilder.create("two-outputs");
        String x = b.input("input", -1, 4);
        float[] w = {0.5f, -1, 2, 0.25f, 1, 0.75f, -0.5f, 1.5f, -2, 0.5f, 1, -1, 0.25f, 2, -0.75f, 1};
        float[] v = new float[12];
        for (int i = 0; i < 12; i++) {
            v[i] = (i % 5 - 2) * 0.5f + 0.1f * i;
        }
        b.output(b.matMul(x, new FloatTensor(new long[] {4, 4}, scale(w, wScale))), "y");
        b.output(b.matMul(x, new FloatTensor(new long[] {4, 3}, scale(v, vScale))), "z");
        return TestFiles.model(b.build(), dir.resolve(file));
    }

    private static float[] scale(float[] values, double factor) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) (values[i] * factor);
        }
        return out;
    }

    @Test
    void referenceComparesEveryOutputOnUnlabelledData() {
        Path fp32 = twoOutputs("fp32.onnx", 1, 1);
        Path scaled = twoOutputs("scaled.onnx", 1.01, 1.02);

        CliRun run = CliRun.of("evaluate", "-m", scaled, "--reference", fp32, "-d", data, "--threads", 1);

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("on 8 samples"), run::toString);
        assertTrue(run.outLines().stream().anyMatch(l -> l.matches("\\s+y\\s+\\[4\\]\\s+40\\.00 .*100\\.00% \\(axis 1\\).*")),
                run::toString);
        assertTrue(run.outLines().stream().anyMatch(l -> l.matches("\\s+z\\s+\\[3\\]\\s+33\\.98 .*")), run::toString);
        assertEquals("", run.err());
    }

    @Test
    void referenceJsonHoldsEachStatisticWithItsInterval() throws Exception {
        Path fp32 = twoOutputs("fp32.onnx", 1, 1);
        Path scaled = twoOutputs("scaled.onnx", 1.01, 1.02);

        CliRun run = CliRun.of("evaluate", "-m", scaled, "--reference", fp32, "-d", data, "--threads", 1,
                "--resamples", 200, "--json");

        assertEquals(0, run.exitCode(), run::toString);
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertEquals(8, doc.get("samples").asInt());
        JsonNode y = doc.get("outputs").get(0);
        assertEquals("y", y.get("name").asText());
        assertEquals(40.0, y.get("sqnrDb").get("estimate").asDouble(), 0.01);
        assertTrue(y.get("sqnrDb").get("lower").asDouble() <= y.get("sqnrDb").get("estimate").asDouble());
        assertEquals(1.0, y.get("cosine").get("estimate").asDouble(), 1e-6);
        assertEquals(1.0, y.get("argmaxAgreement").get("estimate").asDouble());
        JsonNode z = doc.get("outputs").get(1);
        assertEquals(-20 * Math.log10(0.02), z.get("sqnrDb").get("estimate").asDouble(), 0.01);
    }

    @Test
    void referenceOfTheSameModelGivesInfiniteSqnr() throws Exception {
        CliRun run = CliRun.of("evaluate", "-m", model, "--reference", model, "-d", data, "--json");

        assertEquals(0, run.exitCode(), run::toString);
        JsonNode scores = new ObjectMapper().readTree(run.out()).get("outputs").get(0);
        assertEquals("Infinity", scores.get("sqnrDb").get("estimate").asText());
        assertEquals(0.0, scores.get("maxAbsError").get("estimate").asDouble());
        assertEquals(1.0, scores.get("sequenceAgreement").get("estimate").asDouble());
    }

    @Test
    void topKDoesNotApplyWithAReference() {
        CliRun run = CliRun.of("evaluate", "-m", model, "--reference", model, "-d", data, "--top-k", 2);

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--top-k"), run::toString);
    }
}
