package org.quant4j.sensitivity;

import java.time.Duration;
import java.util.Objects;

/**
 * The time of one pass over the evaluation data, split into a fixed part, paid once whatever the
 * number of samples (building and writing a model, opening its session, the first batch's extra
 * cost of allocating the runtime's buffers, closing), and the per-batch part, from the steady rate
 * of the batches after the first.
 *
 * @param total     the whole pass
 * @param fixed     {@code total} minus {@code samples} times the steady time per sample (at least 0)
 * @param samples   samples of the pass
 * @param batchSize samples of a full batch
 */
public record PassTime(Duration total, Duration fixed, int samples, int batchSize) {

    public PassTime {
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(fixed, "fixed");
        if (fixed.isNegative() || fixed.compareTo(total) > 0 || samples <= 0 || batchSize <= 0) {
            throw new IllegalArgumentException("A pass of " + total + " needs 0 <= fixed <= total, samples > 0 and"
                    + " batchSize > 0, got fixed " + fixed + ", " + samples + " samples, batches of " + batchSize);
        }
    }

    /** The steady time of one full batch. */
    public Duration perBatch() {
        return total.minus(fixed).multipliedBy(batchSize).dividedBy(samples);
    }

    /** The batches of the pass, the last one possibly shorter. */
    public int batches() {
        return (samples + batchSize - 1) / batchSize;
    }
}
