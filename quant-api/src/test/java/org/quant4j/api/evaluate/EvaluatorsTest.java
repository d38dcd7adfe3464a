package org.quant4j.api.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quant4j.api.provider.ProviderRegistry;
import org.quant4j.api.provider.UnknownProviderException;

/** quant-api's own test classpath has no backend, so every look-up must explain what to add. */
class EvaluatorsTest {

    @Test
    void noEvaluatorIsOnTheApiClasspath() {
        assertEquals(List.of(), Evaluators.names());
    }

    @Test
    void askingForOnnxRuntimeNamesItsArtifact() {
        UnknownProviderException e = assertThrows(UnknownProviderException.class, () -> Evaluators.get("onnxruntime"));
        assertTrue(e.getMessage().contains("org.quant4j:quant-onnxruntime"), e.getMessage());
        assertTrue(e.getMessage().contains("evaluator"), e.getMessage());
    }

    @Test
    void bestWithoutBackendsListsOnlyArtifactsThatExist() {
        UnknownProviderException e = assertThrows(UnknownProviderException.class, Evaluators::best);
        assertTrue(e.getMessage().endsWith("Add one of: org.quant4j:quant-onnxruntime, org.quant4j:quant-tensorrt"),
                e.getMessage());
    }

    @Test
    void aDefaultBackendThatIsMissingIsAnErrorNamingTheProperty() {
        String before = System.getProperty(ProviderRegistry.DEFAULT_BACKEND_PROPERTY);
        System.setProperty(ProviderRegistry.DEFAULT_BACKEND_PROPERTY, "gpu");
        try {
            UnknownProviderException e = assertThrows(UnknownProviderException.class, Evaluators::best);
            assertTrue(e.getMessage().startsWith("System property quant4j.defaultBackend=gpu names no evaluator"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("Names known to quant4j: onnxruntime"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(ProviderRegistry.DEFAULT_BACKEND_PROPERTY);
            } else {
                System.setProperty(ProviderRegistry.DEFAULT_BACKEND_PROPERTY, before);
            }
        }
    }
}
