package org.quant4j.api.calibration;

import java.util.List;
import java.util.Map;
import org.quant4j.api.provider.ProviderRegistry;

/** Look-up of model calibrator backends by name, e.g. {@code ModelCalibrators.get("onnxruntime")}. */
public final class ModelCalibrators {

    private ModelCalibrators() {
    }

    private static final class Holder {
        static final ProviderRegistry<ModelCalibratorProvider> REGISTRY = ProviderRegistry.load(
                ModelCalibratorProvider.class, ModelCalibrators.class.getClassLoader(), "model calibrator",
                Map.of("onnxruntime", "org.quant4j:quant-onnxruntime"));
    }

    /**
     * The registry of model-calibrator providers on quant-api's and the thread's context class loader.
     *
     * @return the shared registry, loaded on first use
     */
    public static ProviderRegistry<ModelCalibratorProvider> registry() {
        return Holder.REGISTRY;
    }

    /**
     * Names of the model calibrators on the classpath.
     *
     * @return the lower-case names, in classpath order
     */
    public static List<String> names() {
        return registry().names();
    }

    /**
     * A new calibrator of the backend named {@code name}, which must be available here.
     *
     * @param name the backend name, e.g. {@code onnxruntime}, case-insensitive
     * @return a fresh model calibrator; the caller closes it
     * @throws org.quant4j.api.provider.UnknownProviderException when no provider has that name
     * @throws org.quant4j.api.provider.ProviderUnavailableException when it cannot work here
     */
    public static ModelCalibrator get(String name) {
        return registry().get(name).create();
    }

    /**
     * A new calibrator of the best available backend.
     *
     * @return a fresh model calibrator; the caller closes it
     * @throws org.quant4j.api.provider.UnknownProviderException when no backend is usable
     */
    public static ModelCalibrator best() {
        return registry().best().create();
    }
}
