package org.quant4j.mixedprecision;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.quant4j.api.Precision;

/**
 * Measures model files on the runtime that will run them: the cost model's latency of each variant
 * and the side-by-side wall clock of the models a search compares. Two kinds:
 * {@link LatencyProfiler} (ONNX Runtime's CPU provider, from its per-node profile) and
 * {@link EvaluatorLatency} (any other backend that can time models, TensorRT on a GPU, from the wall
 * clock of its timed sessions).
 */
interface LatencyMeter extends AutoCloseable {

    /**
     * One model's measured time.
     *
     * @param micros     the least time of one batch, in microseconds (the summed node kernel times for a
     *                   profile, the wall clock otherwise)
     * @param boundaries mean time of each standalone quantize/dequantize boundary, by tensor; empty when
     *                   the backend does not report them
     */
    record Timing(double micros, Map<String, Double> boundaries) {

        public Timing {
            boundaries = Map.copyOf(boundaries);
        }
    }

    /** The time of {@code model}. */
    Timing timing(Path model);

    /**
     * The least wall-clock milliseconds of one batch of each of {@code models}, timed side by side in
     * interleaved rounds, so that a change of load falls on every model alike.
     */
    MixedPrecision.Timing wallClock(List<Path> models);

    /**
     * The precisions below float32 the backend runs faster than float32
     * ({@code Evaluator#acceleratedPrecisions}): which {@link LayerChoice}s are worth offering.
     */
    Set<Precision> accelerated();

    /** The backend, as the result names it: e.g. {@code onnxruntime}. */
    String backend();

    @Override
    void close();
}
