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

    public static CalibratorOptions empty() {
        return EMPTY;
    }

    public static CalibratorOptions of(Map<String, String> values) {
        Map<String, String> copy = new TreeMap<>();
        values.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key").trim(), Objects.requireNonNull(v, "value").trim()));
        return new CalibratorOptions(copy);
    }

    /** Parses {@code key=value} pairs such as {@code "percentile=99.9,bins=4096"}. */
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

    public Map<String, String> asMap() {
        return values;
    }

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
     */
    public CalibratorOptions forScheme(QuantScheme scheme) {
        return with(SYMMETRIC, Boolean.toString(scheme.symmetric()));
    }

    /** Throws when an option is not among {@code supported}, listing the supported ones. */
    public void requireOnly(Set<String> supported, String calibrator) {
        for (String key : values.keySet()) {
            if (!supported.contains(key)) {
                throw new InvalidInputException("Calibrator '" + calibrator + "' has no option '" + key
                        + "'; its options are " + new java.util.TreeSet<>(supported));
            }
        }
    }

    public String getString(String key, String defaultValue) {
        return values.getOrDefault(key, defaultValue);
    }

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
