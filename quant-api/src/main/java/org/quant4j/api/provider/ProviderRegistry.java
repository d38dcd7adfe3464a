package org.quant4j.api.provider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Look-up of named providers over {@link ServiceLoader}, the one helper every SPI of quant4j uses
 * (after Lucene's {@code NamedSPILoader}).
 *
 * <ul>
 *   <li>Providers are discovered through the library's own class loader and the thread's context
 *       class loader (an application server's or plugin's loader), a provider class found by both
 *       counted once; {@link #reload()} and {@link #reload(ClassLoader)} discover again, e.g. after
 *       a plugin's jars were added.</li>
 *   <li>Names are case-insensitive ASCII; the first provider on the classpath wins for a name.</li>
 *   <li>A provider that fails to load ({@link ServiceConfigurationError}, {@link LinkageError}) is
 *       recorded as a broken entry with its cause; it never hides the other providers.</li>
 *   <li>An unknown name throws {@link UnknownProviderException} listing the names found and the
 *       artifact that provides the requested one, if known.</li>
 *   <li>An unavailable provider throws {@link ProviderUnavailableException} carrying its reason.</li>
 *   <li>A registry may read its default from a system property ({@link #withDefaultProperty}, e.g.
 *       {@value #DEFAULT_BACKEND_PROPERTY}, like DJL's {@code ai.djl.default_engine}): when set,
 *       {@link #best()} returns that provider, and a name that is not on the classpath is an
 *       error naming the property.</li>
 * </ul>
 *
 * <p>Thread-safe: look-ups read one immutable snapshot of the providers found; a reload replaces it.
 *
 * @param <P> the provider type
 */
public final class ProviderRegistry<P extends NamedProvider> {

    /** System property naming the quantizer and evaluator backend used when none is named. */
    public static final String DEFAULT_BACKEND_PROPERTY = "quant4j.defaultBackend";

    private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

    /** The providers found and those that failed to load, keyed by a label, both in discovery order. */
    private record Snapshot<P>(Map<String, P> providers, Map<String, Throwable> broken) {
    }

    private final String kind;
    private final Map<String, String> knownArtifacts;
    private final String defaultProperty;
    /** The SPI type for class-loader discovery; null when the providers come from {@link #fixedSource}. */
    private final Class<P> type;
    private final ClassLoader libraryLoader;
    private final List<ClassLoader> addedLoaders;
    private final Supplier<Iterator<P>> fixedSource;
    private volatile Snapshot<P> snapshot;

    private ProviderRegistry(String kind, Map<String, String> knownArtifacts, String defaultProperty, Class<P> type,
            ClassLoader libraryLoader, List<ClassLoader> addedLoaders, Supplier<Iterator<P>> fixedSource,
            Snapshot<P> snapshot) {
        this.kind = kind;
        this.knownArtifacts = Map.copyOf(knownArtifacts);
        this.defaultProperty = defaultProperty;
        this.type = type;
        this.libraryLoader = libraryLoader;
        this.addedLoaders = addedLoaders;
        this.fixedSource = fixedSource;
        this.snapshot = snapshot;
    }

    /**
     * Loads every provider of {@code type} visible to {@code loader} (the library's own loader,
     * usually the SPI class's) or to the thread's context class loader.
     *
     * @param <P>            the provider type
     * @param type           the SPI interface listed in {@code META-INF/services}
     * @param loader         the library's class loader; null for the system class loader
     * @param kind           what the providers make, for messages ("calibrator", "quantizer")
     * @param knownArtifacts provider name to the Maven artifact that provides it, for the error text
     * @return a registry holding the providers found
     */
    public static <P extends NamedProvider> ProviderRegistry<P> load(Class<P> type, ClassLoader loader, String kind,
            Map<String, String> knownArtifacts) {
        Objects.requireNonNull(type, "type");
        ProviderRegistry<P> registry = new ProviderRegistry<>(kind, knownArtifacts, null, type, loader,
                new CopyOnWriteArrayList<>(), null, null);
        registry.reload();
        return registry;
    }

    /**
     * Loads every provider of {@code type} visible to {@code type}'s own class loader or to the
     * thread's context class loader.
     *
     * @param <P>            the provider type
     * @param type           the SPI interface listed in {@code META-INF/services}
     * @param kind           what the providers make, for messages ("calibrator", "quantizer")
     * @param knownArtifacts provider name to the Maven artifact that provides it, for the error text
     * @return a registry holding the providers found
     */
    public static <P extends NamedProvider> ProviderRegistry<P> load(Class<P> type, String kind,
            Map<String, String> knownArtifacts) {
        return load(type, type.getClassLoader(), kind, knownArtifacts);
    }

    /**
     * Loads from an explicit iterator of providers; used by tests. {@link #reload()} asks it again.
     *
     * @param <P>            the provider type
     * @param iterator       gives a fresh iterator over the providers at every load
     * @param kind           what the providers make, for messages ("calibrator", "quantizer")
     * @param knownArtifacts provider name to the Maven artifact that provides it, for the error text
     * @return a registry holding the providers the iterator gave
     */
    public static <P extends NamedProvider> ProviderRegistry<P> load(Supplier<Iterator<P>> iterator, String kind,
            Map<String, String> knownArtifacts) {
        Objects.requireNonNull(iterator, "iterator");
        ProviderRegistry<P> registry = new ProviderRegistry<>(kind, knownArtifacts, null, null, null, List.of(),
                iterator, null);
        registry.reload();
        return registry;
    }

    /**
     * A copy of this registry whose default is read from the system property {@code property} by
     * {@link #defaultName()} and {@link #best()}; meant for the registry's creation, as the copy
     * reloads independently. The property is read at every call, so setting it takes effect
     * without a reload.
     *
     * @param property the system property's name, e.g. {@value #DEFAULT_BACKEND_PROPERTY}
     * @return the new registry; this one is unchanged
     */
    public ProviderRegistry<P> withDefaultProperty(String property) {
        Objects.requireNonNull(property, "property");
        return new ProviderRegistry<>(kind, knownArtifacts, property, type, libraryLoader,
                type == null ? List.of() : new CopyOnWriteArrayList<>(addedLoaders), fixedSource, snapshot);
    }

    /**
     * Discovers the providers again, from the library's class loader, the loaders given to
     * {@link #reload(ClassLoader)} and the current thread's context class loader, replacing what
     * was found before. Products already created are unaffected.
     */
    public synchronized void reload() {
        Snapshot<P> empty = new Snapshot<>(Map.of(), Map.of());
        if (type == null) {
            snapshot = scan(fixedSource.get(), empty, new HashSet<>());
            return;
        }
        List<ClassLoader> loaders = new ArrayList<>();
        loaders.add(libraryLoader == null ? ClassLoader.getSystemClassLoader() : libraryLoader);
        loaders.addAll(addedLoaders);
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
            loaders.add(context);
        }
        Snapshot<P> found = empty;
        Set<Class<?>> seen = new HashSet<>();
        Set<ClassLoader> scanned = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (ClassLoader loader : loaders) {
            if (scanned.add(loader)) {
                found = scan(ServiceLoader.load(type, loader).iterator(), found, seen);
            }
        }
        snapshot = found;
    }

    /**
     * Adds the providers visible to {@code loader} (e.g. a plugin's), as Lucene's
     * {@code NamedSPILoader.reload(ClassLoader)}: new names are added, providers already found
     * stay and keep their names. The loader is remembered for later {@link #reload()}s.
     *
     * @param loader the class loader to scan, not null
     * @throws UnsupportedOperationException for a registry loaded from an explicit iterator
     */
    public synchronized void reload(ClassLoader loader) {
        Objects.requireNonNull(loader, "loader");
        if (type == null) {
            throw new UnsupportedOperationException("This " + kind + " registry was loaded from an explicit list of"
                    + " providers, not through class loaders: use reload()");
        }
        if (!addedLoaders.contains(loader)) {
            addedLoaders.add(loader);
        }
        Set<Class<?>> seen = new HashSet<>();
        snapshot.providers().values().forEach(p -> seen.add(p.getClass()));
        snapshot = scan(ServiceLoader.load(type, loader).iterator(), snapshot, seen);
    }

    /**
     * Adds the providers of {@code it} to {@code before}: a name already present keeps its
     * provider, a provider class in {@code seen} (found through another loader) is skipped, and a
     * failure already recorded is not recorded twice.
     */
    private Snapshot<P> scan(Iterator<P> it, Snapshot<P> before, Set<Class<?>> seen) {
        Map<String, P> found = new LinkedHashMap<>(before.providers());
        Map<String, Throwable> broken = new LinkedHashMap<>(before.broken());
        Set<String> failures = new HashSet<>();
        broken.values().forEach(e -> failures.add(e.toString()));
        int attempts = 0;
        while (true) {
            P provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                // SLF4J's safelyInstantiate: a broken backend is recorded, the others stay usable.
                if (failures.add(e.toString())) {
                    broken.put("<broken " + kind + " provider #" + (broken.size() + 1) + ">", e);
                    LOG.warn("A {} provider could not be loaded and is ignored: {}", kind, e.toString());
                }
                if (++attempts > 100) {
                    break;
                }
                continue;
            }
            if (type != null && !seen.add(provider.getClass())) {
                continue; // the same provider class, found again through another class loader
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
        return new Snapshot<>(Collections.unmodifiableMap(found), Collections.unmodifiableMap(broken));
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

    /**
     * Names of all providers found, in classpath order.
     *
     * @return the lower-case names, usable or not; empty when none were found
     */
    public List<String> names() {
        return List.copyOf(snapshot.providers().keySet());
    }

    /**
     * All providers found, in classpath order.
     *
     * @return the providers, available or not; empty when none were found
     */
    public List<P> all() {
        return List.copyOf(snapshot.providers().values());
    }

    /**
     * Provider names quant4j knows, each with the Maven artifact that provides it.
     *
     * @return provider name to artifact, as given when the registry was loaded
     */
    public Map<String, String> knownArtifacts() {
        return knownArtifacts;
    }

    /**
     * Providers that failed to load, keyed by a label, with their cause.
     *
     * @return label (a class name or {@code <broken kind provider #n>}) to the error; empty when all
     *     loaded
     */
    public Map<String, Throwable> broken() {
        return snapshot.broken();
    }

    /**
     * True when a provider of that name is on the classpath (usable or not).
     *
     * @param name a provider name in any case; null gives false
     * @return whether a provider has that name
     */
    public boolean contains(String name) {
        return name != null && snapshot.providers().containsKey(name.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * The provider named {@code name}, which must be available.
     *
     * @param name the provider name, case-insensitive
     * @return the available provider
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

    /**
     * The provider named {@code name}, available or not.
     *
     * @param name the provider name, case-insensitive
     * @return the provider, which may report itself unavailable
     * @throws UnknownProviderException when the name is null or blank, or no provider has it
     */
    public P find(String name) {
        if (name == null || name.isBlank()) {
            throw new UnknownProviderException("No " + kind + " name given: use one of " + names());
        }
        Snapshot<P> s = snapshot;
        P p = s.providers().get(name.trim().toLowerCase(Locale.ROOT));
        if (p == null) {
            throw new UnknownProviderException(unknownMessage(name.trim(), s));
        }
        return p;
    }

    /**
     * The name the default property asks for, when this registry has one and it is set.
     *
     * @return the lower-case provider name, or empty when the registry has no default property or it
     *     is unset or blank
     * @throws UnknownProviderException when the property names no provider on the classpath; the
     *                                  message names the property and the names available
     */
    public Optional<String> defaultName() {
        if (defaultProperty == null) {
            return Optional.empty();
        }
        String value = System.getProperty(defaultProperty);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String name = value.trim().toLowerCase(Locale.ROOT);
        Snapshot<P> s = snapshot;
        if (!s.providers().containsKey(name)) {
            throw new UnknownProviderException("System property " + defaultProperty + "=" + value.trim()
                    + " names no " + kind + " on the classpath: " + unknownMessage(value.trim(), s)
                    + ". Set " + defaultProperty + " to one of the names found, or clear it to use the best available "
                    + kind);
        }
        return Optional.of(name);
    }

    /**
     * The provider the default property names, when set ({@link #defaultName()}); otherwise the
     * available provider with the highest priority (first on the classpath among equals).
     *
     * @return an available provider
     * @throws UnknownProviderException     when the property names no provider on the classpath, or
     *                                      no provider is usable
     * @throws ProviderUnavailableException when the provider the property names cannot work here
     */
    public P best() {
        Optional<String> wanted = defaultName();
        if (wanted.isPresent()) {
            P p = find(wanted.get());
            Availability a = p.availability();
            if (!a.available()) {
                throw new ProviderUnavailableException(capitalized() + " '" + p.name() + "', chosen by system property "
                        + defaultProperty + ", is on the classpath but unavailable: " + a.reason() + ". Clear "
                        + defaultProperty + " to use the best available " + kind, a.cause().orElse(null));
            }
            return p;
        }
        Snapshot<P> s = snapshot;
        List<P> usable = new ArrayList<>();
        StringBuilder reasons = new StringBuilder();
        for (P p : s.providers().values()) {
            Availability a = p.availability();
            if (a.available()) {
                usable.add(p);
            } else {
                reasons.append("; ").append(p.name()).append(": ").append(a.reason());
            }
        }
        if (usable.isEmpty()) {
            StringBuilder brokenText = new StringBuilder();
            s.broken().forEach((label, cause) -> brokenText.append("; ").append(label).append(" failed to load: ")
                    .append(cause));
            throw new UnknownProviderException("No usable " + kind + " on the classpath (found "
                    + List.copyOf(s.providers().keySet()) + reasons + brokenText + "). Add one of: "
                    + String.join(", ", new TreeSet<>(knownArtifacts.values())));
        }
        usable.sort(Comparator.comparingInt((P p) -> p.priority()).reversed());
        return usable.get(0);
    }

    private String unknownMessage(String name, Snapshot<P> s) {
        StringBuilder sb = new StringBuilder();
        sb.append("Unknown ").append(kind).append(" '").append(name).append("'. ");
        sb.append(s.providers().isEmpty() ? "No " + kind + " providers are on the classpath"
                : "Found on the classpath: " + String.join(", ", s.providers().keySet()));
        String artifact = knownArtifacts.get(name.toLowerCase(Locale.ROOT));
        if (artifact != null) {
            sb.append(". '").append(name).append("' is provided by ").append(artifact)
                    .append(": add that dependency to your build");
        } else if (!knownArtifacts.isEmpty()) {
            sb.append(". Names known to quant4j: ").append(String.join(", ", new TreeSet<>(knownArtifacts.keySet())));
        }
        if (!s.broken().isEmpty()) {
            sb.append(". ").append(s.broken().size()).append(" provider(s) failed to load: ");
            sb.append(s.broken().values().iterator().next());
        }
        return sb.toString();
    }

    private String capitalized() {
        return Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
    }
}
