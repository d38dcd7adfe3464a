package org.quant4j.api.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quant4j.api.provider.ProviderRegistry;
import org.quant4j.api.provider.UnknownProviderException;

/** quant-api's own test classpath has no backend, so every look-up must explain what to add. */
class QuantizersTest {

    @Test
    void noQuantizerIsOnTheApiClasspath() {
        assertEquals(List.of(), Quantizers.names());
        assertSame(Quantizers.registry(), Quantizers.registry());
    }

    @Test
    void askingForOnnxRuntimeNamesItsArtifact() {
        UnknownProviderException e = assertThrows(UnknownProviderException.class, () -> Quantizers.get("onnxruntime"));
        assertTrue(e.getMessage().contains("org.quant4j:quant-onnxruntime"), e.getMessage());
        assertTrue(e.getMessage().contains("quantizer"), e.getMessage());
    }

    @Test
    void askingForQatNamesItsArtifact() {
        UnknownProviderException e = assertThrows(UnknownProviderException.class, () -> Quantizers.get("QAT"));
        assertTrue(e.getMessage().contains("org.quant4j:quant-qat"), e.getMessage());
    }

    @Test
    void bestWithoutBackendsListsOnlyArtifactsThatExist() {
        UnknownProviderException e = assertThrows(UnknownProviderException.class, Quantizers::best);
        assertTrue(e.getMessage().endsWith("Add one of: org.quant4j:quant-onnxruntime, org.quant4j:quant-qat,"
                + " org.quant4j:quant-tensorrt"), e.getMessage());
        UnknownProviderException tensorrt = assertThrows(UnknownProviderException.class, () -> Quantizers.get("tensorrt"));
        assertTrue(tensorrt.getMessage().contains("org.quant4j:quant-tensorrt"), tensorrt.getMessage());
        UnknownProviderException unknown = assertThrows(UnknownProviderException.class, () -> Quantizers.get("openvino"));
        assertFalse(unknown.getMessage().contains("quant-openvino"), unknown.getMessage());
    }

    @Test
    void aDefaultBackendThatIsMissingIsAnErrorNamingTheProperty() {
        String before = System.getProperty(ProviderRegistry.DEFAULT_BACKEND_PROPERTY);
        System.setProperty(ProviderRegistry.DEFAULT_BACKEND_PROPERTY, "onnxruntime");
        try {
            UnknownProviderException e = assertThrows(UnknownProviderException.class, Quantizers::best);
            assertTrue(e.getMessage().startsWith("System property quant4j.defaultBackend=onnxruntime names no quantizer"
                    + " on the classpath"), e.getMessage());
            assertTrue(e.getMessage().contains("org.quant4j:quant-onnxruntime"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(ProviderRegistry.DEFAULT_BACKEND_PROPERTY);
            } else {
                System.setProperty(ProviderRegistry.DEFAULT_BACKEND_PROPERTY, before);
            }
        }
    }
}
