package org.quant4j.qat.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void warmupRisesLinearlyThenCosineHalvesAtMidpointAndEndsAtFinal() {
        LearningRateSchedule s = LearningRateSchedule.warmupCosine(0.1f, 10, 110, 0.0f);
        assertEquals(0.01f, s.valueAt(0), 1e-7);
        assertEquals(0.05f, s.valueAt(4), 1e-7);
        assertEquals(0.1f, s.valueAt(9), 1e-7);
        assertEquals(0.1f, s.valueAt(10), 1e-7);
        // Half-way through the 100 decay steps, cos(pi / 2) = 0: half the base.
        assertEquals(0.05f, s.valueAt(60), 1e-7);
        // A quarter of the way: (1 + cos(pi / 4)) / 2 = 0.853553...
        assertEquals(0.0853553f, s.valueAt(35), 1e-6);
        assertEquals(0.0f, s.valueAt(110), 1e-7);
        assertEquals(0.0f, s.valueAt(500), 1e-7);
    }

    @Test
    void cosineDecaysToTheFinalValueNotZero() {
        LearningRateSchedule s = LearningRateSchedule.warmupCosine(1f, 0, 100, 0.2f);
        assertEquals(1f, s.valueAt(0), 1e-7);
        assertEquals(0.6f, s.valueAt(50), 1e-6);
        assertEquals(0.2f, s.valueAt(100), 1e-7);
    }

    @Test
    void stepScheduleMultipliesByTheFactorEveryStepSize() {
        LearningRateSchedule s = LearningRateSchedule.step(0.1f, 2, 5, 0.1f);
        assertEquals(0.05f, s.valueAt(0), 1e-7);
        assertEquals(0.1f, s.valueAt(2), 1e-7);
        assertEquals(0.1f, s.valueAt(6), 1e-7);
        assertEquals(0.01f, s.valueAt(7), 1e-8);
        assertEquals(0.001f, s.valueAt(12), 1e-9);
    }

    @Test
    void djlUpdateCountsStartAtOne() {
        LearningRateSchedule s = LearningRateSchedule.warmupCosine(0.1f, 10, 110, 0.0f);
        assertEquals(s.valueAt(0), s.getNewValue(1));
        assertEquals(s.valueAt(59), s.getNewValue(60));
    }

    @Test
    void invalidSchedulesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.warmupCosine(0.1f, 10, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.warmupCosine(0.1f, 0, 10, 0.2f));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.step(0.1f, 0, 0, 0.1f));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.step(0, 0, 5, 0.1f));
    }
}
