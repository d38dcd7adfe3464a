package org.quant4j.onnx.quantize;

import java.util.List;
import java.util.Optional;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorOverride;
import org.quant4j.api.TensorRange;

/** The tensor overrides of a config, as the steps of a {@link QdqPlan} read them. */
final class QdqOverrides {

    private final QuantizationConfig config;

    QdqOverrides(QuantizationConfig config) {
        this.config = config;
    }

    QuantizationConfig config() {
        return config;
    }

    /** The override of {@code tensor}, if any. */
    Optional<TensorOverride> of(String tensor) {
        return Optional.ofNullable(config.tensorOverrides().get(tensor));
    }

    /** True when an override keeps {@code tensor} in float32. */
    boolean keptFloat(String tensor) {
        return of(tensor).map(TensorOverride::keepFloat).orElse(false);
    }

    /** The scheme an override sets for {@code tensor}, if any. */
    Optional<QuantScheme> scheme(String tensor) {
        return of(tensor).flatMap(TensorOverride::scheme);
    }

    /** The fixed range an override sets for {@code tensor}, if any. */
    Optional<TensorRange> fixedRange(String tensor) {
        return of(tensor).flatMap(TensorOverride::range);
    }

    /**
     * The scheme of activation tensors that share quantization parameters: their overrides' (which
     * must agree and be per tensor), or the config's.
     *
     * @throws InvalidInputException when an override asks for per-channel parameters or two disagree
     */
    QuantScheme sharedScheme(List<String> members) {
        QuantScheme scheme = null;
        for (String t : members) {
            Optional<QuantScheme> s = scheme(t);
            if (s.isPresent()) {
                if (s.get().perChannel()) {
                    throw new InvalidInputException("The tensor override of activation '" + t + "' asks for "
                            + s.get() + "; activations are quantized per tensor");
                }
                if (scheme != null && !scheme.equals(s.get())) {
                    throw new InvalidInputException("Tensors " + members + " share quantization parameters but their"
                            + " overrides ask for different schemes " + scheme + " and " + s.get());
                }
                scheme = s.get();
            }
        }
        return scheme != null ? scheme : config.activationScheme();
    }

}
