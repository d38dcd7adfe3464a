package org.quant4j.report.stats;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.evaluate.Predictions;

/** Checks that two prediction sets are paired: the same samples, in the same order. */
final class SamePairs {

    private SamePairs() {
    }

    static void require(Predictions reference, Predictions candidate) {
        if (reference.size() != candidate.size()) {
            throw new InvalidInputException("Paired statistics need predictions on the same samples: reference has "
                    + reference.size() + " samples, candidate " + candidate.size()
                    + ". Evaluate both models on the same dataset");
        }
        for (int i = 0; i < reference.size(); i++) {
            if (reference.label(i) != candidate.label(i)) {
                throw new InvalidInputException("Paired statistics need predictions on the same samples in the same order: "
                        + "sample " + i + " has label " + reference.label(i) + " in the reference and "
                        + candidate.label(i) + " in the candidate. Evaluate both models on the same dataset, unshuffled");
            }
        }
    }
}
