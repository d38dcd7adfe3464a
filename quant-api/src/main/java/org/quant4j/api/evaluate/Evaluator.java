package org.quant4j.api.evaluate;

/** Runs a model on labelled data and reports predictions and metrics. */
public interface Evaluator extends AutoCloseable {

    /** The provider name, e.g. {@code "onnxruntime"}. */
    String name();

    /** Evaluates, streaming the data batch by batch. */
    EvaluationResult evaluate(EvaluationRequest request);

    @Override
    void close();
}
