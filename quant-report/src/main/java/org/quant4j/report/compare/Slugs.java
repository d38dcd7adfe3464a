package org.quant4j.report.compare;

import java.util.Locale;

/** File and folder names made from method and model names, the one place that does it. */
public final class Slugs {

    private Slugs() {
    }

    /**
     * {@code name} in lower case with every run of characters other than {@code a-z0-9} replaced
     * by one {@code -} and no {@code -} at either end; {@code "item"} when nothing is left.
     */
    public static String of(String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return slug.isEmpty() ? "item" : slug;
    }
}
