package org.quant4j.sensitivity.gradient;

import java.time.Duration;

/** A test estimator that, like an engine lacking one of the model's ops, cannot run any model. */
public final class UnsupportedEstimatorProvider implements GradientEstimatorProvider {

    static final String NAME = "unsupported-test";
    static final String REASON = "node 'classifier' is Gemm, which this test estimator does not run";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GradientEstimator create() {
        return new GradientEstimator() {
            @Override
            public GradientEstimate estimate(GradientRequest request) {
                return GradientEstimate.unsupported(NAME, request.objective(), REASON, Duration.ZERO);
            }

            @Override
            public void close() {
            }
        };
    }
}
