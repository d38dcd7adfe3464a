package org.quant4j.sensitivity;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

import org.quant4j.api.quantize.ProgressListener;

/**
 * Times a pass from the progress its evaluator reports after each batch, passing the progress on:
 * the steady time per sample is that of the samples after the first batch (whose run also pays the
 * runtime's first allocations), and the rest of the pass is its fixed cost ({@link PassTime}).
 */
final class PassClock implements ProgressListener {

    private final ProgressListener delegate;
    private final LongSupplier nanoTime;
    private final long start;
    private long firstTime;
    private long firstDone;
    private long lastTime;
    private long lastDone;

    /** Starts the clock now. */
    PassClock(ProgressListener delegate) {
        this(delegate, System::nanoTime);
    }

    /** Starts the clock now by {@code nanoTime}. */
    PassClock(ProgressListener delegate, LongSupplier nanoTime) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.nanoTime = nanoTime;
        this.start = nanoTime.getAsLong();
    }

    @Override
    public void onProgress(String stage, long done, long total) {
        long now = nanoTime.getAsLong();
        if (done > 0) {
            if (firstDone == 0) {
                firstDone = done;
                firstTime = now;
            }
            lastDone = done;
            lastTime = now;
        }
        delegate.onProgress(stage, done, total);
    }

    /**
     * Stops the clock: the pass's time split, or empty when fewer than two batches were reported
     * (no steady rate to tell the fixed cost by).
     */
    Optional<PassTime> stop(int batchSize) {
        long total = nanoTime.getAsLong() - start;
        if (lastDone <= firstDone) {
            return Optional.empty();
        }
        double perSample = (double) (lastTime - firstTime) / (lastDone - firstDone);
        long fixed = Math.max(0, Math.min(total, Math.round(total - perSample * lastDone)));
        return Optional.of(new PassTime(Duration.ofNanos(total), Duration.ofNanos(fixed), (int) lastDone,
                batchSize));
    }
}
