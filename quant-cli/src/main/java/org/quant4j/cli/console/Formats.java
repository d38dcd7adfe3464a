package org.quant4j.cli.console;

import java.time.Duration;
import java.util.Locale;

/** Numbers as a person reads them: sizes in binary units, durations, percentages. Locale-independent. */
public final class Formats {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private Formats() {
    }

    /** {@code 812 B}, {@code 10.6 KiB}, {@code 1.25 MiB}: powers of 1024, three significant digits. */
    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = value >= 100 ? String.format(Locale.ROOT, "%.0f", value)
                : value >= 10 ? String.format(Locale.ROOT, "%.1f", value)
                : String.format(Locale.ROOT, "%.2f", value);
        return number + " " + UNITS[unit];
    }

    /** {@code 850 ms}, {@code 1.2 s}, {@code 2 min 05 s}. */
    public static String duration(long nanos) {
        long millis = Math.max(0, nanos) / 1_000_000L;
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = millis / 1000;
        return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
    }

    /** {@link #duration(long)} of a {@link Duration}. */
    public static String duration(Duration d) {
        return duration(d.toNanos());
    }

    /** {@code 87.30%} for 0.873. */
    public static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f%%", fraction * 100);
    }

    /** {@code 12,345}. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Milliseconds of a duration, for JSON. */
    public static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }
}
