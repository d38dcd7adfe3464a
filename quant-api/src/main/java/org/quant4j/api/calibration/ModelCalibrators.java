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

    public static ProviderRegistry<ModelCalibratorProvider> registry() {
        return Holder.REGISTRY;
    }

    public static List<String> names() {
        return registry().names();
    }

    /** A new calibrator of the backend named {@code name}, which must be available here. */
    public static ModelCalibrator get(String name) {
        return registry().get(name).create();
    }

    /** A new calibrator of the best available backend. */
    public static ModelCalibrator best() {
        return registry().best().create();
    }
}
