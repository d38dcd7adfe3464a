package org.quant4j.sensitivity.gradient;

import org.quant4j.api.provider.NamedProvider;

/**
 * Makes {@link GradientEstimator}s, found by name through {@code META-INF/services} (quant-qat's
 * {@code "fisher"}). Cheap to instantiate: no native code loads before an estimator runs.
 */
public interface GradientEstimatorProvider extends NamedProvider {

    /** A new estimator; natives load here at the latest. */
    GradientEstimator create();
}
