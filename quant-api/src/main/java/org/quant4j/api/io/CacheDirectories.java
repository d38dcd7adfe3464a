package org.quant4j.api.io;

import java.nio.file.Path;

/**
 * Where quant4j keeps what it can rebuild (calibration caches, extracted native libraries): the
 * system property {@value #PROPERTY} when set, else {@code $XDG_CACHE_HOME/quant4j} when that
 * variable is set, else {@code ${user.home}/.cache/quant4j}.
 */
public final class CacheDirectories {

    /** System property naming the cache root. */
    public static final String PROPERTY = "quant4j.cache.dir";

    private CacheDirectories() {
    }

    /**
     * The cache root; not created here.
     *
     * @return the absolute directory named by the system property, or {@code ~/.cache/quant4j}
     */
    public static Path root() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "quant4j");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "quant4j");
    }

    /**
     * A named directory under the cache root, e.g. {@code calibration}; not created here.
     *
     * @param name the subdirectory's name
     * @return the path under {@link #root()}
     */
    public static Path of(String name) {
        return root().resolve(name);
    }
}
