package org.quant4j.api.evaluate;

import java.util.List;
import java.util.Map;
import org.quant4j.api.provider.ProviderRegistry;

/** Look-up of evaluator backends by name, e.g. {@code Evaluators.get("onnxruntime")}. */
public final class Evaluators {

    private Evaluators() {
    }

    private static final class Holder {
        static final ProviderRegistry<EvaluatorProvider> REGISTRY = ProviderRegistry.load(EvaluatorProvider.class,
                Evaluators.class.getClassLoader(), "evaluator", Map.of(
                        "onnxruntime", "org.quant4j:quant-onnxruntime",
                        "tensorrt", "org.quant4j:quant-tensorrt"));
    }

    public static ProviderRegistry<EvaluatorProvider> registry() {
        return Holder.REGISTRY;
    }

    public static List<String> names() {
        return registry().names();
    }

    /** A new evaluator of the backend named {@code name}, which must be available here. */
    public static Evaluator get(String name) {
        return registry().get(name).create();
    }

    /** A new evaluator of the best available backend. */
    public static Evaluator best() {
        return registry().best().create();
    }
}
