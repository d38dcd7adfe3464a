package org.quant4j.api.quantize;

import java.util.List;
import java.util.Map;
import org.quant4j.api.provider.ProviderRegistry;

/** Look-up of quantizer backends by name, e.g. {@code Quantizers.get("onnxruntime")}. */
public final class Quantizers {

    private Quantizers() {
    }

    private static final class Holder {
        static final ProviderRegistry<QuantizerProvider> REGISTRY = ProviderRegistry.load(QuantizerProvider.class,
                Quantizers.class.getClassLoader(), "quantizer", Map.of(
                        "onnxruntime", "org.quant4j:quant-onnxruntime",
                        "qat", "org.quant4j:quant-qat",
                        "tensorrt", "org.quant4j:quant-tensorrt"));
    }

    public static ProviderRegistry<QuantizerProvider> registry() {
        return Holder.REGISTRY;
    }

    public static List<String> names() {
        return registry().names();
    }

    /** A new quantizer of the backend named {@code name}, which must be available here. */
    public static Quantizer get(String name) {
        return registry().get(name).create();
    }

    /** A new quantizer of the best available backend. */
    public static Quantizer best() {
        return registry().best().create();
    }
}
