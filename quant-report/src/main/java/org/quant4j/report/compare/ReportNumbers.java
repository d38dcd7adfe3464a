package org.quant4j.report.compare;

import java.util.Locale;

/**
 * How the reports write numbers, in one place so that recommendations, Markdown and HTML agree.
 * Always {@link Locale#ROOT}, so output does not depend on the machine's locale.
 */
public final class ReportNumbers {

    private static final long KIB = 1024;
    private static final long MIB = KIB * 1024;

    private ReportNumbers() {
    }

    /** A fraction as a percentage with two decimals, e.g. {@code 0.91234 -> "91.23%"}. */
    public static String percent(double fraction) {
        return percentNumber(fraction) + "%";
    }

    /** A fraction as a percentage number with two decimals and no sign, e.g. {@code "91.23"}. */
    public static String percentNumber(double fraction) {
        return Double.isNaN(fraction) ? "n/a" : String.format(Locale.ROOT, "%.2f", roundHundredths(fraction * 100));
    }

    /** A difference of fractions in signed percentage points, e.g. {@code -0.0031 -> "-0.31 pp"}. */
    public static String points(double fractionDifference) {
        return signedPoints(fractionDifference) + " pp";
    }

    /** Signed percentage points without the unit, e.g. {@code "+0.12"}. */
    public static String signedPoints(double fractionDifference) {
        if (Double.isNaN(fractionDifference)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%+.2f", roundHundredths(fractionDifference * 100));
    }

    /** A p-value with four decimals, or {@code "< 0.0001"}. */
    public static String pValue(double p) {
        return p < 0.0001 ? "< 0.0001" : String.format(Locale.ROOT, "%.4f", p);
    }

    /** A p-value as an equation or a bound, e.g. {@code "p = 0.0215"} or {@code "p < 0.0001"}. */
    public static String pEquals(double p) {
        return p < 0.0001 ? "p < 0.0001" : "p = " + pValue(p);
    }

    /** A ratio, e.g. {@code "2.41x"}. */
    public static String ratio(double ratio) {
        return String.format(Locale.ROOT, "%.2fx", ratio);
    }

    /** A size in binary units, e.g. {@code "3.91 MiB"}. */
    public static String bytes(long bytes) {
        if (bytes < KIB) {
            return bytes + " B";
        }
        if (bytes < MIB) {
            return String.format(Locale.ROOT, "%.1f KiB", (double) bytes / KIB);
        }
        return String.format(Locale.ROOT, "%.2f MiB", (double) bytes / MIB);
    }

    /** Milliseconds with three significant-ish digits, e.g. {@code "0.412"}, {@code "12.35"}, {@code "123.5"}. */
    public static String millis(double ms) {
        if (ms < 10) {
            return String.format(Locale.ROOT, "%.3f", ms);
        }
        return String.format(Locale.ROOT, ms < 100 ? "%.2f" : "%.1f", ms);
    }

    /** A rate per second, e.g. {@code "12,345"} or {@code "45.6"}. */
    public static String rate(double perSecond) {
        return String.format(Locale.ROOT, perSecond < 100 ? "%.1f" : "%,.0f", perSecond);
    }

    /** Seconds, e.g. {@code "1.23"} or {@code "45.6"}. */
    public static String seconds(double seconds) {
        return String.format(Locale.ROOT, seconds < 10 ? "%.2f" : "%.1f", seconds);
    }

    /** A confidence level as a percentage, e.g. {@code 0.95 -> "95%"}, {@code 0.975 -> "97.5%"}. */
    public static String level(double level) {
        double percent = level * 100;
        return (percent == Math.rint(percent) ? String.format(Locale.ROOT, "%.0f", percent)
                : String.format(Locale.ROOT, "%s", percent)) + "%";
    }

    /** A number of decibels, e.g. {@code 31.2 dB}, or {@code ∞ dB} for identical outputs. */
    public static String decibels(double db) {
        return Double.isInfinite(db) ? (db > 0 ? "∞ dB" : "-∞ dB") : String.format(Locale.ROOT, "%.1f dB", db);
    }

    /** A number of decibels without the unit, for table cells: {@code 31.2}, or {@code ∞} for identical outputs. */
    public static String decibelNumber(double db) {
        return Double.isInfinite(db) ? (db > 0 ? "∞" : "-∞") : String.format(Locale.ROOT, "%.1f", db);
    }

    /** A calibration error (a fraction) with four decimals. */
    public static String fraction4(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.4f", value);
    }

    // Rounds half away from zero before formatting, and turns -0.0 into 0.0 so "-0.00" never appears.
    private static double roundHundredths(double value) {
        double rounded = Math.round(Math.abs(value) * 100) / 100.0;
        return rounded == 0 ? 0.0 : Math.copySign(rounded, value);
    }
}
