package org.quant4j.api.calibration;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantScheme;

/**
 * Options of a calibrator as text, e.g. {@code percentile=99.9}, {@code bins=2048},
 * {@code symmetric=true}. Typed getters validate the text and name the option when it is wrong.
 */
public final class CalibratorOptions {

    /** Common option: produce a range symmetric around zero. */
    public static final String SYMMETRIC = "symmetric";

    private static final CalibratorOptions EMPTY = new CalibratorOptions(Map.of());

    private final Map<String, String> values;

    private CalibratorOptions(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /**
     * No options: every calibrator then uses its defaults.
     *
     * @return the shared empty options
     */
    public static CalibratorOptions empty() {
        return EMPTY;
    }

    /**
     * Options from a map; keys and values are trimmed.
     *
     * @param values option name to value, none null
     * @return the options, sorted by key
     */
    public static CalibratorOptions of(Map<String, String> values) {
        Map<String, String> copy = new TreeMap<>();
        values.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key").trim(), Objects.requireNonNull(v, "value").trim()));
        return new CalibratorOptions(copy);
    }

    /**
     * Parses {@code key=value} pairs such as {@code "percentile=99.9,bins=4096"}.
     *
     * @param text comma-separated {@code key=value} pairs; null or blank for none
     * @return the options, sorted by key
     * @throws InvalidInputException when a part is not of the form {@code key=value}
     */
    public static CalibratorOptions parse(String text) {
        Map<String, String> map = new TreeMap<>();
        if (text != null && !text.isBlank()) {
            for (String part : text.split(",")) {
                int eq = part.indexOf('=');
                if (eq < 0 || part.substring(0, eq).isBlank()) {
                    throw new InvalidInputException("Calibrator option '" + part.trim()
                            + "' is not of the form key=value (e.g. percentile=99.9)");
                }
                map.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        return new CalibratorOptions(map);
    }

    /**
     * The options as text.
     *
     * @return key to value, sorted by key and unmodifiable; empty when there are none
     */
    public Map<String, String> asMap() {
        return values;
    }

    /**
     * These options with one more, replacing an earlier value of the key.
     *
     * @param key the option name, not blank
     * @param value the value
     * @return new options; these are unchanged
     * @throws InvalidInputException when the key is blank
     */
    public CalibratorOptions with(String key, String value) {
        Map<String, String> copy = new TreeMap<>(values);
        String k = Objects.requireNonNull(key, "key").trim();
        if (k.isEmpty()) {
            throw new InvalidInputException("Calibrator option keys must not be empty");
        }
        copy.put(k, Objects.requireNonNull(value, "value").trim());
        return new CalibratorOptions(copy);
    }

    /**
     * These options with {@link #SYMMETRIC} set from {@code scheme}: the options a tensor's
     * calibrator runs with when the tensor is calibrated for {@code scheme}.
     *
     * @param scheme the scheme the tensor is calibrated for
     * @return new options with {@code symmetric=true} or {@code false}
     */
    public CalibratorOptions forScheme(QuantScheme scheme) {
        return with(SYMMETRIC, Boolean.toString(scheme.symmetric()));
    }

    /**
     * Throws when an option is not among {@code supported}, listing the supported ones.
     *
     * @param supported the option names the calibrator accepts
     * @param calibrator the calibrator's name, for the message
     * @throws InvalidInputException naming the first unsupported option
     */
    public void requireOnly(Set<String> supported, String calibrator) {
        for (String key : values.keySet()) {
            if (!supported.contains(key)) {
                throw new InvalidInputException("Calibrator '" + calibrator + "' has no option '" + key
                        + "'; its options are " + new java.util.TreeSet<>(supported));
            }
        }
    }

    /**
     * The value of an option as text.
     *
     * @param key the option name
     * @param defaultValue returned when the option is not set
     * @return the trimmed value, or {@code defaultValue}
     */
    public String getString(String key, String defaultValue) {
        return values.getOrDefault(key, defaultValue);
    }

    /**
     * The value of an integer option.
     *
     * @param key the option name, e.g. {@code bins}
     * @param defaultValue returned when the option is not set
     * @return the value, or {@code defaultValue}
     * @throws InvalidInputException when the value is not an integer
     */
    public int getInt(String key, int defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("Option '" + key + "' must be an integer, got '" + v + "'");
        }
    }

    /**
     * The value of a numeric option.
     *
     * @param key the option name, e.g. {@code percentile}
     * @param defaultValue returned when the option is not set
     * @return the value, or {@code defaultValue}
     * @throws InvalidInputException when the value is not a finite number
     */
    public double getDouble(String key, double defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("Option '" + key + "' must be a finite number, got '" + v + "'");
        }
    }

    /**
     * The value of a boolean option.
     *
     * @param key the option name, e.g. {@link #SYMMETRIC}
     * @param defaultValue returned when the option is not set
     * @return the value, or {@code defaultValue}
     * @throws InvalidInputException when the value is not {@code true} or {@code false} (in any case)
     */
    public boolean getBoolean(String key, boolean defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new InvalidInputException("Option '" + key + "' must be true or false, got '" + v + "'");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CalibratorOptions c && values.equals(c.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
