package org.quant4j.api.evaluate;

/** Runs a model on labelled data and reports predictions and metrics. */
public interface Evaluator extends AutoCloseable {

    /** The provider name, e.g. {@code "onnxruntime"}. */
    String name();

    /** Evaluates, streaming the data batch by batch. */
    EvaluationResult evaluate(EvaluationRequest request);

    /**
     * Opens {@code model} for timed inference with {@code threads} intra-op threads (0 lets the
     * backend choose) and the backend's full optimisations, as a deployment would run it.
     *
     * @throws org.quant4j.api.QuantException when this backend cannot time models
     */
    default TimedSession openTimed(java.nio.file.Path model, int threads) {
        throw new org.quant4j.api.QuantException("Evaluator '" + name() + "' cannot time models: use the"
                + " onnxruntime evaluator (org.quant4j:quant-onnxruntime) for latency and throughput");
    }

    @Override
    void close();
}
