package org.quant4j.mixedprecision;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.Precision;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.evaluate.TimedSession;

/**
 * Latency on a backend other than ONNX Runtime's CPU provider, from the wall clock of its timed
 * sessions ({@link Evaluator#openTimed}): TensorRT on a GPU, where an ONNX model is built into a
 * strongly typed engine, so that its INT8 (Q/DQ), float16 and float32 layers each run on their own
 * kernels. A variant's time is the least wall-clock time of one batch of seeded noise over the
 * measured runs; such a backend reports no per-node boundaries, so the cost model's corrections for
 * touching float islands come from shared float layers alone. The evaluator is looked up by name
 * when the meter is made: an unknown backend, or one that cannot run here (TensorRT without a GPU),
 * fails then, before any calibration, with the provider's typed error. An evaluator that runs here
 * but cannot time models at all fails at its first timing, with its {@code QuantException}.
 */
final class EvaluatorLatency implements LatencyMeter {

    private final Evaluator evaluator;
    private final int batchSize;
    private final int threads;
    private final int warmup;
    private final int runs;

    /**
     * @param backend   the evaluator's name, e.g. {@code tensorrt}
     * @param batchSize samples per timed batch
     * @param threads   threads, 0 to let the backend choose (a GPU backend ignores it)
     * @param warmup    runs left out as warm-up
     * @param runs      runs measured per variant
     * @throws org.quant4j.api.provider.UnknownProviderException when no evaluator has that name
     * @throws org.quant4j.api.provider.ProviderUnavailableException when it cannot run on this machine
     * @throws InvalidInputException when a count is out of range
     */
    EvaluatorLatency(String backend, int batchSize, int threads, int warmup, int runs) {
        if (runs <= 0 || warmup < 0 || batchSize <= 0) {
            throw new InvalidInputException("Timing needs runs > 0, warmup >= 0 and a positive batch, got " + runs
                    + ", " + warmup + " and " + batchSize);
        }
        this.evaluator = Evaluators.get(backend);
        this.batchSize = batchSize;
        this.threads = threads;
        this.warmup = warmup;
        this.runs = runs;
    }

    /** Opens, times and closes {@code model}: the least milliseconds of the measured runs, as microseconds. */
    @Override
    public Timing timing(Path model) {
        try (TimedSession s = evaluator.openTimed(model, threads)) {
            double[] ms = s.time(batchSize, warmup, runs);
            return new Timing(1000 * Arrays.stream(ms).min().orElseThrow(), Map.of());
        }
    }

    /** Every model timed side by side ({@link MixedPrecision#interleaved}) on batches of noise. */
    @Override
    public MixedPrecision.Timing wallClock(List<Path> models) {
        return MixedPrecision.interleaved(models, m -> {
            TimedSession s = evaluator.openTimed(m, threads);
            return new MixedPrecision.TimedModel(n -> s.time(batchSize, 0, n), batchSize, s);
        });
    }

    @Override
    public Set<Precision> accelerated() {
        return evaluator.acceleratedPrecisions();
    }

    @Override
    public String backend() {
        return evaluator.name();
    }

    @Override
    public void close() {
        evaluator.close();
    }
}
