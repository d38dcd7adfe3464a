package org.quant4j.api.evaluate;

import java.util.List;
import java.util.Map;
import org.quant4j.api.provider.ProviderRegistry;

/**
 * Look-up of evaluator backends by name, e.g. {@code Evaluators.get("onnxruntime")}. The system
 * property {@value ProviderRegistry#DEFAULT_BACKEND_PROPERTY} names the backend {@link #best()}
 * returns.
 */
public final class Evaluators {

    private Evaluators() {
    }

    private static final class Holder {
        static final ProviderRegistry<EvaluatorProvider> REGISTRY = ProviderRegistry.load(EvaluatorProvider.class,
                "evaluator", Map.of("onnxruntime", "org.quant4j:quant-onnxruntime",
                        "tensorrt", "org.quant4j:quant-tensorrt"))
                .withDefaultProperty(ProviderRegistry.DEFAULT_BACKEND_PROPERTY);
    }

    /**
     * The registry of evaluator providers on quant-api's and the thread's context class loader.
     *
     * @return the shared registry, loaded on first use, with {@value ProviderRegistry#DEFAULT_BACKEND_PROPERTY}
     *     as its default property
     */
    public static ProviderRegistry<EvaluatorProvider> registry() {
        return Holder.REGISTRY;
    }

    /**
     * Names of the evaluators on the classpath.
     *
     * @return the lower-case names, in classpath order
     */
    public static List<String> names() {
        return registry().names();
    }

    /**
     * A new evaluator of the backend named {@code name}, which must be available here.
     *
     * @param name the backend name, e.g. {@code onnxruntime}, case-insensitive
     * @return a fresh evaluator
     * @throws org.quant4j.api.provider.UnknownProviderException when no provider has that name
     * @throws org.quant4j.api.provider.ProviderUnavailableException when it cannot work here
     */
    public static Evaluator get(String name) {
        return registry().get(name).create();
    }

    /**
     * A new evaluator of the backend {@value ProviderRegistry#DEFAULT_BACKEND_PROPERTY} names when
     * that property is set, else of the best available backend.
     *
     * @return a fresh evaluator
     * @throws org.quant4j.api.provider.UnknownProviderException when no backend is usable, or the
     *     property names none on the classpath
     */
    public static Evaluator best() {
        return registry().best().create();
    }
}
