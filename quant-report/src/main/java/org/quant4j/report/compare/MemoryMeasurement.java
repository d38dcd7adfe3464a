package org.quant4j.report.compare;

import java.util.Objects;
import java.util.OptionalLong;
import org.quant4j.api.InvalidInputException;

/**
 * Peak memory while a model ran, with a plain statement of what was measured (for example
 * "rise of the peak resident set (VmHWM) of a fresh JVM that opened only this model and ran it at
 * batch 1 and batch 32, above its resident set before opening it"), because numbers from different
 * measurement methods are not comparable.
 *
 * @param peakBytes     the peak, in bytes
 * @param baselineBytes what the measuring process held before the model was opened (not part of
 *                      {@code peakBytes}), when known
 * @param description   what was measured and how
 */
public record MemoryMeasurement(long peakBytes, OptionalLong baselineBytes, String description) {

    public MemoryMeasurement {
        if (peakBytes < 0) {
            throw new InvalidInputException("Peak memory must be >= 0 bytes, got " + peakBytes);
        }
        Objects.requireNonNull(baselineBytes, "baselineBytes");
        if (baselineBytes.isPresent() && baselineBytes.getAsLong() < 0) {
            throw new InvalidInputException("Baseline memory must be >= 0 bytes, got " + baselineBytes.getAsLong());
        }
        Objects.requireNonNull(description, "description");
        if (description.isBlank()) {
            throw new InvalidInputException("Say what the peak memory measures, e.g. "
                    + "\"peak RSS of the process running only this model\"");
        }
    }

    /** A peak without a recorded baseline. */
    public MemoryMeasurement(long peakBytes, String description) {
        this(peakBytes, OptionalLong.empty(), description);
    }
}
