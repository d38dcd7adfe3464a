package org.quant4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CalibrationMethodTest {

    @Test
    void idsAreStableShortNames() {
        assertEquals("minmax", CalibrationMethod.MIN_MAX.id());
        assertEquals("moving-average-minmax", CalibrationMethod.MOVING_AVERAGE_MIN_MAX.id());
        assertEquals("entropy", CalibrationMethod.ENTROPY.id());
        assertEquals("percentile", CalibrationMethod.PERCENTILE.id());
        assertEquals("mse", CalibrationMethod.MSE.id());
    }

    @Test
    void fromIdIsCaseInsensitiveAndTrims() {
        assertEquals(CalibrationMethod.ENTROPY, CalibrationMethod.fromId(" Entropy "));
        assertEquals(CalibrationMethod.MOVING_AVERAGE_MIN_MAX, CalibrationMethod.fromId("MOVING-AVERAGE-MINMAX"));
    }

    @Test
    void unknownIdListsTheValidOnes() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CalibrationMethod.fromId("kl"));
        assertTrue(e.getMessage().contains("minmax, moving-average-minmax, entropy, percentile, mse"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> CalibrationMethod.fromId(null));
    }
}
