package org.quant4j.calibration.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quant4j.api.calibration.Calibrator;
import org.quant4j.api.calibration.CalibratorOptions;
import org.quant4j.api.calibration.Calibrators;
import org.quant4j.calibration.histogram.FiniteExtrema;

/** A batch observed in parts after {@link Calibrator#beginBatch} leaves every built-in calibrator as the whole batch does. */
class BatchPartsTest {

    /** Eight batches of 24 values, each part of a batch on another scale, with NaN and an infinity. */
    private static float[][] batches() {
        SplittableRandom random = new SplittableRandom(7);
        float[][] batches = new float[8][24];
        for (int b = 0; b < batches.length; b++) {
            for (int i = 0; i < 24; i++) {
                batches[b][i] = (float) (random.nextGaussian() * (1 + (i * 7 + b) % 13) * (b == 5 ? 40 : 1));
            }
        }
        batches[1][3] = Float.NaN;
        batches[6][20] = Float.NEGATIVE_INFINITY;
        return batches;
    }

    @ParameterizedTest
    @ValueSource(strings = {"minmax", "moving-average-minmax", "entropy", "percentile", "mse"})
    void partsGiveTheRangeOfWholeBatches(String method) {
        CalibratorOptions options = CalibratorOptions.parse(method.equals("entropy") || method.equals("mse")
                || method.equals("percentile") ? "bins=128" : "");
        Calibrator whole = Calibrators.create(method, options);
        Calibrator parts = Calibrators.create(method, options);
        Calibrator separate = Calibrators.create(method, options);
        assertTrue(parts.observesBatchesInParts());
        for (float[] batch : batches()) {
            whole.observe(batch);
            FiniteExtrema e = FiniteExtrema.of(batch, 0, batch.length);
            parts.beginBatch(e.min(), e.max(), e.finiteCount());
            for (int from = 0; from < batch.length; from += 5) {
                parts.observe(batch, from, Math.min(5, batch.length - from));
                separate.observe(batch, from, Math.min(5, batch.length - from));
            }
            parts.endBatch();
        }
        assertEquals(whole.range(), parts.range());
        assertEquals(whole.count(), parts.count());
        assertEquals(whole.nonFiniteCount(), parts.nonFiniteCount());
        if (!method.equals("minmax")) {
            // Parts observed as batches of their own do not give the same range: the test can tell.
            assertNotEquals(whole.range(), separate.range());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"minmax", "entropy"})
    void aBatchIsBegunOnceAtATime(String method) {
        Calibrator c = Calibrators.create(method);
        c.beginBatch(0f, 1f, 2);
        assertThrows(IllegalStateException.class, () -> c.beginBatch(0f, 1f, 2));
        c.endBatch();
        c.beginBatch(0f, 1f, 2);
        c.reset();
        c.beginBatch(0f, 1f, 2);
    }
}
