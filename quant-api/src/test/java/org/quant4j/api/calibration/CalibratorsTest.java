package org.quant4j.api.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.provider.UnknownProviderException;

/** quant-api's own test classpath has no calibrators, so every look-up must name quant-calibration. */
class CalibratorsTest {

    @Test
    void noCalibratorIsOnTheApiClasspath() {
        assertEquals(List.of(), Calibrators.names());
    }

    @Test
    void everyBuiltInMethodNamesTheCalibrationArtifact() {
        for (CalibrationMethod m : CalibrationMethod.builtIns()) {
            UnknownProviderException e = assertThrows(UnknownProviderException.class, () -> Calibrators.create(m.id()));
            assertTrue(e.getMessage().contains("org.quant4j:quant-calibration"), m + ": " + e.getMessage());
        }
        UnknownProviderException e = assertThrows(UnknownProviderException.class,
                () -> Calibrators.create(CalibrationMethod.PERCENTILE, CalibratorOptions.parse("percentile=99.9")));
        assertTrue(e.getMessage().contains("'percentile'"), e.getMessage());
    }

    @Test
    void aWellFormedNameNoProviderOffersFailsWhenTheCalibratorIsCreated() {
        CalibrationMethod custom = CalibrationMethod.of("fixed-range");
        UnknownProviderException e = assertThrows(UnknownProviderException.class,
                () -> Calibrators.create(custom, CalibratorOptions.empty()));
        assertTrue(e.getMessage().contains("Unknown calibrator 'fixed-range'"), e.getMessage());
        assertTrue(e.getMessage().contains("No calibrator providers are on the classpath"), e.getMessage());
        assertTrue(e.getMessage().contains("minmax"), e.getMessage());
    }

    @Test
    void unknownMethodListsTheKnownNames() {
        UnknownProviderException e = assertThrows(UnknownProviderException.class, () -> Calibrators.provider("kl"));
        assertTrue(e.getMessage().contains("entropy"), e.getMessage());
        assertTrue(e.getMessage().contains("minmax"), e.getMessage());
    }
}
