package org.quant4j.api.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.provider.NamedProviderChecks;

/**
 * Behaviour every {@link QuantizerProvider} must have. Shipped in quant-api's test-jar: a module
 * that provides a quantizer extends this class once per provider (SLF4J's API test-jar pattern).
 */
public abstract class QuantizerProviderContract {

    /** The provider under test. */
    protected abstract QuantizerProvider provider();

    @TempDir
    Path dir;

    @Test
    void isListedInMetaInfServices() {
        NamedProviderChecks.listedInMetaInfServices(QuantizerProvider.class, provider());
    }

    @Test
    void hasAStableAsciiNameFoundByLookup() {
        NamedProviderChecks.stableNameFoundByLookup(provider(), Quantizers.registry());
    }

    @Test
    void availabilityIsAValueWithAReasonWhenUnavailable() {
        NamedProviderChecks.availabilityIsAValue(provider(), Quantizers.registry());
    }

    @Test
    void namesTheVersionOfItsBackend() {
        String version = provider().backendVersion();
        assertNotNull(version, "backendVersion()");
        assertFalse(version.isBlank(), "backendVersion() is recorded in provenance and must not be blank");
    }

    @Test
    void declaresItsDataNeedForEveryModeAndStaticModeNeedsData() {
        for (QuantizationMode mode : QuantizationMode.values()) {
            assertNotNull(provider().dataNeed(mode), "dataNeed(" + mode + ")");
            assertEquals(provider().dataNeed(mode), provider().dataNeed(mode), "dataNeed(" + mode + ") must be stable");
        }
        // A static model's activation ranges come from data; a request without data cannot be built.
        assertTrue(provider().dataNeed(QuantizationMode.STATIC).needsData(),
                "static quantization needs data, but " + provider().name() + " declares none");
    }

    @Test
    void createsAQuantizerOfItsNameWhoseCloseIsIdempotentAndFinal() throws Exception {
        assumeTrue(provider().availability().available(), () -> provider().name() + " is unavailable here: "
                + provider().availability().reason());
        Quantizer quantizer = provider().create();
        assertEquals(provider().name(), quantizer.name());
        // The model need not exist: a closed quantizer must refuse before reading anything.
        QuantizationRequest request = QuantizationRequest.builder()
                .model(dir.resolve("absent.onnx"))
                .output(dir.resolve("absent-out.onnx"))
                .config(QuantizationConfig.builder().mode(QuantizationMode.DYNAMIC).build())
                .build();
        NamedProviderChecks.closeIsIdempotentAndUseAfterCloseFails(quantizer, () -> quantizer.quantize(request));
    }
}
