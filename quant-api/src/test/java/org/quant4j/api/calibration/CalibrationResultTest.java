package org.quant4j.api.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.TensorRange;

class CalibrationResultTest {

    private static CalibrationResult result() {
        return CalibrationResult.builder()
                .method("percentile")
                .calibratorOptions(CalibratorOptions.parse("percentile=99.9"))
                .dataFingerprint("tiny-4-0")
                .samples(4)
                .range("b", new TensorRange(-1, 2), QuantScheme.UINT8_ASYMMETRIC)
                .range("a", TensorRange.symmetric(3), QuantScheme.INT8_SYMMETRIC)
                .build();
    }

    @Test
    void rangesKeepTheirCalibrationOrderWithTheirSchemes() {
        CalibrationResult r = result();
        assertEquals(List.of("b", "a"), List.copyOf(r.ranges().keySet()));
        assertEquals(QuantScheme.INT8_SYMMETRIC, r.scheme("a"));
        assertEquals(List.of("b", "a"), List.copyOf(r.schemes().keySet()));
    }

    @Test
    void eachTensorsOptionsAddTheSymmetryOfItsScheme() {
        CalibrationResult r = result();
        assertEquals(Map.of("percentile", "99.9"), r.calibratorOptions().asMap());
        assertEquals(Map.of("percentile", "99.9", "symmetric", "true"), r.calibratorOptions("a").asMap());
        assertEquals(Map.of("percentile", "99.9", "symmetric", "false"), r.calibratorOptions("b").asMap());
    }

    @Test
    void aTensorNotCalibratedIsNamedWithTheCalibratedOnes() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> result().scheme("c"));
        assertEquals("Tensor 'c' was not calibrated; calibrated tensors: [b, a]", e.getMessage());
    }

    @Test
    void methodAndFingerprintAreRequired() {
        assertThrows(InvalidInputException.class, () -> CalibrationResult.builder().dataFingerprint("f").build());
        assertThrows(InvalidInputException.class, () -> CalibrationResult.builder().method("minmax").build());
        InvalidInputException negative = assertThrows(InvalidInputException.class,
                () -> CalibrationResult.builder().method("minmax").dataFingerprint("f").samples(-1).build());
        assertTrue(negative.getMessage().contains("-1"));
    }
}
