package org.quant4j.qat.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quant4j.api.ModelException;
import org.quant4j.qat.train.EpochRecord;

class ModelCardTest {

    private static ModelCard card(int correct) {
        List<EpochRecord> history = List.of(new EpochRecord(1, 430, 0.6, 0.8, 0.85, 0.1, 60),
                new EpochRecord(2, 430, 0.4, 0.86, 0.88, 0.05, 58));
        return new ModelCard(ReferenceModel.VGG, "VGG-style", 390_634, 7_400_000, correct, 10_000, 0.9301, history, 2,
                118, "seed 42", "Fashion-MNIST", Map.of("machine", "2 cores"), "ab12", 1_500_000);
    }

    @Test
    void accuracyLineReadsBackAsWritten() {
        String md = card(9301).markdown();
        assertEquals(0.9301, ModelCard.testAccuracyOf(md), 1e-9);
        assertTrue(md.contains("| parameters | 390,634"), md);
        assertTrue(md.contains(">= 92.50%: met"), md);
        assertTrue(md.contains("exec:exec -Dreference=vgg"), md);
        assertTrue(md.contains("| 2 (kept) | 430 |"), md);
    }

    @Test
    void missedTargetIsSaid() {
        assertTrue(card(9100).markdown().contains(">= 92.50%: NOT met"));
    }

    @Test
    void cardWithoutAccuracyLineIsAnError() {
        assertThrows(ModelException.class, () -> ModelCard.testAccuracyOf("# a card\n"));
    }
}
