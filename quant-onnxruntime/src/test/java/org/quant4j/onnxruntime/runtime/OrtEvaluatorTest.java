package org.quant4j.onnxruntime.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.evaluate.EvaluationRequest;
import org.quant4j.api.evaluate.EvaluationResult;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.evaluate.Predictions;
import org.quant4j.onnxruntime.ArrayDataset;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.FloatTensor;

class OrtEvaluatorTest {

    @TempDir
    Path dir;

    /** Logits: ascending (best 9), descending (best 0), one peak at 4 with ties elsewhere, a peak of ln 9 at 2. */
    private static ArrayDataset rows() {
        float[][] r = new float[4][10];
        for (int c = 0; c < 10; c++) {
            r[0][c] = c;
            r[1][c] = 9 - c;
        }
        r[2][4] = 5;
        r[3][2] = (float) Math.log(9);
        return new ArrayDataset(r, new int[] {9, 3, 7, 2}, new int[] {10}, 10);
    }

    /** Gemm with identity weights, so the logits are the inputs; optionally followed by Softmax. */
    private Path identityClassifier(boolean softmax) {
        float[] eye = new float[100];
        for (int i = 0; i < 10; i++) {
            eye[i * 11] = 1;
        }
        GraphBuilder b = GraphBuilder.create("identity");
        String logits = b.gemm(b.input("x", -1, 10), new FloatTensor(new long[] {10, 10}, eye), null, true);
        b.output(softmax ? b.softmax(logits, 1) : logits, "scores");
        Path file = dir.resolve(softmax ? "softmax.onnx" : "logits.onnx");
        b.buildModel().write(file);
        return file;
    }

    private static EvaluationRequest request(Path model, List<long[]> progress) {
        return EvaluationRequest.builder().model(model).data(rows()).batchSize(3).topK(5).threads(1)
                .listener((stage, done, total) -> progress.add(new long[] {done, total})).build();
    }

    @Test
    void topKAccuracyAndConfidenceMatchHandComputedValues() {
        List<long[]> progress = new ArrayList<>();
        EvaluationResult result;
        try (Evaluator evaluator = new OrtEvaluator()) {
            result = evaluator.evaluate(request(identityClassifier(false), progress));
        }
        Predictions p = result.predictions();
        assertArrayEquals(new int[] {9, 0, 4, 2}, p.top1());
        assertArrayEquals(new int[] {9, 8, 7, 6, 5}, ranks(p, 0));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, ranks(p, 1));
        // Ties rank the lower class first.
        assertArrayEquals(new int[] {4, 0, 1, 2, 3}, ranks(p, 2));
        // Hits: sample 0 and 3 at top-1; samples 0, 1 and 3 in the top 5.
        assertEquals(0.5, result.metrics().get("top1"));
        assertEquals(0.75, result.metrics().get("top5"));
        assertEquals(0.5, result.top1());
        // exp(ln 9) / (exp(ln 9) + 9 * exp(0)) = 1/2
        assertEquals(0.5f, p.confidence(3), 1e-6f);
        assertEquals(List.of(0L, 3L, 4L), progress.stream().map(d -> d[0]).toList());
        assertTrue(progress.stream().allMatch(d -> d[1] == 4));
        assertEquals("onnxruntime", result.provenance().get("backend"));
        assertEquals(rows().fingerprint(), result.provenance().get("data"));
    }

    /**
     * An Identity model passes NaN and infinity through one class at a time. Sample 0 (label 9) has
     * a NaN at class 3 and sample 2 (label 4) +inf at class 4: both would rank their label first if
     * the non-finite values were taken as scores (NaN last, +inf best); neither is a prediction.
     */
    @Test
    void samplesWithNonFiniteScoresHaveNoPredictionAndCountAsWrong() {
        float[][] r = new float[4][10];
        for (int c = 0; c < 10; c++) {
            r[0][c] = c;
            r[1][c] = 9 - c;
        }
        r[0][3] = Float.NaN;
        r[2][4] = Float.POSITIVE_INFINITY;
        r[3][2] = 1;
        ArrayDataset data = new ArrayDataset(r, new int[] {9, 0, 4, 2}, new int[] {10}, 10);
        GraphBuilder b = GraphBuilder.create("identity");
        b.output(b.identity(b.input("x", -1, 10)), "scores");
        Path model = dir.resolve("identity.onnx");
        b.buildModel().write(model);

        EvaluationResult result;
        try (Evaluator evaluator = new OrtEvaluator()) {
            result = evaluator.evaluate(EvaluationRequest.builder().model(model).data(data).batchSize(3).topK(5)
                    .threads(1).build());
        }
        Predictions p = result.predictions();
        assertEquals(2, p.nonFinite());
        assertArrayEquals(new int[] {Predictions.NO_PREDICTION, 0, Predictions.NO_PREDICTION, 2}, p.top1());
        assertTrue(Float.isNaN(p.confidence(0)) && Float.isNaN(p.confidence(2)));
        // Samples 1 and 3 are right; the two without a prediction count as wrong: 2 of 4.
        assertEquals(0.5, result.top1());
        assertEquals(2.0, result.metrics().get("nonFinite"));
        assertEquals(4.0, result.metrics().get("samples"));
    }

    @Test
    void softmaxOutputsAreTakenAsProbabilities() {
        EvaluationResult result;
        try (Evaluator evaluator = new OrtEvaluator()) {
            result = evaluator.evaluate(request(identityClassifier(true), new ArrayList<>()));
        }
        assertEquals(0.5f, result.predictions().confidence(3), 1e-6f);
        assertArrayEquals(new int[] {9, 0, 4, 2}, result.predictions().top1());
    }

    @Test
    void topKBeyondTheClassCountIsRejected() {
        EvaluationRequest r = EvaluationRequest.builder().model(identityClassifier(false)).data(rows()).topK(11)
                .build();
        try (Evaluator evaluator = new OrtEvaluator()) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> evaluator.evaluate(r));
            assertTrue(e.getMessage().contains("Top-11"), e.getMessage());
        }
    }

    @Test
    void closedEvaluatorRefusesWork() {
        Evaluator evaluator = new OrtEvaluator();
        evaluator.close();
        evaluator.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> evaluator.evaluate(request(identityClassifier(false), new ArrayList<>())));
        assertTrue(e.getMessage().contains("OrtEvaluator"), e.getMessage());
    }

    @Test
    void serviceLoaderFindsTheOnnxRuntimeEvaluator() {
        assertTrue(Evaluators.names().contains("onnxruntime"), Evaluators.names().toString());
        assertTrue(Evaluators.registry().find("onnxruntime").availability().available());
        try (Evaluator e = Evaluators.get("onnxruntime")) {
            assertInstanceOf(OrtEvaluator.class, e);
            assertEquals("onnxruntime", e.name());
        }
    }

    @Test
    void softmaxOfHandPickedLogits() {
        assertEquals(0.75f, OrtEvaluator.softmaxOf(new float[] {0, (float) Math.log(3)}, 1), 1e-6f);
        int[] out = new int[3];
        OrtEvaluator.rankTopK(new float[] {1, Float.NaN, 3, 3}, 3, out, 0);
        assertArrayEquals(new int[] {2, 3, 0}, out);
    }

    private static int[] ranks(Predictions p, int sample) {
        int[] r = new int[p.k()];
        for (int i = 0; i < r.length; i++) {
            r[i] = p.ranked(sample, i);
        }
        return r;
    }
}
