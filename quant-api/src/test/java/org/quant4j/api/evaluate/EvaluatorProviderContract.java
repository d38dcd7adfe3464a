package org.quant4j.api.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.data.TinyDataset;
import org.quant4j.api.provider.NamedProviderChecks;

/**
 * Behaviour every {@link EvaluatorProvider} must have. Shipped in quant-api's test-jar: a module
 * that provides an evaluator extends this class once per provider (SLF4J's API test-jar pattern).
 */
public abstract class EvaluatorProviderContract {

    /** The provider under test. */
    protected abstract EvaluatorProvider provider();

    @TempDir
    Path dir;

    @Test
    void isListedInMetaInfServices() {
        NamedProviderChecks.listedInMetaInfServices(EvaluatorProvider.class, provider());
    }

    @Test
    void hasAStableAsciiNameFoundByLookup() {
        NamedProviderChecks.stableNameFoundByLookup(provider(), Evaluators.registry());
    }

    @Test
    void availabilityIsAValueWithAReasonWhenUnavailable() {
        NamedProviderChecks.availabilityIsAValue(provider(), Evaluators.registry());
    }

    @Test
    void createsAnEvaluatorOfItsNameWhoseCloseIsIdempotentAndFinal() throws Exception {
        assumeTrue(provider().availability().available(), () -> provider().name() + " is unavailable here: "
                + provider().availability().reason());
        Evaluator evaluator = provider().create();
        assertEquals(provider().name(), evaluator.name());
        // The model need not exist: a closed evaluator must refuse before reading anything.
        EvaluationRequest request = EvaluationRequest.builder()
                .model(dir.resolve("absent.onnx"))
                .data(new TinyDataset(4, 2))
                .topK(1)
                .build();
        NamedProviderChecks.closeIsIdempotentAndUseAfterCloseFails(evaluator, () -> evaluator.evaluate(request));
    }
}
