package org.quant4j.onnxruntime.runtime;

import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.EvaluatorProvider;
import org.quant4j.api.provider.Availability;

/**
 * The {@code "onnxruntime"} evaluator, found through {@code META-INF/services}. Instantiating it
 * loads no native code; {@link #availability()} loads ONNX Runtime on first call and reports a
 * failure as a reason instead of throwing.
 */
public final class OrtEvaluatorProvider implements EvaluatorProvider {

    @Override
    public String name() {
        return OrtEvaluator.NAME;
    }

    /** CPU inference everywhere: above zero so it wins over providers that claim nothing. */
    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Availability availability() {
        return OrtRuntime.availability();
    }

    @Override
    public Evaluator create() {
        OrtRuntime.environment();
        return new OrtEvaluator();
    }
}
