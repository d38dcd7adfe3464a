package org.quant4j.sensitivity.gradient;

import java.util.List;
import java.util.Map;

import org.quant4j.api.provider.ProviderRegistry;

/** Look-up of gradient estimators by name, e.g. {@code GradientEstimators.get("fisher")}. */
public final class GradientEstimators {

    private GradientEstimators() {
    }

    private static final class Holder {
        static final ProviderRegistry<GradientEstimatorProvider> REGISTRY = ProviderRegistry.load(
                GradientEstimatorProvider.class, "gradient estimator", Map.of("fisher", "org.quant4j:quant-qat"));
    }

    /** The registry of gradient estimator providers. */
    public static ProviderRegistry<GradientEstimatorProvider> registry() {
        return Holder.REGISTRY;
    }

    /** Names of the gradient estimators on the classpath. */
    public static List<String> names() {
        return registry().names();
    }

    /**
     * A new estimator named {@code name}.
     *
     * @throws org.quant4j.api.provider.UnknownProviderException     when none has that name (the
     *         message names the artifact to add)
     * @throws org.quant4j.api.provider.ProviderUnavailableException when it cannot run here
     */
    public static GradientEstimator get(String name) {
        return registry().get(name).create();
    }
}
