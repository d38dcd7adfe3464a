package org.quant4j.onnxruntime.runtime;

import java.util.Arrays;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Batch;

/**
 * Measures how long an action takes: a number of untimed warm-up runs (to let ONNX Runtime allocate
 * and the JIT compile), then timed runs summarised as min, median, p90, mean and throughput. For
 * quick comparisons inside one process; JMH is the tool for publishable numbers.
 */
public final class LatencyMeter {

    private final int warmupIterations;
    private final int iterations;

    /**
     * @param warmupIterations untimed runs first, {@code >= 0}
     * @param iterations       timed runs, {@code >= 1}
     */
    public LatencyMeter(int warmupIterations, int iterations) {
        if (warmupIterations < 0 || iterations < 1) {
            throw new InvalidInputException("Need >= 0 warm-up runs and >= 1 timed run, got " + warmupIterations
                    + " and " + iterations);
        }
        this.warmupIterations = warmupIterations;
        this.iterations = iterations;
    }

    /** Times {@code runner} on {@code batch}, including the copies of inputs and outputs between Java and native memory. */
    public LatencyReport measure(OrtRunner runner, Batch batch) {
        return measure(batch.size(), () -> runner.run(batch));
    }

    /** Times {@code action}, which processes {@code samplesPerRun} samples per call. */
    public LatencyReport measure(int samplesPerRun, Runnable action) {
        if (samplesPerRun < 1) {
            throw new InvalidInputException("samplesPerRun must be >= 1, got " + samplesPerRun);
        }
        for (int i = 0; i < warmupIterations; i++) {
            action.run();
        }
        long[] t = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            action.run();
            t[i] = System.nanoTime() - start;
        }
        return summarize(samplesPerRun, t);
    }

    /** Summarises per-run times {@code nanos}. */
    static LatencyReport summarize(int samplesPerRun, long[] nanos) {
        long[] t = nanos.clone();
        Arrays.sort(t);
        int n = t.length;
        long total = 0;
        for (long v : t) {
            total += v;
        }
        long median = n % 2 == 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
        long p90 = t[(int) Math.ceil(0.9 * n) - 1];
        double throughput = total == 0 ? Double.POSITIVE_INFINITY : (double) samplesPerRun * n * 1e9 / total;
        return new LatencyReport(n, samplesPerRun, t[0], median, p90, total / n, throughput);
    }
}
