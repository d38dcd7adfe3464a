package org.quant4j.api.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.ServiceConfigurationError;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ProviderRegistryTest {

    /** A provider whose name, priority and availability are given. */
    record Fake(String name, int priority, Availability availability) implements NamedProvider {
        static Fake of(String name) {
            return new Fake(name, 0, Availability.AVAILABLE);
        }

        static Fake of(String name, int priority) {
            return new Fake(name, priority, Availability.AVAILABLE);
        }
    }

    private static final Map<String, String> ARTIFACTS = Map.of(
            "onnxruntime", "org.quant4j:quant-onnxruntime",
            "tensorrt", "org.quant4j:quant-tensorrt");

    /** An iterator over suppliers, each run by next(), so one element can fail the way ServiceLoader's do. */
    @SafeVarargs
    private static Supplier<Iterator<Fake>> providers(Supplier<Fake>... elements) {
        return () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < elements.length;
            }

            @Override
            public Fake next() {
                if (next >= elements.length) {
                    throw new NoSuchElementException();
                }
                return elements[next++].get();
            }
        };
    }

    private static ProviderRegistry<Fake> registry(Fake... fakes) {
        return ProviderRegistry.load(() -> List.of(fakes).iterator(), "quantizer", ARTIFACTS);
    }

    @Test
    void firstProviderWinsForADuplicateName() {
        Fake first = Fake.of("alpha", 1);
        Fake second = Fake.of("ALPHA", 99);
        ProviderRegistry<Fake> r = registry(first, second, Fake.of("beta"));
        assertSame(first, r.get("alpha"));
        assertEquals(List.of("alpha", "beta"), r.names());
        assertEquals(2, r.all().size());
        assertSame(first, r.all().get(0));
    }

    @Test
    void lookupIsCaseInsensitiveAndTrimmed() {
        Fake alpha = Fake.of("Alpha");
        ProviderRegistry<Fake> r = registry(alpha);
        assertSame(alpha, r.get("alpha"));
        assertSame(alpha, r.get("ALPHA"));
        assertSame(alpha, r.find(" aLpHa "));
        assertTrue(r.contains("ALPHA"));
        assertFalse(r.contains("beta"));
        assertFalse(r.contains(null));
        assertEquals(List.of("alpha"), r.names());
    }

    @Test
    void unknownNameListsTheNamesFound() {
        ProviderRegistry<Fake> r = registry(Fake.of("alpha"), Fake.of("beta"));
        UnknownProviderException e = assertThrows(UnknownProviderException.class, () -> r.get("gamma"));
        assertTrue(e.getMessage().contains("'gamma'"), e.getMessage());
        assertTrue(e.getMessage().contains("alpha, beta"), e.getMessage());
        assertTrue(e.getMessage().contains("Names known to quant4j: onnxruntime, tensorrt"), e.getMessage());
    }

    @Test
    void unknownButKnownNameNamesTheArtifactToAdd() {
        ProviderRegistry<Fake> r = registry(Fake.of("onnxruntime"));
        UnknownProviderException e = assertThrows(UnknownProviderException.class, () -> r.get("tensorrt"));
        assertTrue(e.getMessage().contains("org.quant4j:quant-tensorrt"), e.getMessage());
        assertTrue(e.getMessage().contains("onnxruntime"), e.getMessage());
        UnknownProviderException upper = assertThrows(UnknownProviderException.class, () -> r.get("TensorRT"));
        assertTrue(upper.getMessage().contains("org.quant4j:quant-tensorrt"), upper.getMessage());
    }

    @Test
    void emptyRegistrySaysNoProvidersAreOnTheClasspath() {
        ProviderRegistry<Fake> r = registry();
        UnknownProviderException e = assertThrows(UnknownProviderException.class, () -> r.get("tensorrt"));
        assertTrue(e.getMessage().contains("No quantizer providers are on the classpath"), e.getMessage());
        assertTrue(e.getMessage().contains("org.quant4j:quant-tensorrt"), e.getMessage());
    }

    @Test
    void missingNameIsAnUnknownProvider() {
        ProviderRegistry<Fake> r = registry(Fake.of("alpha"));
        assertTrue(assertThrows(UnknownProviderException.class, () -> r.get(null)).getMessage().contains("alpha"));
        assertTrue(assertThrows(UnknownProviderException.class, () -> r.get("  ")).getMessage().contains("alpha"));
    }

    @Test
    void unavailableProviderThrowsWithItsReasonAndCause() {
        IllegalStateException cause = new IllegalStateException("dlopen failed");
        Fake gpu = new Fake("tensorrt", 10, Availability.unavailable("libnvinfer.so.10 not found: install TensorRT", cause));
        ProviderRegistry<Fake> r = registry(gpu);
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class, () -> r.get("tensorrt"));
        assertTrue(e.getMessage().contains("libnvinfer.so.10 not found: install TensorRT"), e.getMessage());
        assertTrue(e.getMessage().contains("'tensorrt'"), e.getMessage());
        assertSame(cause, e.getCause());
        assertSame(gpu, r.find("tensorrt"));
        assertTrue(r.contains("tensorrt"));
    }

    @Test
    void unavailableWithoutCauseHasNoCause() {
        ProviderRegistry<Fake> r = registry(new Fake("x", 0, Availability.unavailable("no GPU")));
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class, () -> r.get("x"));
        assertEquals(null, e.getCause());
    }

    @Test
    void brokenProviderIsRecordedAndTheOthersStayUsable() {
        ServiceConfigurationError error = new ServiceConfigurationError("Provider org.x.Broken could not be instantiated");
        ProviderRegistry<Fake> r = ProviderRegistry.load(providers(
                () -> Fake.of("alpha"),
                () -> {
                    throw error;
                },
                () -> Fake.of("beta")), "quantizer", ARTIFACTS);

        assertEquals(List.of("alpha", "beta"), r.names());
        assertEquals(1, r.broken().size());
        assertSame(error, r.broken().values().iterator().next());
        UnknownProviderException e = assertThrows(UnknownProviderException.class, () -> r.get("gamma"));
        assertTrue(e.getMessage().contains("1 provider(s) failed to load"), e.getMessage());
        assertTrue(e.getMessage().contains("org.x.Broken"), e.getMessage());
    }

    @Test
    void linkageErrorsAreRecordedLikeConfigurationErrors() {
        ProviderRegistry<Fake> r = ProviderRegistry.load(providers(
                () -> {
                    throw new NoClassDefFoundError("ai/onnxruntime/OrtEnvironment");
                },
                () -> {
                    throw new ServiceConfigurationError("second");
                },
                () -> Fake.of("alpha")), "quantizer", ARTIFACTS);
        assertEquals(List.of("alpha"), r.names());
        assertEquals(2, r.broken().size());
        assertTrue(r.broken().values().iterator().next() instanceof NoClassDefFoundError);
    }

    @Test
    void bestPicksTheHighestPriorityAmongAvailableProviders() {
        Fake unavailableTop = new Fake("gpu", 100, Availability.unavailable("no GPU"));
        Fake low = Fake.of("low", 1);
        Fake high = Fake.of("high", 3);
        Fake highToo = Fake.of("high-too", 3);
        assertSame(high, registry(unavailableTop, low, high, highToo).best());
        assertSame(high, registry(low, high, highToo).best());
        assertSame(highToo, registry(low, highToo, high).best());
    }

    @Test
    void bestHandlesNegativePriorities() {
        Fake minusFive = Fake.of("a", -5);
        Fake minusOne = Fake.of("b", -1);
        assertSame(minusOne, registry(minusFive, minusOne).best());
    }

    @Test
    void bestWithNoUsableProviderExplainsWhy() {
        ProviderRegistry<Fake> r = registry(new Fake("tensorrt", 10, Availability.unavailable("no CUDA driver")),
                new Fake("onnxruntime", 0, Availability.unavailable("unsupported CPU")));
        UnknownProviderException e = assertThrows(UnknownProviderException.class, r::best);
        assertTrue(e.getMessage().contains("tensorrt: no CUDA driver"), e.getMessage());
        assertTrue(e.getMessage().contains("onnxruntime: unsupported CPU"), e.getMessage());
        assertTrue(e.getMessage().contains("org.quant4j:quant-onnxruntime, org.quant4j:quant-tensorrt"), e.getMessage());
    }

    @Test
    void bestOnAnEmptyRegistryNamesTheArtifactsToAdd() {
        UnknownProviderException e = assertThrows(UnknownProviderException.class, () -> registry().best());
        assertTrue(e.getMessage().contains("No usable quantizer"), e.getMessage());
        assertTrue(e.getMessage().contains("org.quant4j:quant-onnxruntime"), e.getMessage());
    }

    @Test
    void viewsAreImmutable() {
        ProviderRegistry<Fake> r = registry(Fake.of("alpha"));
        assertThrows(UnsupportedOperationException.class, () -> r.names().add("x"));
        assertThrows(UnsupportedOperationException.class, () -> r.all().clear());
        assertThrows(UnsupportedOperationException.class, () -> r.broken().clear());
    }

    @Test
    void availabilityDefaultsAndFactories() {
        NamedProvider plain = () -> "plain";
        assertEquals(0, plain.priority());
        assertSame(Availability.AVAILABLE, plain.availability());
        assertTrue(Availability.AVAILABLE.available());
        Availability noCause = Availability.unavailable("x", null);
        assertFalse(noCause.available());
        assertTrue(noCause.cause().isEmpty());
        assertThrows(NullPointerException.class, () -> new Availability(true, null, null));
    }

    @Test
    void aProviderWithAnUnusableNameIsRecordedAsBrokenAndHidesNoOther() {
        Fake good = Fake.of("good");
        ProviderRegistry<Fake> r = registry(Fake.of("bad name"), good);
        assertSame(good, r.get("good"));
        assertEquals(List.of("good"), r.names());
        assertEquals(1, r.broken().size());
    }

    @Test
    void bestPrefersPriorityZeroOverTheMostNegativePriority() {
        Fake low = Fake.of("low", Integer.MIN_VALUE);
        Fake normal = Fake.of("normal", 0);
        assertSame(normal, registry(low, normal).best());
    }

    @Test
    void bestWithNothingUsableNamesTheProvidersThatFailedToLoad() {
        ProviderRegistry<Fake> r = ProviderRegistry.load(providers(() -> {
            throw new ServiceConfigurationError("libcuda.so.1 not found");
        }), "quantizer", ARTIFACTS);
        UnknownProviderException e = assertThrows(UnknownProviderException.class, r::best);
        assertTrue(e.getMessage().contains("libcuda.so.1 not found"), e.getMessage());
        assertTrue(e.getMessage().contains("org.quant4j:quant-onnxruntime"), e.getMessage());
    }

    /** A property of this test only, so the real default backend is never touched. */
    private static final String PROPERTY = "quant4j.test.defaultProvider";

    private static <T> T withProperty(String value, Supplier<T> task) {
        System.setProperty(PROPERTY, value);
        try {
            return task.get();
        } finally {
            System.clearProperty(PROPERTY);
        }
    }

    @Test
    void theDefaultPropertyWinsOverPriorityWhenSet() {
        Fake low = Fake.of("low", 1);
        Fake high = Fake.of("high", 5);
        ProviderRegistry<Fake> r = registry(low, high).withDefaultProperty(PROPERTY);
        assertSame(high, r.best());
        assertEquals(java.util.Optional.empty(), r.defaultName());
        assertSame(low, withProperty(" LOW ", r::best));
        assertEquals(java.util.Optional.of("low"), withProperty("low", r::defaultName));
        assertSame(high, withProperty("  ", r::best), "a blank property is unset");
    }

    @Test
    void aDefaultPropertyNamingAMissingProviderNamesThePropertyAndTheNamesFound() {
        ProviderRegistry<Fake> r = registry(Fake.of("alpha"), Fake.of("beta")).withDefaultProperty(PROPERTY);
        UnknownProviderException e = withProperty("gamma", () -> assertThrows(UnknownProviderException.class, r::best));
        assertTrue(e.getMessage().startsWith("System property " + PROPERTY + "=gamma names no quantizer on the"
                + " classpath"), e.getMessage());
        assertTrue(e.getMessage().contains("Found on the classpath: alpha, beta"), e.getMessage());
        assertTrue(e.getMessage().contains("Set " + PROPERTY + " to one of the names found, or clear it"), e.getMessage());
    }

    @Test
    void aDefaultPropertyNamingAnUnavailableProviderIsNotSilentlyReplaced() {
        Fake gpu = new Fake("gpu", 0, Availability.unavailable("no CUDA driver"));
        ProviderRegistry<Fake> r = registry(gpu, Fake.of("cpu", 10)).withDefaultProperty(PROPERTY);
        ProviderUnavailableException e = withProperty("gpu",
                () -> assertThrows(ProviderUnavailableException.class, r::best));
        assertTrue(e.getMessage().contains("'gpu', chosen by system property " + PROPERTY), e.getMessage());
        assertTrue(e.getMessage().contains("no CUDA driver"), e.getMessage());
    }

    @Test
    void aRegistryWithoutDefaultPropertyIgnoresTheBackendProperty() {
        Fake high = Fake.of("high", 5);
        ProviderRegistry<Fake> r = registry(Fake.of("low"), high);
        System.setProperty(ProviderRegistry.DEFAULT_BACKEND_PROPERTY, "low");
        try {
            assertSame(high, r.best());
        } finally {
            System.clearProperty(ProviderRegistry.DEFAULT_BACKEND_PROPERTY);
        }
    }

    @Test
    void reloadAsksTheSourceAgain() {
        List<Fake> source = new java.util.ArrayList<>(List.of(Fake.of("alpha")));
        ProviderRegistry<Fake> r = ProviderRegistry.load(() -> List.copyOf(source).iterator(), "quantizer", ARTIFACTS);
        assertEquals(List.of("alpha"), r.names());
        source.add(Fake.of("beta"));
        assertEquals(List.of("alpha"), r.names(), "nothing changes before a reload");
        r.reload();
        assertEquals(List.of("alpha", "beta"), r.names());
    }
}
