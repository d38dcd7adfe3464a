package org.quant4j.api.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ServiceLoader;
import java.util.regex.Pattern;
import org.junit.jupiter.api.function.Executable;

/**
 * The checks every provider contract of quant-api's test-jar shares: service registration, a
 * stable ASCII name found by look-up, availability as a value, and a closable product.
 */
public final class NamedProviderChecks {

    /** What {@link ProviderRegistry} accepts and what a user types: lower-case ASCII, digits, {@code -_.}. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private NamedProviderChecks() {
    }

    /** {@code provider}'s class is listed in {@code META-INF/services} of {@code type}. */
    public static <P extends NamedProvider> void listedInMetaInfServices(Class<P> type, P provider) {
        boolean found = ServiceLoader.load(type).stream().anyMatch(p -> p.type().equals(provider.getClass()));
        assertTrue(found, provider.getClass().getName() + " is missing from META-INF/services/" + type.getName());
    }

    /** The name is short lower-case ASCII, the same at every call, and the registry finds this provider by it. */
    public static <P extends NamedProvider> void stableNameFoundByLookup(P provider, ProviderRegistry<P> registry) {
        String name = provider.name();
        assertNotNull(name, "name()");
        assertTrue(NAME.matcher(name).matches(), "provider name '" + name + "' is not a short lower-case ASCII name");
        assertEquals(name, provider.name(), "name() must be stable");
        assertTrue(registry.contains(name.toUpperCase(java.util.Locale.ROOT)), name + " is not found by look-up");
        assertSame(provider.getClass(), registry.find(name).getClass());
    }

    /**
     * {@code availability()} answers without throwing, twice the same way; an unavailable provider
     * has a reason, and asking the registry for it throws {@link ProviderUnavailableException} with
     * that reason.
     */
    public static <P extends NamedProvider> void availabilityIsAValue(P provider, ProviderRegistry<P> registry) {
        Availability a = provider.availability();
        assertNotNull(a, "availability()");
        assertEquals(a.available(), provider.availability().available(), "availability must not flip between calls");
        if (a.available()) {
            assertSame(provider.getClass(), registry.get(provider.name()).getClass());
        } else {
            assertFalse(a.reason().isBlank(), "an unavailable provider must say why");
            ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class,
                    () -> registry.get(provider.name()));
            assertTrue(e.getMessage().contains(a.reason()), e.getMessage());
        }
    }

    /**
     * Closing {@code product} twice is harmless, and {@code use} after closing throws
     * {@link IllegalStateException} whose message names the product's type.
     */
    public static void closeIsIdempotentAndUseAfterCloseFails(AutoCloseable product, Executable use)
            throws Exception {
        product.close();
        product.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, use,
                product.getClass().getSimpleName() + " must refuse work after close()");
        String type = product.getClass().getSimpleName();
        assertTrue(e.getMessage() != null && e.getMessage().contains(type),
                "the error of a closed " + type + " must name the type, got: " + e.getMessage());
    }
}
