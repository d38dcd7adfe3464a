package org.quant4j.qat.sensitivity;

import org.quant4j.api.provider.Availability;
import org.quant4j.qat.quantize.QatQuantizerProvider;
import org.quant4j.sensitivity.gradient.GradientEstimator;
import org.quant4j.sensitivity.gradient.GradientEstimatorProvider;

/**
 * The {@code "fisher"} gradient estimator of the sensitivity analysis ({@link FisherEstimator}),
 * found through {@code META-INF/services}. Loads no native code: libtorch loads when it first runs.
 */
public final class FisherEstimatorProvider implements GradientEstimatorProvider {

    /** The estimator's name. */
    public static final String NAME = "fisher";

    @Override
    public String name() {
        return NAME;
    }

    /** Available where quantization-aware training is: it needs the same DJL PyTorch engine. */
    @Override
    public Availability availability() {
        return new QatQuantizerProvider().availability();
    }

    @Override
    public GradientEstimator create() {
        return new FisherEstimator();
    }
}
