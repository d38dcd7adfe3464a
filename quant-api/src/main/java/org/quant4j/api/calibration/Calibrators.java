package org.quant4j.api.calibration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.provider.ProviderRegistry;

/**
 * Look-up of calibrators by name, e.g. {@code Calibrators.create("entropy", options)}. Any
 * {@link CalibratorProvider} on the classpath is found by its name; a name that none offers is an
 * {@link org.quant4j.api.provider.UnknownProviderException} listing the names available and, for a
 * built-in method, the artifact to add.
 */
public final class Calibrators {

    private static final String ARTIFACT = "org.quant4j:quant-calibration";

    private Calibrators() {
    }

    private static final class Holder {
        static final ProviderRegistry<CalibratorProvider> REGISTRY = ProviderRegistry.load(CalibratorProvider.class,
                "calibrator", builtInArtifacts());

        private static Map<String, String> builtInArtifacts() {
            Map<String, String> artifacts = new LinkedHashMap<>();
            CalibrationMethod.builtIns().forEach(m -> artifacts.put(m.id(), ARTIFACT));
            return artifacts;
        }
    }

    /**
     * The registry of calibrator providers on quant-api's and the thread's context class loader.
     *
     * @return the shared registry, loaded on first use
     */
    public static ProviderRegistry<CalibratorProvider> registry() {
        return Holder.REGISTRY;
    }

    /**
     * Names of the calibrators on the classpath.
     *
     * @return the lower-case names, in classpath order
     */
    public static List<String> names() {
        return registry().names();
    }

    /**
     * The provider named {@code name}.
     *
     * @param name the calibrator name, e.g. {@code entropy}, case-insensitive
     * @return the available provider
     * @throws org.quant4j.api.provider.UnknownProviderException when no provider has that name
     */
    public static CalibratorProvider provider(String name) {
        return registry().get(name);
    }

    /**
     * A new calibrator named {@code name} with the given options.
     *
     * @param name the calibrator name, e.g. {@code percentile}, case-insensitive
     * @param options the options, each of which the calibrator must support
     * @return a fresh calibrator, with nothing observed
     * @throws org.quant4j.api.provider.UnknownProviderException when no provider has that name
     * @throws org.quant4j.api.InvalidInputException when an option is not supported or invalid
     */
    public static Calibrator create(String name, CalibratorOptions options) {
        CalibratorProvider p = registry().get(name);
        options.requireOnly(p.supportedOptions(), p.name());
        return p.create(options);
    }

    /**
     * A new calibrator named {@code name} with default options.
     *
     * @param name the calibrator name, case-insensitive
     * @return a fresh calibrator, with nothing observed
     * @throws org.quant4j.api.provider.UnknownProviderException when no provider has that name
     */
    public static Calibrator create(String name) {
        return create(name, CalibratorOptions.empty());
    }

    /**
     * A new calibrator for {@code method}.
     *
     * @param method the calibration method, whose id names the calibrator
     * @param options the options, each of which the calibrator must support
     * @return a fresh calibrator, with nothing observed
     * @throws org.quant4j.api.provider.UnknownProviderException when no provider offers the method
     */
    public static Calibrator create(CalibrationMethod method, CalibratorOptions options) {
        return create(method.id(), options);
    }
}
