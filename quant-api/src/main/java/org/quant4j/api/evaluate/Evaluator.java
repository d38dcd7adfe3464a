package org.quant4j.api.evaluate;

import java.util.Set;
import org.quant4j.api.Precision;

/**
 * Runs a model on labelled data and reports predictions and metrics ({@link #evaluate}), or
 * compares a model with its reference model on any data ({@link #fidelity}).
 */
public interface Evaluator extends AutoCloseable {

    /**
     * The provider name, e.g. {@code "onnxruntime"}.
     *
     * @return the provider name
     */
    String name();

    /**
     * The precisions below float32 that this backend runs faster than float32 layer by layer, so that a
     * precision search ({@code quant-mixedprecision}) may offer them per layer: {@code INT8} where the
     * backend has integer kernels for Q/DQ models, {@code FP16} where it has fast half-precision
     * kernels (a GPU), nothing when it runs every model in float32. A precision left out may still run
     * (ONNX Runtime's CPU provider runs a float16 model by casting to float32), just not faster.
     *
     * @return the accelerated precisions; empty by default
     */
    default Set<Precision> acceleratedPrecisions() {
        return Set.of();
    }

    /**
     * Evaluates, streaming the data batch by batch.
     *
     * @param request the model, labelled data and settings
     * @return the predictions and metrics
     */
    EvaluationResult evaluate(EvaluationRequest request);

    /**
     * Compares the request's model with its reference model on the same samples, streaming the data
     * batch by batch: per output the SQNR, cosine similarity, absolute errors and argmax agreement,
     * and the request's task metrics, each with a bootstrap interval over samples (the numbers of
     * {@link FidelityAccumulator}). The data need not be labelled.
     *
     * @param request the model, reference model, data and settings
     * @return the per-output and task metrics with their intervals
     * @throws org.quant4j.api.QuantException when this backend cannot compare models
     */
    default FidelityResult fidelity(FidelityRequest request) {
        throw new org.quant4j.api.QuantException("Evaluator '" + name() + "' cannot compare a model with its"
                + " reference: use the onnxruntime evaluator (org.quant4j:quant-onnxruntime)");
    }

    /**
     * Opens {@code model} for timed inference with {@code threads} intra-op threads (0 lets the
     * backend choose) and the backend's full optimisations, as a deployment would run it.
     *
     * @param model the model file
     * @param threads intra-op threads, or 0
     * @return an open session; the caller closes it
     * @throws org.quant4j.api.QuantException when this backend cannot time models
     */
    default TimedSession openTimed(java.nio.file.Path model, int threads) {
        throw new org.quant4j.api.QuantException("Evaluator '" + name() + "' cannot time models: use the"
                + " onnxruntime evaluator (org.quant4j:quant-onnxruntime) for latency and throughput");
    }

    @Override
    void close();
}
