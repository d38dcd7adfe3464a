package org.quant4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
    void builtInsAreListedInTheirUsualOrder() {
        assertEquals(List.of("minmax", "moving-average-minmax", "entropy", "percentile", "mse"),
                CalibrationMethod.builtIns().stream().map(CalibrationMethod::id).toList());
        assertTrue(CalibrationMethod.ENTROPY.isBuiltIn());
        assertFalse(CalibrationMethod.of("fixed-range").isBuiltIn());
    }

    @Test
    void fromIdIsCaseInsensitiveAndTrimsAndGivesTheBuiltInConstant() {
        assertSame(CalibrationMethod.ENTROPY, CalibrationMethod.fromId(" Entropy "));
        assertSame(CalibrationMethod.MOVING_AVERAGE_MIN_MAX, CalibrationMethod.fromId("MOVING-AVERAGE-MINMAX"));
        assertSame(CalibrationMethod.MSE, CalibrationMethod.of("mse"));
    }

    @Test
    void anyWellFormedNameIsAMethodEqualByItsId() {
        CalibrationMethod custom = CalibrationMethod.of(" AbsMax_x2.v1 ");
        assertEquals("absmax_x2.v1", custom.id());
        assertEquals("absmax_x2.v1", custom.toString());
        assertEquals(CalibrationMethod.of("absmax_x2.v1"), custom);
        assertEquals(CalibrationMethod.of("absmax_x2.v1").hashCode(), custom.hashCode());
        assertNotEquals(CalibrationMethod.ENTROPY, custom);
    }

    @Test
    void malformedNamesAreRejectedWithTheBuiltInsAsExamples() {
        for (String bad : new String[] {"two words", "entropie\u0301", "kl/div", "a\tb"}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> CalibrationMethod.of(bad), bad);
            assertTrue(e.getMessage().contains("minmax, moving-average-minmax, entropy, percentile, mse"),
                    e.getMessage());
        }
        assertThrows(InvalidInputException.class, () -> CalibrationMethod.fromId(null));
        assertThrows(InvalidInputException.class, () -> CalibrationMethod.fromId("   "));
        String longest = "m".repeat(CalibrationMethod.MAX_ID_LENGTH);
        assertEquals(longest, CalibrationMethod.of(longest).id());
        InvalidInputException tooLong = assertThrows(InvalidInputException.class,
                () -> CalibrationMethod.of(longest + "m"));
        assertTrue(tooLong.getMessage().contains("longer than " + CalibrationMethod.MAX_ID_LENGTH), tooLong.getMessage());
    }
}
