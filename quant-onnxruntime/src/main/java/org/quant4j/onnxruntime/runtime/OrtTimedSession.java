package org.quant4j.onnxruntime.runtime;

import java.nio.file.Path;
import java.util.Arrays;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Batch;
import org.quant4j.api.evaluate.TimedSession;
import org.quant4j.calibration.data.UniformNoiseDataset;

/**
 * A model opened on ONNX Runtime with all graph optimisations for timing, its idle threads
 * sleeping rather than spinning so that sessions timed in turn do not slow each other. Inputs are seeded
 * uniform noise in [0, 1) of the model's single input shape, made once per batch size.
 */
public final class OrtTimedSession implements TimedSession {

    private static final long SEED = 20261123L;

    private final OrtRunner runner;
    private final int[] sampleShape;
    private Batch batch;

    private OrtTimedSession(OrtRunner runner, int[] sampleShape) {
        this.runner = runner;
        this.sampleShape = sampleShape;
    }

    /** Opens {@code model} with {@code threads} intra-op threads (0: ONNX Runtime chooses) and ALL optimisations. */
    public static OrtTimedSession open(Path model, int threads) {
        OrtRunner runner = OrtRunner.open(model, RunnerOptions.builder()
                .intraOpThreads(threads)
                .interOpThreads(1)
                .optimization(OptimizationLevel.ALL)
                // Several sessions are timed in turn: spinning idle threads of one would slow the next.
                .spinning(false)
                .build());
        try {
            if (runner.inputNames().size() != 1) {
                throw new InvalidInputException("Timing needs a model with one input; " + model + " has "
                        + runner.inputNames());
            }
            long[] shape = runner.inputShape(runner.inputNames().get(0));
            int[] sample = new int[shape.length - 1];
            for (int i = 1; i < shape.length; i++) {
                if (shape[i] <= 0) {
                    throw new InvalidInputException("Input of " + model + " has a dynamic dimension "
                            + Arrays.toString(shape) + ": timing needs a fixed sample shape");
                }
                sample[i - 1] = Math.toIntExact(shape[i]);
            }
            return new OrtTimedSession(runner, sample);
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
    }

    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public double[] time(int batchSize, int warmup, int iterations) {
        if (batchSize <= 0 || warmup < 0 || iterations <= 0) {
            throw new IllegalArgumentException("Need batchSize > 0, warmup >= 0 and iterations > 0, got "
                    + batchSize + ", " + warmup + ", " + iterations);
        }
        if (batch == null || batch.size() != batchSize) {
            batch = new UniformNoiseDataset(batchSize, sampleShape, SEED, 0f, 1f).batches(batchSize).next();
        }
        return time(() -> runner.run(batch), warmup, iterations);
    }

    /**
     * Wall-clock milliseconds of {@code iterations} calls of {@code run}, after {@code warmup} calls
     * not timed: how every timing of this class is taken, for callers that run a batch of their own.
     */
    public static double[] time(Runnable run, int warmup, int iterations) {
        for (int i = 0; i < warmup; i++) {
            run.run();
        }
        double[] millis = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            run.run();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        return millis;
    }

    @Override
    public void close() {
        runner.close();
    }
}
