package org.quant4j.api.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quant4j.api.provider.UnknownProviderException;

/** quant-api's own test classpath has no backend, so every look-up must explain what to add. */
class ModelCalibratorsTest {

    @Test
    void noModelCalibratorIsOnTheApiClasspath() {
        assertEquals(List.of(), ModelCalibrators.names());
        assertSame(ModelCalibrators.registry(), ModelCalibrators.registry());
    }

    @Test
    void onlyArtifactsThatExistAreNamed() {
        assertEquals(Map.of("onnxruntime", "org.quant4j:quant-onnxruntime"),
                ModelCalibrators.registry().knownArtifacts());
    }

    @Test
    void askingForOnnxRuntimeNamesItsArtifact() {
        UnknownProviderException e = assertThrows(UnknownProviderException.class,
                () -> ModelCalibrators.get("onnxruntime"));
        assertTrue(e.getMessage().contains("org.quant4j:quant-onnxruntime"), e.getMessage());
        assertTrue(e.getMessage().contains("model calibrator"), e.getMessage());
    }

    @Test
    void bestWithoutBackendsListsTheArtifactAndNoOther() {
        UnknownProviderException e = assertThrows(UnknownProviderException.class, ModelCalibrators::best);
        assertTrue(e.getMessage().contains("org.quant4j:quant-onnxruntime"), e.getMessage());
        assertFalse(e.getMessage().contains("tensorrt"), e.getMessage());
    }
}
