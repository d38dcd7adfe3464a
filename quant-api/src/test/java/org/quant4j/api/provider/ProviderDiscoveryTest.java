package org.quant4j.api.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery through class loaders: the library's own, the thread's context class loader, and
 * loaders added later, each provider counted once. The providers are classes of this test; the
 * {@code META-INF/services} files that list them exist only in temporary directories, so only a
 * class loader over such a directory finds them.
 */
class ProviderDiscoveryTest {

    /** An SPI of this test only. */
    public interface Plugin extends NamedProvider {
    }

    /** The provider a plugin directory lists. */
    public static final class FirstPlugin implements Plugin {
        @Override
        public String name() {
            return "first";
        }
    }

    /** Another provider, in a second plugin directory. */
    public static final class SecondPlugin implements Plugin {
        @Override
        public String name() {
            return "second";
        }
    }

    @TempDir
    Path dir;

    /** A class loader that sees a services file listing {@code providers}, over the test's own loader. */
    private ClassLoader pluginLoader(String name, Class<?>... providers) throws IOException {
        Path root = dir.resolve(name);
        Path services = root.resolve("META-INF/services/" + Plugin.class.getName());
        Files.createDirectories(services.getParent());
        StringBuilder text = new StringBuilder();
        for (Class<?> p : providers) {
            text.append(p.getName()).append('\n');
        }
        Files.writeString(services, text);
        return new URLClassLoader(new URL[] {root.toUri().toURL()}, getClass().getClassLoader());
    }

    private static <T> T withContextLoader(ClassLoader loader, Callable<T> task) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return task.call();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    @Test
    void theLibrarysOwnLoaderAloneFindsNoPlugin() {
        assertEquals(List.of(), ProviderRegistry.load(Plugin.class, "plugin", Map.of()).names());
    }

    @Test
    void aProviderOnlyTheContextClassLoaderSeesIsFound() throws Exception {
        ClassLoader plugins = pluginLoader("a", FirstPlugin.class);
        ProviderRegistry<Plugin> r = withContextLoader(plugins,
                () -> ProviderRegistry.load(Plugin.class, "plugin", Map.of()));
        assertEquals(List.of("first"), r.names());
        assertTrue(r.get("first") instanceof FirstPlugin);
    }

    @Test
    void aProviderSeenByTheLibraryLoaderAndTheContextLoaderIsCountedOnce() throws Exception {
        ClassLoader library = pluginLoader("a", FirstPlugin.class);
        ClassLoader context = new URLClassLoader(new URL[0], library); // delegates to the library's loader
        ProviderRegistry<Plugin> r = withContextLoader(context,
                () -> ProviderRegistry.load(Plugin.class, library, "plugin", Map.of()));
        assertEquals(List.of("first"), r.names());
        assertEquals(1, r.all().size());
        assertEquals(Map.of(), r.broken());
    }

    @Test
    void reloadFindsWhatTheContextLoaderSeesNow() throws Exception {
        ProviderRegistry<Plugin> r = ProviderRegistry.load(Plugin.class, "plugin", Map.of());
        assertEquals(List.of(), r.names());
        ClassLoader plugins = pluginLoader("a", FirstPlugin.class);
        withContextLoader(plugins, () -> {
            r.reload();
            return null;
        });
        assertEquals(List.of("first"), r.names());
        r.reload(); // back on the test's own context loader: the plugin is gone again
        assertEquals(List.of(), r.names());
    }

    @Test
    void reloadWithALoaderAddsItsProvidersAndKeepsTheOthers() throws Exception {
        ClassLoader first = pluginLoader("a", FirstPlugin.class);
        ProviderRegistry<Plugin> r = withContextLoader(first,
                () -> ProviderRegistry.load(Plugin.class, "plugin", Map.of()));
        Plugin before = r.get("first");
        r.reload(pluginLoader("b", SecondPlugin.class, FirstPlugin.class));
        assertEquals(List.of("first", "second"), r.names());
        assertEquals(before, r.get("first"), "a provider already found keeps its name");
        r.reload(); // the added loader is remembered and now the only one listing both
        assertEquals(List.of("second", "first"), r.names());
    }

    @Test
    void reloadWithALoaderNeedsARegistryLoadedThroughClassLoaders() {
        ProviderRegistry<Plugin> fixed = ProviderRegistry.load(() -> List.<Plugin>of().iterator(), "plugin", Map.of());
        assertThrows(UnsupportedOperationException.class, () -> fixed.reload(getClass().getClassLoader()));
    }
}
