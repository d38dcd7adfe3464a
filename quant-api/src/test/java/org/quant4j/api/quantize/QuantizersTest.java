package org.quant4j.api.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
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
    void askingForTensorRtNamesItsArtifact() {
        UnknownProviderException e = assertThrows(UnknownProviderException.class, () -> Quantizers.get("TensorRT"));
        assertTrue(e.getMessage().contains("org.quant4j:quant-tensorrt"), e.getMessage());
    }

    @Test
    void bestWithoutBackendsListsTheArtifacts() {
        UnknownProviderException e = assertThrows(UnknownProviderException.class, Quantizers::best);
        assertTrue(e.getMessage().contains("org.quant4j:quant-onnxruntime"), e.getMessage());
        assertTrue(e.getMessage().contains("org.quant4j:quant-tensorrt"), e.getMessage());
    }
}
