package org.quant4j.api.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorOverride;
import org.quant4j.api.data.TinyDataset;

class CalibrationRequestTest {

    private static CalibrationRequest.Builder valid() {
        return CalibrationRequest.builder().model(Path.of("model.onnx")).data(new TinyDataset(4, 0));
    }

    private static String error(CalibrationRequest.Builder b) {
        return assertThrows(InvalidInputException.class, b::build).getMessage();
    }

    @Test
    void defaultsAreTheQuantizerTensorsBatch32AndNoObserver() {
        CalibrationRequest r = valid().build();
        assertEquals(TensorSelection.quantizerTensors(), r.tensors());
        assertEquals(32, r.batchSize());
        assertEquals(0, r.threads());
        assertEquals(Optional.empty(), r.observer());
        assertEquals(new ModelSource.File(Path.of("model.onnx")), r.model());
        assertEquals("model.onnx", r.model().name());
    }

    @Test
    void missingModelOrDataSaysWhatToSet() {
        assertTrue(error(CalibrationRequest.builder().data(new TinyDataset(4, 0))).contains("No model given"));
        assertTrue(error(CalibrationRequest.builder().model(Path.of("m.onnx"))).contains("No calibration data"));
    }

    @Test
    void emptyDataIsRefusedWithItsFingerprint() {
        assertTrue(error(valid().data(new TinyDataset(0, 0))).contains("tiny-0-0 holds no samples"));
    }

    @Test
    void batchSizeAndThreadsAreChecked() {
        assertEquals("Batch size must be > 0, got 0", error(valid().batchSize(0)));
        assertEquals("Threads must be >= 0 (0 lets the backend choose), got -1", error(valid().threads(-1)));
    }

    @Test
    void explicitSelectionRejectsEmptyBlankAndRepeatedNames() {
        assertThrows(InvalidInputException.class, () -> TensorSelection.of(List.of()));
        assertThrows(InvalidInputException.class, () -> TensorSelection.of("a", " "));
        InvalidInputException twice = assertThrows(InvalidInputException.class, () -> TensorSelection.of("a", "b", "a"));
        assertTrue(twice.getMessage().contains("'a' is named twice"), twice.getMessage());
        assertEquals(List.of("b", "a"), TensorSelection.of("b", "a").names());
        assertThrows(InvalidInputException.class,
                () -> new TensorSelection(TensorSelection.Kind.ALL_FLOAT, List.of("a")));
    }

    @Test
    void inMemoryModelIsCopiedAndNeedsANameAndBytes() {
        byte[] bytes = {1, 2, 3};
        ModelSource.Bytes source = (ModelSource.Bytes) ModelSource.bytes("g", bytes);
        bytes[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, source.toByteArray());
        assertEquals(source, ModelSource.bytes("g", new byte[] {1, 2, 3}));
        assertThrows(InvalidInputException.class, () -> ModelSource.bytes(" ", new byte[] {1}));
        assertThrows(InvalidInputException.class, () -> ModelSource.bytes("g", new byte[0]));
    }

    @Test
    void aTensorIsCalibratedForItsOverridesSchemeElseTheConfigs() {
        QuantizationConfig config = QuantizationConfig.builder().activationScheme(QuantScheme.UINT8_ASYMMETRIC)
                .tensorOverride("x", TensorOverride.withScheme(QuantScheme.INT8_SYMMETRIC))
                .tensorOverride("y", TensorOverride.floatOnly())
                .build();
        assertEquals(QuantScheme.INT8_SYMMETRIC, config.activationScheme("x"));
        assertEquals(QuantScheme.UINT8_ASYMMETRIC, config.activationScheme("y"));
        assertEquals(QuantScheme.UINT8_ASYMMETRIC, config.activationScheme("z"));
    }
}
