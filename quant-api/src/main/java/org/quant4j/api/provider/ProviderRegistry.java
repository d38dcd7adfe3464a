package org.quant4j.api.provider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Look-up of named providers over {@link ServiceLoader}, the one helper every SPI of quant4j uses
 * (after Lucene's {@code NamedSPILoader}).
 *
 * <ul>
 *   <li>Names are case-insensitive ASCII; the first provider on the classpath wins for a name.</li>
 *   <li>A provider that fails to load ({@link ServiceConfigurationError}, {@link LinkageError}) is
 *       recorded as a broken entry with its cause; it never hides the other providers.</li>
 *   <li>An unknown name throws {@link UnknownProviderException} listing the names found and the
 *       artifact that provides the requested one, if known.</li>
 *   <li>An unavailable provider throws {@link ProviderUnavailableException} carrying its reason.</li>
 * </ul>
 *
 * @param <P> the provider type
 */
public final class ProviderRegistry<P extends NamedProvider> {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

    private final String kind;
    private final Map<String, String> knownArtifacts;
    private final Map<String, P> providers;
    private final Map<String, Throwable> broken;

    private ProviderRegistry(String kind, Map<String, String> knownArtifacts, Map<String, P> providers,
            Map<String, Throwable> broken) {
        this.kind = kind;
        this.knownArtifacts = knownArtifacts;
        this.providers = providers;
        this.broken = broken;
    }

    /**
     * Loads every provider of {@code type} visible to {@code loader}.
     *
     * @param kind           what the providers make, for messages ("calibrator", "quantizer")
     * @param knownArtifacts provider name to the Maven artifact that provides it, for the error text
     */
    public static <P extends NamedProvider> ProviderRegistry<P> load(Class<P> type, ClassLoader loader, String kind,
            Map<String, String> knownArtifacts) {
        return load(() -> ServiceLoader.load(type, loader).iterator(), kind, knownArtifacts);
    }

    /** Loads from an explicit iterator of providers; used by tests and by {@link #load(Class, ClassLoader, String, Map)}. */
    public static <P extends NamedProvider> ProviderRegistry<P> load(Supplier<Iterator<P>> iterator, String kind,
            Map<String, String> knownArtifacts) {
        Map<String, P> found = new LinkedHashMap<>();
        Map<String, Throwable> broken = new LinkedHashMap<>();
        Iterator<P> it = iterator.get();
        int failures = 0;
        while (true) {
            P provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                // SLF4J's safelyInstantiate: a broken backend is recorded, the others stay usable.
                broken.put("<broken " + kind + " provider #" + (++failures) + ">", e);
                LOG.warn("A {} provider could not be loaded and is ignored: {}", kind, e.toString());
                if (failures > 100) {
                    break;
                }
                continue;
            }
            String name;
            try {
                name = normalize(provider.name());
            } catch (RuntimeException | LinkageError e) {
                broken.put(provider.getClass().getName(), e);
                LOG.warn("The {} provider {} has no usable name and is ignored: {}", kind,
                        provider.getClass().getName(), e.toString());
                continue;
            }
            if (found.containsKey(name)) {
                LOG.debug("{} provider '{}' from {} is shadowed by {}", kind, name,
                        provider.getClass().getName(), found.get(name).getClass().getName());
                continue;
            }
            found.put(name, provider);
        }
        return new ProviderRegistry<>(kind, Map.copyOf(knownArtifacts), Collections.unmodifiableMap(found),
                Collections.unmodifiableMap(broken));
    }

    private static String normalize(String name) {
        Objects.requireNonNull(name, "provider name");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 127 || Character.isWhitespace(c)) {
                throw new IllegalArgumentException("Provider names are short ASCII without spaces, got '" + name + "'");
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /** Names of all providers found, in classpath order. */
    public List<String> names() {
        return List.copyOf(providers.keySet());
    }

    /** All providers found, in classpath order. */
    public List<P> all() {
        return List.copyOf(providers.values());
    }

    /** Provider names quant4j knows, each with the Maven artifact that provides it. */
    public Map<String, String> knownArtifacts() {
        return knownArtifacts;
    }

    /** Providers that failed to load, keyed by a label, with their cause. */
    public Map<String, Throwable> broken() {
        return broken;
    }

    /** True when a provider of that name is on the classpath (usable or not). */
    public boolean contains(String name) {
        return name != null && providers.containsKey(name.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * The provider named {@code name}, which must be available.
     *
     * @throws UnknownProviderException     when no provider has that name
     * @throws ProviderUnavailableException when it exists but cannot work here
     */
    public P get(String name) {
        P p = find(name);
        Availability a = p.availability();
        if (!a.available()) {
            throw new ProviderUnavailableException(capitalized() + " '" + p.name() + "' is on the classpath but unavailable: "
                    + a.reason(), a.cause().orElse(null));
        }
        return p;
    }

    /** The provider named {@code name}, available or not. */
    public P find(String name) {
        if (name == null || name.isBlank()) {
            throw new UnknownProviderException("No " + kind + " name given: use one of " + names());
        }
        P p = providers.get(name.trim().toLowerCase(Locale.ROOT));
        if (p == null) {
            throw new UnknownProviderException(unknownMessage(name.trim()));
        }
        return p;
    }

    /** The available provider with the highest priority (first on the classpath among equals). */
    public P best() {
        List<P> usable = new ArrayList<>();
        StringBuilder reasons = new StringBuilder();
        for (P p : providers.values()) {
            Availability a = p.availability();
            if (a.available()) {
                usable.add(p);
            } else {
                reasons.append("; ").append(p.name()).append(": ").append(a.reason());
            }
        }
        if (usable.isEmpty()) {
            StringBuilder brokenText = new StringBuilder();
            broken.forEach((label, cause) -> brokenText.append("; ").append(label).append(" failed to load: ").append(cause));
            throw new UnknownProviderException("No usable " + kind + " on the classpath (found " + names() + reasons
                    + brokenText + "). Add one of: " + String.join(", ", new java.util.TreeSet<>(knownArtifacts.values())));
        }
        usable.sort(Comparator.comparingInt((P p) -> p.priority()).reversed());
        return usable.get(0);
    }

    private String unknownMessage(String name) {
        StringBuilder sb = new StringBuilder();
        sb.append("Unknown ").append(kind).append(" '").append(name).append("'. ");
        sb.append(providers.isEmpty() ? "No " + kind + " providers are on the classpath"
                : "Found on the classpath: " + String.join(", ", providers.keySet()));
        String artifact = knownArtifacts.get(name.toLowerCase(Locale.ROOT));
        if (artifact != null) {
            sb.append(". '").append(name).append("' is provided by ").append(artifact)
                    .append(": add that dependency to your build");
        } else if (!knownArtifacts.isEmpty()) {
            sb.append(". Names known to quant4j: ").append(String.join(", ", new java.util.TreeSet<>(knownArtifacts.keySet())));
        }
        if (!broken.isEmpty()) {
            sb.append(". ").append(broken.size()).append(" provider(s) failed to load: ");
            sb.append(broken.values().iterator().next());
        }
        return sb.toString();
    }

    private String capitalized() {
        return Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
    }
}
