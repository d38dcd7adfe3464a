package org.quant4j.onnxruntime.runtime;

/**
 * Timings of repeated runs, in nanoseconds.
 *
 * @param iterations       timed runs
 * @param samplesPerRun    samples processed by one run (the batch size)
 * @param minNanos         fastest run
 * @param medianNanos      median run (mean of the two middle runs for an even count)
 * @param p90Nanos         90th percentile run (nearest rank)
 * @param meanNanos        mean run
 * @param samplesPerSecond {@code samplesPerRun * iterations} divided by the total timed time
 */
public record LatencyReport(int iterations, int samplesPerRun, long minNanos, long medianNanos, long p90Nanos,
        long meanNanos, double samplesPerSecond) {

    public double medianMillis() {
        return medianNanos / 1e6;
    }

    public double p90Millis() {
        return p90Nanos / 1e6;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "LatencyReport[%d runs of %d samples: median %.3f ms, p90 %.3f ms, min %.3f ms, mean %.3f ms,"
                        + " %.1f samples/s]",
                iterations, samplesPerRun, medianNanos / 1e6, p90Nanos / 1e6, minNanos / 1e6, meanNanos / 1e6,
                samplesPerSecond);
    }
}
