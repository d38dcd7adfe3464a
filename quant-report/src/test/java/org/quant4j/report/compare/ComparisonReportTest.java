package org.quant4j.report.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.report.Fixtures.changePoints;
import static org.quant4j.report.Fixtures.stats;
import static org.quant4j.report.Fixtures.timing;

import org.junit.jupiter.api.Test;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationMode;
import org.quant4j.report.stats.StatisticsOptions;

class ComparisonReportTest {

    private static final MethodResult FP32 = MethodResult.builder("FP32").accuracy(stats(100, 90, null, 0, 0))
            .throughputBatch32PerSecond(timing(1000)).latencyBatch1Millis(timing(2.0)).modelFileBytes(4000).build();

    private static ComparisonReport.Builder builder() {
        return ComparisonReport.builder().model("m").dataset("d").statistics(StatisticsOptions.withSeed(1)).reference(FP32);
    }

    private static MethodResult.Builder candidate(String name) {
        return MethodResult.builder(name).mode(QuantizationMode.STATIC)
                .accuracy(stats(100, 89, changePoints(-1, -3, 1), 2, 1));
    }

    @Test
    void ratiosAreRelativeToTheReference() {
        MethodResult q = candidate("q").throughputBatch32PerSecond(timing(2500)).latencyBatch1Millis(timing(0.5))
                .modelFileBytes(1000).build();
        ComparisonReport r = builder().method(q).build();
        assertEquals(2.5, r.throughputSpeedup(q).getAsDouble(), 1e-12);
        assertEquals(4.0, r.latencySpeedup(q).getAsDouble(), 1e-12);
        assertEquals(4.0, r.sizeReduction(q).getAsDouble(), 1e-12);
        assertEquals(-0.01, r.top1Change(q).estimate(), 1e-12);
        assertEquals(0.0, r.top1Change(FP32).estimate());
        assertEquals(FP32, r.reference());
        assertEquals(2, r.methods().size());
    }

    @Test
    void unmeasuredRatiosAreEmpty() {
        MethodResult q = candidate("q").build();
        ComparisonReport r = builder().method(q).build();
        assertTrue(r.throughputSpeedup(q).isEmpty());
        assertTrue(r.sizeReduction(q).isEmpty());
    }

    @Test
    void rejectsDuplicateNames() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> builder().method(candidate("FP32").build()).build());
        assertTrue(e.getMessage().contains("Two methods are named 'FP32'"), e.getMessage());
    }

    @Test
    void rejectsMissingReferenceAndUnpairedCandidate() {
        assertThrows(InvalidInputException.class, () -> ComparisonReport.builder().model("m").dataset("d")
                .statistics(StatisticsOptions.withSeed(1)).build());
        MethodResult unpaired = MethodResult.builder("u").mode(QuantizationMode.FP16).accuracy(stats(100, 90, null, 0, 0)).build();
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> builder().method(unpaired).build());
        assertTrue(e.getMessage().contains("AccuracyStatistics.of(candidate, reference"), e.getMessage());
    }

    @Test
    void rejectsMethodsEvaluatedOnOtherData() {
        MethodResult other = MethodResult.builder("o").mode(QuantizationMode.FP16)
                .accuracy(stats(50, 45, changePoints(0, -1, 1), 0, 0)).build();
        assertThrows(InvalidInputException.class, () -> builder().method(other).build());
    }

    @Test
    void methodResultRejectsInconsistentSettings() {
        assertThrows(InvalidInputException.class, () -> MethodResult.builder("x").mode(QuantizationMode.DYNAMIC)
                .calibration(CalibrationMethod.ENTROPY).accuracy(stats(10, 9, null, 0, 0)).build());
        assertThrows(InvalidInputException.class, () -> MethodResult.builder("x").perChannel(true)
                .accuracy(stats(10, 9, null, 0, 0)).build());
        // A row without statistics is only the reference of a comparison on data without labels.
        MethodResult bare = MethodResult.builder("x").build();
        assertThrows(InvalidInputException.class, () -> builder().method(bare).build());
    }

    @Test
    void timingSummaryUsesInterpolatedPercentiles() {
        TimingSummary t = TimingSummary.of(10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
        // Type 7 on 1..10: median 5.5; p10 at h = 0.9 -> 1.9; p90 at h = 8.1 -> 9.1.
        assertEquals(5.5, t.median(), 1e-12);
        assertEquals(1.9, t.p10(), 1e-12);
        assertEquals(9.1, t.p90(), 1e-12);
        assertEquals(10, t.count());
        assertThrows(InvalidInputException.class, () -> new TimingSummary(5, 6, 7, 3));
    }

    @Test
    void numbersAreFormattedWithoutLocaleOrNegativeZero() {
        assertEquals("91.23%", ReportNumbers.percent(0.91234));
        assertEquals("+0.00 pp", ReportNumbers.points(-0.00001));
        assertEquals("-0.31 pp", ReportNumbers.points(-0.0031));
        assertEquals("p < 0.0001", ReportNumbers.pEquals(0.00001));
        assertEquals("p = 0.0215", ReportNumbers.pEquals(0.021484375));
        assertEquals("12,345", ReportNumbers.rate(12_345.4));
        assertEquals("1.50 MiB", ReportNumbers.bytes(1_572_864));
        assertEquals("95%", ReportNumbers.level(0.95));
        assertEquals("97.5%", ReportNumbers.level(0.975));
    }
}
