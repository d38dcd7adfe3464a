package org.quant4j.tensorrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.calibration.table.TensorRtCalibrationCache.Algorithm;

class TensorRtOptionsTest {

    private static String rejected(TensorRtOptions.Builder b) {
        return assertThrows(InvalidInputException.class, b::build).getMessage();
    }

    @Test
    void explicitInt8AndFp32AreStronglyTypedByDefaultTheOthersAreNot() {
        assertTrue(TensorRtOptions.builder(EnginePrecision.EXPLICIT_INT8).build().stronglyTyped());
        assertTrue(TensorRtOptions.builder(EnginePrecision.FP32).build().stronglyTyped());
        assertFalse(TensorRtOptions.builder(EnginePrecision.FP16).build().stronglyTyped());
        assertFalse(TensorRtOptions.builder(EnginePrecision.IMPLICIT_INT8).build().stronglyTyped());
    }

    @Test
    void strongTypingCannotBeAskedOfFp16OrCalibratedInt8() {
        assertTrue(rejected(TensorRtOptions.builder(EnginePrecision.FP16).stronglyTyped(true))
                .startsWith("A strongly typed network takes every type from the ONNX model, so it cannot be built as FP16"));
        assertTrue(rejected(TensorRtOptions.builder(EnginePrecision.IMPLICIT_INT8).stronglyTyped(true))
                .contains("cannot be built as IMPLICIT_INT8"));
    }

    @Test
    void fp16BesideInt8NeedsAWeaklyTypedInt8Engine() {
        assertTrue(rejected(TensorRtOptions.builder(EnginePrecision.EXPLICIT_INT8).allowFp16(true))
                .startsWith("FP16 kernels beside INT8 need a weakly typed network"));
        assertTrue(TensorRtOptions.builder(EnginePrecision.EXPLICIT_INT8).stronglyTyped(false).allowFp16(true).build()
                .allowFp16());
        assertTrue(rejected(TensorRtOptions.builder(EnginePrecision.FP32).stronglyTyped(false).allowFp16(true))
                .contains("for FP32 choose precision FP16 instead"));
    }

    @Test
    void layerPrecisionsAreCheckedAgainstThePrecisionPath() {
        TensorRtOptions ok = TensorRtOptions.builder(EnginePrecision.IMPLICIT_INT8)
                .layerPrecision("/conv1/Conv", LayerPrecision.FP32).layerPrecision("/fc/Gemm", LayerPrecision.INT8)
                .build();
        assertEquals(Map.of("/conv1/Conv", LayerPrecision.FP32, "/fc/Gemm", LayerPrecision.INT8), ok.layerPrecisions());
        assertTrue(rejected(TensorRtOptions.builder(EnginePrecision.EXPLICIT_INT8)
                .layerPrecision("a", LayerPrecision.FP32)).contains("turn strong typing off to set layer precisions"));
        assertTrue(rejected(TensorRtOptions.builder(EnginePrecision.EXPLICIT_INT8).stronglyTyped(false)
                .layerPrecision("a", LayerPrecision.INT8)).contains("only implicit INT8 calibration decides per layer"));
        assertTrue(rejected(TensorRtOptions.builder(EnginePrecision.IMPLICIT_INT8)
                .layerPrecision("a", LayerPrecision.FP16)).contains("has no FP16 kernels"));
        assertTrue(rejected(TensorRtOptions.builder(EnginePrecision.FP16).layerPrecision("a", LayerPrecision.BF16))
                .contains("can be constrained to fp32, fp16 or int8"));
        TensorRtOptions.Builder twice = TensorRtOptions.builder(EnginePrecision.FP16).layerPrecision("a",
                LayerPrecision.FP32);
        assertThrows(InvalidInputException.class, () -> twice.layerPrecision("a", LayerPrecision.FP16));
    }

    @Test
    void numericSettingsHaveTheirRanges() {
        assertTrue(rejected(TensorRtOptions.builder(EnginePrecision.FP16).batchSize(0)).contains("positive, got 0"));
        assertTrue(rejected(TensorRtOptions.builder(EnginePrecision.FP16).workspaceBytes(1000))
                .contains("at least 1 MiB"));
        assertTrue(rejected(TensorRtOptions.builder(EnginePrecision.FP16).optimizationLevel(6)).contains("0 to 5, got 6"));
        assertEquals(5, TensorRtOptions.builder(EnginePrecision.FP16).optimizationLevel(5).build().optimizationLevel());
    }

    @Test
    void aCalibrationCacheBelongsToImplicitInt8AndOnlyItsTwoCalibrators() {
        assertTrue(rejected(TensorRtOptions.builder(EnginePrecision.FP16).calibrationCache(Path.of("x.cache")))
                .contains("belongs to implicit INT8 calibration"));
        assertTrue(rejected(TensorRtOptions.builder(EnginePrecision.IMPLICIT_INT8)
                .calibrator(Algorithm.LEGACY_CALIBRATION)).contains("not LegacyCalibration"));
        assertEquals(Algorithm.MIN_MAX_CALIBRATION, TensorRtOptions.builder(EnginePrecision.IMPLICIT_INT8)
                .calibrator(Algorithm.MIN_MAX_CALIBRATION).build().calibrator());
    }

    @Test
    void quant4jMethodsMapToTensorRtCalibrators() {
        assertEquals(Algorithm.ENTROPY_CALIBRATION_2, TensorRtOptions.calibratorOf(CalibrationMethod.ENTROPY));
        assertEquals(Algorithm.MIN_MAX_CALIBRATION, TensorRtOptions.calibratorOf(CalibrationMethod.MIN_MAX));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TensorRtOptions.calibratorOf(CalibrationMethod.of("percentile")));
        assertTrue(e.getMessage().contains("not percentile: use --method entropy or --method minmax"), e.getMessage());
    }
}
