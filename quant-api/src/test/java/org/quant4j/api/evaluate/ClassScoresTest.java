package org.quant4j.api.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
        assertEquals(List.of("top1", "top2", "samples"), List.copyOf(m.keySet()));
        assertEquals(1.0 / 3, m.get("top1"));
        assertEquals(2.0 / 3, m.get("top2"));
        assertEquals(3.0, m.get("samples"));
        assertEquals(List.of("top1", "samples"),
                List.copyOf(new Predictions(1, new int[] {4}, new int[] {4}, new float[1]).metrics().keySet()));
    }
}
