package org.quant4j.api;

/**
 * The running quant4j version, the one home for it: every module is released together, so the
 * version of quant-api's jar (its manifest's {@code Implementation-Version}, written by every
 * quant4j jar) is quant4j's. {@value #UNKNOWN} when running from class directories, as in tests.
 */
public final class Quant4jVersion {

    /** The version reported when the classes do not come from a quant4j jar. */
    public static final String UNKNOWN = "unknown";

    private static final String VALUE = detect();

    private Quant4jVersion() {
    }

    /**
     * The version, e.g. {@code 0.1.0-SNAPSHOT}, or {@value #UNKNOWN}.
     *
     * @return the manifest version of the quant-api jar; never null
     */
    public static String get() {
        return VALUE;
    }

    private static String detect() {
        String v = Quant4jVersion.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? UNKNOWN : v.trim();
    }
}
