package org.quant4j.report.compare;

import java.util.Objects;
import org.quant4j.api.InvalidInputException;
import org.quant4j.report.stats.McNemarTest;

/**
 * McNemar's exact test between two quantized methods of a comparison evaluated on the same
 * labelled samples: {@code test.b()} samples only {@code first} classifies correctly,
 * {@code test.c()} only {@code second}. The recommendation uses it to tell apart two methods whose
 * speeds it cannot tell apart.
 *
 * @param first  name of the first method
 * @param second name of the second method
 * @param test   the test, oriented from {@code first} to {@code second}
 */
public record MethodPairTest(String first, String second, McNemarTest test) {

    public MethodPairTest {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        Objects.requireNonNull(test, "test");
        if (first.equals(second)) {
            throw new InvalidInputException("A paired test compares two different methods, got '" + first + "' twice");
        }
    }

    /** The same test seen from {@code second}: its b and c swapped. */
    public MethodPairTest reversed() {
        return new MethodPairTest(second, first, new McNemarTest(test.c(), test.b(), test.pValue()));
    }
}
