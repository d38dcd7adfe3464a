package org.quant4j.tensorrt;

import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.EvaluatorProvider;
import org.quant4j.api.provider.Availability;
import org.quant4j.tensorrt.probe.TensorRtProbe;

/**
 * The {@code "tensorrt"} evaluator, found through {@code META-INF/services}; loads no native code
 * to say whether it is available ({@link TensorRtProbe}).
 */
public final class TensorRtEvaluatorProvider implements EvaluatorProvider {

    @Override
    public String name() {
        return TensorRtEvaluator.NAME;
    }

    @Override
    public Availability availability() {
        return TensorRtProbe.host().availability();
    }

    @Override
    public Evaluator create() {
        return new TensorRtEvaluator();
    }
}
