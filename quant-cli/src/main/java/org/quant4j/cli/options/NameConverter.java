package org.quant4j.cli.options;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converts an option value that names one of a fixed set of values, case-insensitively, with an
 * error listing the valid names; the names are also the option's completion candidates, so help
 * texts can show them with {@code ${COMPLETION-CANDIDATES}}. Subclasses only supply the names
 * (picocli instantiates converters through a no-argument constructor).
 *
 * @param <T> the converted type
 */
public abstract class NameConverter<T> implements ITypeConverter<T>, Iterable<String> {

    private final String what;
    private final Map<String, T> byName;

    /**
     * @param what   what a name denotes, for the error, e.g. "calibration method"
     * @param byName the values by their command-line name, in the order help lists them
     */
    protected NameConverter(String what, Map<String, T> byName) {
        this.what = what;
        this.byName = new LinkedHashMap<>(byName);
    }

    /** {@code values} keyed by {@code name}, in their order. */
    protected static <T> Map<String, T> named(List<T> values, Function<T, String> name) {
        Map<String, T> map = new LinkedHashMap<>();
        values.forEach(v -> map.put(name.apply(v), v));
        return map;
    }

    /** An enum's constants keyed by their lower-case names. */
    protected static <E extends Enum<E>> Map<String, E> lowerCase(E[] values) {
        return named(List.of(values), e -> e.name().toLowerCase(Locale.ROOT));
    }

    @Override
    public T convert(String value) {
        String wanted = value.trim();
        for (Map.Entry<String, T> e : byName.entrySet()) {
            if (e.getKey().equalsIgnoreCase(wanted)) {
                return e.getValue();
            }
        }
        throw new TypeConversionException("Unknown " + what + " '" + value + "': use one of "
                + String.join(", ", byName.keySet()));
    }

    @Override
    public Iterator<String> iterator() {
        return byName.keySet().iterator();
    }
}
