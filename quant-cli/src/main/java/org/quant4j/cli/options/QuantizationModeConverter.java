package org.quant4j.cli.options;

import java.util.Locale;
import org.quant4j.api.QuantizationMode;

/** {@code --mode static|dynamic|fp16}. */
public final class QuantizationModeConverter extends NameConverter<QuantizationMode> {

    public QuantizationModeConverter() {
        super("mode", lowerCase(QuantizationMode.values()));
    }

    /** The command-line name of a mode, e.g. {@code static}. */
    public static String name(QuantizationMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }
}
