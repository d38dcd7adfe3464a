package org.quant4j.cli.options;

import java.util.List;
import java.util.Locale;
import org.quant4j.api.QuantScheme;

/**
 * {@code --activations uint8|int8}: uint8 asymmetric (ONNX Runtime's default, the fast form on
 * x86) or int8 symmetric (TensorRT's).
 */
public final class ActivationSchemeConverter extends NameConverter<QuantScheme> {

    public ActivationSchemeConverter() {
        super("activation type", named(List.of(QuantScheme.UINT8_ASYMMETRIC, QuantScheme.INT8_SYMMETRIC),
                ActivationSchemeConverter::name));
    }

    /** The command-line name of an activation scheme: its precision, e.g. {@code uint8}. */
    public static String name(QuantScheme scheme) {
        return scheme.precision().name().toLowerCase(Locale.ROOT);
    }
}
