package org.quant4j.api.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClassScoresTest {

    @Test
    void softmaxOfHandPickedLogits() {
        // exp(ln 3) / (exp(0) + exp(ln 3)) = 3 / 4.
        assertEquals(0.75f, ClassScores.softmaxOf(new float[] {0, (float) Math.log(3)}, 1), 1e-6f);
    }

    @Test
    void ranksBestFirstLowerIndexOnTiesAndNanLast() {
        int[] out = new int[3];
        ClassScores.rankTopK(new float[] {1, Float.NaN, 3, 3}, 3, out, 0);
        assertArrayEquals(new int[] {2, 3, 0}, out);
    }

    @Test
    void metricsAreTop1TopKAndSamplesInOrder() {
        // Labels 0, 1, 2; ranked (best, second): (0, 1), (2, 1), (1, 0): top-1 hits 1 of 3, top-2 hits 2 of 3.
        Predictions p = new Predictions(2, new int[] {0, 1, 2}, new int[] {0, 1, 2, 1, 1, 0}, new float[3]);
        Map<String, Double> m = p.metrics();
        assertEquals(List.of("top1", "top2", "samples", "nonFinite"), List.copyOf(m.keySet()));
        assertEquals(1.0 / 3, m.get("top1"));
        assertEquals(2.0 / 3, m.get("top2"));
        assertEquals(3.0, m.get("samples"));
        assertEquals(0.0, m.get("nonFinite"));
        assertEquals(List.of("top1", "samples", "nonFinite"),
                List.copyOf(new Predictions(1, new int[] {4}, new int[] {4}, new float[1]).metrics().keySet()));
    }

    @Test
    void aRowHoldingNanOrInfinityIsNoPrediction() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            int[] out = {7, 7, 7, 7};
            float confidence = ClassScores.predict(new float[] {1, bad, 3}, 2, false, out, 1);
            assertArrayEquals(new int[] {7, Predictions.NO_PREDICTION, Predictions.NO_PREDICTION, 7}, out);
            assertTrue(Float.isNaN(confidence));
        }
        int[] out = new int[2];
        // softmax of 3 over {1, 2, 3}: 1 / (e^-2 + e^-1 + 1)
        assertEquals((float) (1 / (Math.exp(-2) + Math.exp(-1) + 1)),
                ClassScores.predict(new float[] {1, 2, 3}, 2, false, out, 0), 1e-6f);
        assertArrayEquals(new int[] {2, 1}, out);
        // Probabilities (a Softmax output) are taken as they are.
        assertEquals(0.5f, ClassScores.predict(new float[] {0.25f, 0.5f, 0.25f}, 1, true, new int[1], 0));
    }

    @Test
    void samplesWithoutAPredictionCountAsWrong() {
        int none = Predictions.NO_PREDICTION;
        Predictions p = new Predictions(2, new int[] {0, 1, 2}, new int[] {0, 1, none, none, 2, 0},
                new float[] {0.9f, Float.NaN, 0.6f});
        assertEquals(1, p.nonFinite());
        assertFalse(p.hasPrediction(1));
        assertEquals(2.0 / 3, p.topAccuracy(1));
        assertEquals(2.0 / 3, p.topAccuracy(2));
        assertEquals(1.0, p.metrics().get("nonFinite"));
        assertThrows(IllegalArgumentException.class,
                () -> new Predictions(2, new int[] {0}, new int[] {none, 1}, new float[1]));
    }
}
