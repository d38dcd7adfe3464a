package org.quant4j.report.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.report.Fixtures;

class CalibrationErrorTest {

    @Test
    void expectedCalibrationErrorOfToyCaseMatchesHandComputation() {
        // Confidences 0.9 (right), 0.9 (wrong), 0.6 (right), 0.3 (wrong), 15 bins:
        // bin (0.867, 0.933]: 2 samples, accuracy 0.5, confidence 0.9 -> 2/4 * 0.4 = 0.2
        // the 0.6 sample alone: 1/4 * |1 - 0.6| = 0.1; the 0.3 sample alone: 1/4 * |0 - 0.3| = 0.075.
        var predictions = Fixtures.top1(new int[] {0, 0, 1, 1}, new int[] {0, 1, 1, 0},
                new float[] {0.9f, 0.9f, 0.6f, 0.3f});
        CalibrationError ece = CalibrationError.of(predictions, 15);
        assertEquals(0.375, ece.expected(), 1e-6);
        ReliabilityBin shared = ece.bins().get(13);
        assertEquals(13.0 / 15, shared.lower(), 1e-12);
        assertEquals(2, shared.count());
        assertEquals(1, shared.correct());
        assertEquals(0.9, shared.meanConfidence(), 1e-6);
        assertEquals(4, ece.bins().stream().mapToInt(ReliabilityBin::count).sum());
    }

    @Test
    void oneBinMeasuresOverallOverconfidence() {
        // One bin: |accuracy - mean confidence| = |0.5 - 0.675|.
        var predictions = Fixtures.top1(new int[] {0, 0, 1, 1}, new int[] {0, 1, 1, 0},
                new float[] {0.9f, 0.9f, 0.6f, 0.3f});
        assertEquals(0.175, CalibrationError.of(predictions, 1).expected(), 1e-6);
    }

    @Test
    void confidentAndAlwaysRightIsPerfectlyCalibrated() {
        var predictions = Fixtures.top1(new int[] {0, 1, 2}, new int[] {0, 1, 2});
        CalibrationError ece = CalibrationError.of(predictions, 15);
        assertEquals(0.0, ece.expected());
        assertEquals(3, ece.bins().get(14).count(), "confidence 1 falls into the last bin");
    }

    @Test
    void zeroConfidenceFallsIntoFirstBin() {
        var predictions = Fixtures.top1(new int[] {0}, new int[] {1}, new float[] {0f});
        assertEquals(1, CalibrationError.of(predictions, 10).bins().get(0).count());
    }

    @Test
    void rejectsConfidenceThatIsNotAProbability() {
        var predictions = Fixtures.top1(new int[] {0}, new int[] {0}, new float[] {3.2f});
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CalibrationError.of(predictions, 15));
        assertEquals(true, e.getMessage().contains("softmax"), e.getMessage());
    }
}
