package org.quant4j.api.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quant4j.api.Provenance;

class PredictionsTest {

    /**
     * Four samples, top-3 each. Sample 0 is right at rank 0, sample 1 at rank 1, sample 2 at rank
     * 2, sample 3 not at all: top-1 1/4, top-2 2/4, top-3 3/4.
     */
    private static Predictions handMade() {
        int[] labels = {0, 1, 2, 3};
        int[] top3 = {
            0, 1, 2,
            2, 1, 0,
            0, 1, 2,
            0, 1, 2,
        };
        return new Predictions(3, labels, top3, new float[] {0.9f, 0.5f, 0.4f, 0.3f});
    }

    @Test
    void topAccuracyCountsLabelsAmongTheBestN() {
        Predictions p = handMade();
        assertEquals(0.25, p.topAccuracy(1));
        assertEquals(0.5, p.topAccuracy(2));
        assertEquals(0.75, p.topAccuracy(3));
    }

    @Test
    void topAccuracyNeedsNBetweenOneAndK() {
        Predictions p = handMade();
        assertThrows(IllegalArgumentException.class, () -> p.topAccuracy(0));
        assertThrows(IllegalArgumentException.class, () -> p.topAccuracy(4));
    }

    @Test
    void noSamplesHaveNoAccuracy() {
        assertTrue(Double.isNaN(new Predictions(1, new int[0], new int[0], new float[0]).topAccuracy(1)));
    }

    @Test
    void accessorsReadTheFlatLayout() {
        Predictions p = handMade();
        assertEquals(4, p.size());
        assertEquals(3, p.k());
        assertArrayEquals(new int[] {0, 2, 0, 0}, p.top1());
        assertEquals(2, p.top1(1));
        assertEquals(1, p.ranked(1, 1));
        assertEquals(0, p.ranked(1, 2));
        assertEquals(3, p.label(3));
        assertEquals(0.5f, p.confidence(1));
    }

    @Test
    void inconsistentSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Predictions(0, new int[0], new int[0], new float[0]));
        assertThrows(IllegalArgumentException.class, () -> new Predictions(2, new int[2], new int[3], new float[2]));
        assertThrows(IllegalArgumentException.class, () -> new Predictions(1, new int[2], new int[2], new float[1]));
    }

    @Test
    void arraysAreCopied() {
        int[] labels = {1};
        int[] top = {1};
        Predictions p = new Predictions(1, labels, top, new float[] {1f});
        labels[0] = 0;
        top[0] = 0;
        p.labels()[0] = 0;
        assertEquals(1.0, p.topAccuracy(1));
        assertEquals(p, new Predictions(1, new int[] {1}, new int[] {1}, new float[] {1f}));
    }

    @Test
    void evaluationResultTop1IsThePredictionsTop1() {
        EvaluationResult r = new EvaluationResult(handMade(), Map.of("top1", 0.25), Provenance.builder().build());
        assertEquals(0.25, r.top1());
        assertThrows(UnsupportedOperationException.class, () -> r.metrics().put("x", 1.0));
    }
}
