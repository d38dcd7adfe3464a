package org.quant4j.onnx.quantize;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.quant4j.api.TensorRange;

/**
 * Ranges a {@link TensorCalibration} calibrated.
 *
 * @param ranges  range of every observed tensor that holds float32 values, in observation order
 * @param samples number of samples run
 * @param time    wall time of the calibration run
 */
public record CalibratedRanges(Map<String, TensorRange> ranges, long samples, Duration time) {

    public CalibratedRanges {
        ranges = Collections.unmodifiableMap(new LinkedHashMap<>(ranges));
        Objects.requireNonNull(time, "time");
    }
}
