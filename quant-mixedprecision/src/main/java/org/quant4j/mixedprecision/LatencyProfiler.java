package org.quant4j.mixedprecision;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.quant4j.api.Precision;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;
import org.quant4j.onnxruntime.runtime.OrtEvaluator;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

/**
 * Measures a model's latency on ONNX Runtime's CPU provider from its per-node profile: one batch of
 * real samples run {@code warmup + runs} times in a profiled session (every optimisation on, as
 * deployment runs it), the least over the last {@code runs} of the summed node kernel times (the
 * least disturbed by other processes on shared cores; the median moves with their load).
 * Summing node times leaves out the session's own overhead, which is the same for every variant,
 * and the per-node trace says where the time goes.
 */
final class LatencyProfiler implements LatencyMeter {

    private final NamedBatch batch;
    private final int batchSize;
    private final int threads;
    private final int warmup;
    private final int runs;
    private final Path dir;

    /**
     * @param data      samples; the first batch of {@code batchSize} is run
     * @param probe     any variant of the model, to shape the batch
     * @param batchSize samples per run
     * @param threads   intra-op threads, 0 to let ONNX Runtime choose
     * @param warmup    runs left out as warm-up
     * @param runs      runs measured
     * @param dir       where the traces are written (and deleted once read)
     */
    LatencyProfiler(Dataset data, Path probe, int batchSize, int threads, int warmup, int runs, Path dir) {
        if (runs <= 0 || warmup < 0) {
            throw new InvalidInputException("Profiling needs runs > 0 and warmup >= 0, got " + runs + " and " + warmup);
        }
        try (OrtRunner r = OrtRunner.open(probe, RunnerOptions.defaults())) {
            this.batch = r.batches(data, batchSize).next();
        }
        this.batchSize = batchSize;
        this.threads = threads;
        this.warmup = warmup;
        this.runs = runs;
        this.dir = dir;
    }

    /** The profile of {@code model}. */
    OrtProfile profile(Path model) {
        RunnerOptions options = RunnerOptions.builder().optimization(OptimizationLevel.ALL).intraOpThreads(threads)
                .interOpThreads(1).spinning(false).profilingPrefix(dir.resolve("profile")).build();
        Path trace;
        try (OrtRunner r = OrtRunner.open(model, options)) {
            for (int i = 0; i < warmup + runs; i++) {
                r.run(batch);
            }
            trace = r.endProfiling();
        }
        try {
            return OrtProfile.read(trace);
        } finally {
            try {
                Files.deleteIfExists(trace);
            } catch (IOException e) {
                // A trace left in the temporary directory is removed with it.
            }
        }
    }

    /**
     * The least summed node time of {@code model} over the measured runs and, from the same profile,
     * the mean time of each quantize/dequantize boundary it ran as a node of its own
     * ({@link OrtProfile#boundaryMicros}), in microseconds.
     */
    @Override
    public Timing timing(Path model) {
        OrtProfile p = profile(model);
        return new Timing(p.minNodeMicros(warmup), p.boundaryMicros(warmup));
    }

    /**
     * The least wall-clock milliseconds of one batch of each of {@code models}, timed side by side in
     * interleaved rounds ({@link MixedPrecision#wallClock}): on noise of {@code batchSize} samples
     * where the models' input can be made of noise, else on this profiler's batch of real samples.
     */
    @Override
    public MixedPrecision.Timing wallClock(List<Path> models) {
        return MixedPrecision.wallClock(models, batchSize, threads, batch);
    }

    /** As the {@code onnxruntime} evaluator says: INT8 ({@link OrtEvaluator#ACCELERATED}). */
    @Override
    public Set<Precision> accelerated() {
        return OrtEvaluator.ACCELERATED;
    }

    @Override
    public String backend() {
        return "onnxruntime";
    }

    /** Nothing to close: each profile opens and closes its own session. */
    @Override
    public void close() {
    }
}
