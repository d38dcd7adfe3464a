package org.quant4j.qat.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quant4j.api.ModelException;
import org.quant4j.qat.train.EpochRecord;

class QatCardTest {

    private static QatCard card(double qat, int bestEpoch) {
        List<EpochRecord> history = List.of(new EpochRecord(1, 430, 0.17, 0.94, 0.9356, 0.0009, 120),
                new EpochRecord(2, 430, 0.16, 0.94, 0.9338, 0.0006, 118));
        return new QatCard(ReferenceModel.RESNET, 0.9287, Map.of("minmax", 0.9287, "mse", 0.9281, "entropy", 0.8635),
                qat, qat, 10_000, 0.9356, 0.9354, "percentile", history, bestEpoch, 375, "5 epochs",
                Map.of("machine", "2 cores"), "ab12", 204_000, "{QLinearConv=15}");
    }

    @Test
    void targetsAreJudgedAgainstFloatAndTheBestPtq() {
        String md = card(0.9306, 1).markdown();
        assertEquals(0.9306, QatCard.qatAccuracyOf(md), 1e-9);
        assertTrue(md.contains("| QAT vs FP32 | +0.19 points (target: within 0.5): met |"), md);
        assertTrue(md.contains("| QAT vs best PTQ (minmax) | +0.19 points (target: not worse): met |"), md);
        assertTrue(md.contains("| 1 (kept) | 430 |"), md);
        assertTrue(md.contains("-Dreference=resnet -Dquant4j.referenceMain=org.quant4j.qat.reference.QatReference"), md);
    }

    @Test
    void missedTargetsAreSaid() {
        String md = card(0.9230, 2).markdown();
        assertTrue(md.contains("| QAT vs FP32 | -0.57 points (target: within 0.5): NOT met |"), md);
        assertTrue(md.contains("(target: not worse): NOT met"), md);
    }

    @Test
    void keepingTheCalibratedStartIsSaid() {
        assertTrue(card(0.9287, 0).markdown().contains("no epoch of 2 beat the calibrated start"));
    }

    @Test
    void equalAccuraciesDifferByPlusZero() {
        assertEquals("+0.00", QatCard.points(0.9305 - 0.9305000001));
        assertEquals("-0.11", QatCard.points(0.9305 - 0.9316));
    }

    @Test
    void cardWithoutQatRowIsAnError() {
        assertThrows(ModelException.class, () -> QatCard.qatAccuracyOf("# card\n"));
    }
}
