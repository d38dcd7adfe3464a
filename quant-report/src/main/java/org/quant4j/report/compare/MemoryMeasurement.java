package org.quant4j.report.compare;

import java.util.Objects;
import org.quant4j.api.InvalidInputException;

/**
 * Peak memory while a model ran, with a plain statement of what was measured (for example
 * "peak resident set size (VmHWM) of a fresh JVM that loaded only this model and ran the timed
 * batches"), because numbers from different measurement methods are not comparable.
 *
 * @param peakBytes   the peak, in bytes
 * @param description what was measured and how
 */
public record MemoryMeasurement(long peakBytes, String description) {

    public MemoryMeasurement {
        if (peakBytes < 0) {
            throw new InvalidInputException("Peak memory must be >= 0 bytes, got " + peakBytes);
        }
        Objects.requireNonNull(description, "description");
        if (description.isBlank()) {
            throw new InvalidInputException("Say what the peak memory measures, e.g. "
                    + "\"peak RSS of the process running only this model\"");
        }
    }
}
