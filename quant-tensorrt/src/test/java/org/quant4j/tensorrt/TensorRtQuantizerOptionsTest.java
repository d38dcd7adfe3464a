package org.quant4j.tensorrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.calibration.table.TensorRtCalibrationCache.Algorithm;

/** How the {@code tensorrt} quantizer turns a quant4j config into build options (no GPU involved). */
class TensorRtQuantizerOptionsTest {

    private static QuantizationConfig.Builder config(QuantizationMode mode) {
        return QuantizationConfig.builder().mode(mode);
    }

    @Test
    void aStaticConfigOnAQdqModelIsExplicitInt8StronglyTyped() {
        TensorRtOptions o = TensorRtQuantizer.options(config(QuantizationMode.STATIC).build(), true, 16);
        assertEquals(EnginePrecision.EXPLICIT_INT8, o.precision());
        assertTrue(o.stronglyTyped());
        assertEquals(16, o.batchSize());
    }

    @Test
    void aStaticConfigOnAFloatModelCalibratesWithTheConfigsMethod() {
        TensorRtOptions entropy = TensorRtQuantizer.options(config(QuantizationMode.STATIC)
                .calibrationMethod(CalibrationMethod.ENTROPY).build(), false, 8);
        assertEquals(EnginePrecision.IMPLICIT_INT8, entropy.precision());
        assertEquals(Algorithm.ENTROPY_CALIBRATION_2, entropy.calibrator());
        TensorRtOptions minmax = TensorRtQuantizer.options(config(QuantizationMode.STATIC)
                .calibrationMethod(CalibrationMethod.MIN_MAX).build(), false, 8);
        assertEquals(Algorithm.MIN_MAX_CALIBRATION, minmax.calibrator());
        assertThrows(InvalidInputException.class, () -> TensorRtQuantizer.options(config(QuantizationMode.STATIC)
                .calibrationMethod(CalibrationMethod.PERCENTILE).build(), false, 8));
    }

    @Test
    void excludedNodesRunInFp32InAWeaklyTypedNetwork() {
        TensorRtOptions o = TensorRtQuantizer.options(config(QuantizationMode.STATIC).excludeNode("/fc/Gemm").build(),
                true, 8);
        assertFalse(o.stronglyTyped());
        assertEquals(Map.of("/fc/Gemm", LayerPrecision.FP32), o.layerPrecisions());
    }

    @Test
    void fp16IsFp16AndDynamicIsRefused() {
        assertEquals(EnginePrecision.FP16, TensorRtQuantizer.options(config(QuantizationMode.FP16).build(), false, 8)
                .precision());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TensorRtQuantizer.options(config(QuantizationMode.DYNAMIC).build(), false, 8));
        assertTrue(e.getMessage().startsWith("TensorRT has no dynamic quantization"), e.getMessage());
    }
}
