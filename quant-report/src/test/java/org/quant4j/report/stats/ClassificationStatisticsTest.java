package org.quant4j.report.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.evaluate.Predictions;
import org.quant4j.report.Fixtures;

class ClassificationStatisticsTest {

    // (true, predicted): (0,0) (0,0) (0,1) (1,1) (1,1) (1,1) (1,2) (2,2) (2,1) (2,2)
    private static final int[] LABELS = {0, 0, 0, 1, 1, 1, 1, 2, 2, 2};
    private static final int[] PREDICTED = {0, 0, 1, 1, 1, 1, 2, 2, 1, 2};

    @Test
    void confusionMatrixPrecisionRecallAndF1OfThreeClassToyCase() {
        ClassificationStatistics s = ClassificationStatistics.of(Fixtures.top1(LABELS, PREDICTED), List.of("a", "b", "c"));
        assertArrayEquals(new int[][] {{2, 1, 0}, {0, 3, 1}, {0, 1, 2}}, s.confusionMatrix());
        assertEquals(10, s.sampleCount());
        assertEquals(0.7, s.top1(), 1e-12);
        assertTrue(s.top5().isEmpty(), "k = 1 keeps no top-5");

        ClassStatistics a = s.forClass(0);
        ClassStatistics b = s.forClass(1);
        ClassStatistics c = s.forClass(2);
        assertEquals(3, a.support());
        assertEquals(4, b.support());
        assertEquals(3, c.support());
        // Precision: column-wise. a: 2/2, b: 3/5, c: 2/3.
        assertEquals(1.0, a.precision(), 1e-12);
        assertEquals(0.6, b.precision(), 1e-12);
        assertEquals(2.0 / 3, c.precision(), 1e-12);
        // Recall (= per-class accuracy): row-wise. a: 2/3, b: 3/4, c: 2/3.
        assertEquals(2.0 / 3, a.recall(), 1e-12);
        assertEquals(0.75, b.accuracy(), 1e-12);
        assertEquals(2.0 / 3, c.recall(), 1e-12);
        // F1 = 2PR/(P+R). a: 2*(2/3)/(5/3) = 0.8; b: 0.9/1.35 = 2/3; c: 2/3.
        assertEquals(0.8, a.f1(), 1e-12);
        assertEquals(2.0 / 3, b.f1(), 1e-12);
        assertEquals(2.0 / 3, c.f1(), 1e-12);
        assertEquals("b", b.name());
    }

    @Test
    void classCountIsInferredFromLabelsAndPredictions() {
        ClassificationStatistics s = ClassificationStatistics.of(Fixtures.top1(LABELS, PREDICTED));
        assertEquals(List.of("0", "1", "2"), s.classNames());
    }

    @Test
    void neverPredictedClassHasUndefinedPrecision() {
        ClassificationStatistics s = ClassificationStatistics.of(Fixtures.top1(new int[] {0, 1}, new int[] {0, 0}),
                List.of("x", "y"));
        assertTrue(Double.isNaN(s.forClass(1).precision()));
        assertEquals(0.0, s.forClass(1).recall());
        assertTrue(Double.isNaN(s.forClass(1).f1()));
    }

    @Test
    void topFiveCountsLabelAmongBestFive() {
        // Sample 0: label first. Sample 1: label fifth. Sample 2: label absent.
        Predictions p = new Predictions(5, new int[] {0, 1, 2},
                new int[] {0, 1, 2, 3, 4, 0, 2, 3, 4, 1, 0, 1, 3, 4, 5}, new float[] {1, 1, 1});
        ClassificationStatistics s = ClassificationStatistics.of(p, Fixtures.FASHION_CLASSES);
        assertEquals(2.0 / 3, s.top5().getAsDouble(), 1e-12);
        assertEquals(1.0 / 3, s.top1(), 1e-12);
    }

    @Test
    void rejectsLabelOutsideTheClasses() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ClassificationStatistics.of(Fixtures.top1(new int[] {0, 3}, new int[] {0, 0}), List.of("x", "y")));
        assertTrue(e.getMessage().contains("Sample 1") && e.getMessage().contains("label 3"), e.getMessage());
    }

    @Test
    void countsRoundTripThroughFromCounts() {
        ClassificationStatistics s = ClassificationStatistics.of(Fixtures.top1(LABELS, PREDICTED), List.of("a", "b", "c"));
        assertEquals(s, ClassificationStatistics.fromCounts(s.classNames(), s.confusionMatrix(), s.top5Correct()));
    }

    @Test
    void agreementCountsSameTopOneRegardlessOfLabel() {
        Predictions a = Fixtures.top1(LABELS, PREDICTED);
        int[] other = PREDICTED.clone();
        other[0] = 2;
        other[2] = 0;
        assertEquals(0.8, PairedComparison.top1Agreement(a, Fixtures.top1(LABELS, other)), 1e-12);
    }

    /**
     * Two samples without a prediction (scores with NaN or infinity): in no cell of the confusion
     * matrix, but counted among the samples and as wrong; the calibration error bins only the rest,
     * and such a sample never agrees with the reference.
     */
    @Test
    void samplesWithoutAPredictionCountAsWrongEverywhere() {
        int none = Predictions.NO_PREDICTION;
        int[] labels = {0, 1, 1, 0};
        Predictions candidate = new Predictions(1, labels, new int[] {0, none, 1, none},
                new float[] {1f, Float.NaN, 1f, Float.NaN});
        Predictions reference = Fixtures.top1(labels, new int[] {0, 1, 1, 0});

        AccuracyStatistics s = AccuracyStatistics.of(candidate, reference, List.of("a", "b"),
                StatisticsOptions.withSeed(1));

        assertArrayEquals(new int[][] {{1, 0}, {0, 1}}, s.classification().confusionMatrix());
        assertEquals(4, s.classification().sampleCount());
        assertEquals(2, s.classification().nonFinite());
        assertEquals(0.5, s.classification().top1(), 1e-12);
        assertEquals(0.5, s.top1().estimate(), 1e-12);
        assertEquals(2, s.calibration().bins().stream().mapToInt(ReliabilityBin::count).sum());
        assertEquals(0.5, s.versusReference().orElseThrow().agreement(), 1e-12);
        assertEquals(-0.5, s.versusReference().orElseThrow().difference().estimate(), 1e-12);
        assertEquals(s.classification(), ClassificationStatistics.fromCounts(List.of("a", "b"),
                new int[][] {{1, 0}, {0, 1}}, -1, 2));
    }
}
