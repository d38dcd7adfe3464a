package org.quant4j.report.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.report.Fixtures.changePoints;
import static org.quant4j.report.Fixtures.stats;
import static org.quant4j.report.Fixtures.timing;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.evaluate.OutputFidelity;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.report.stats.McNemarTest;
import org.quant4j.report.stats.StatisticsOptions;

class RecommendationsTest {

    private static MethodResult reference(double throughput, long bytes) {
        return MethodResult.builder("FP32").accuracy(stats(1000, 900, null, 0, 0))
                .throughputBatch32PerSecond(timing(throughput)).modelFileBytes(bytes).build();
    }

    private static MethodResult.Builder staticRow(String name, int correct, double change, double lower, double upper,
                                                  int b, int c) {
        return MethodResult.builder(name).mode(QuantizationMode.STATIC).calibration(CalibrationMethod.ENTROPY)
                .perChannel(true).accuracy(stats(1000, correct, changePoints(change, lower, upper), b, c));
    }

    private static ComparisonReport report(MethodResult reference, MethodResult... methods) {
        return ComparisonReport.builder().model("m.onnx").dataset("d").statistics(StatisticsOptions.withSeed(1))
                .reference(reference).methods(List.of(methods)).targets(Targets.none()).build();
    }

    @Test
    void deploysFastestMethodWhoseDropIsWithinToleranceAndNamesSmallest() {
        // "fast" is fastest of all but its change interval reaches -2.5 pp: excluded.
        MethodResult fast = staticRow("fast", 880, -2.0, -2.5, -1.5, 25, 5).throughputBatch32PerSecond(timing(5000))
                .modelFileBytes(240).build();
        MethodResult good = staticRow("good", 897, -0.3, -0.8, 0.2, 5, 2).throughputBatch32PerSecond(timing(3000))
                .modelFileBytes(300).build();
        MethodResult small = staticRow("small", 896, -0.4, -0.9, 0.1, 6, 2).throughputBatch32PerSecond(timing(2500))
                .modelFileBytes(250).build();
        ComparisonReport r = report(reference(1000, 1000), fast, good, small);

        Recommendation deploy = r.recommendations().deploy().orElseThrow();
        assertEquals(Optional.of("good"), deploy.method());
        assertTrue(deploy.text().startsWith("Deploy 'good': the highest median throughput at batch 32 (3,000 samples/s, 3.00x 'FP32')"),
                deploy.text());
        assertTrue(deploy.text().contains("change -0.30 pp (95% CI -0.80 to +0.20 pp)"), deploy.text());
        assertEquals(Optional.of("small"), r.recommendations().smallest().orElseThrow().method());

        List<Recommendation> warnings = r.recommendations().warnings();
        assertEquals(1, warnings.size(), "only 'fast' differs significantly: " + warnings);
        assertEquals(Optional.of("fast"), warnings.get(0).method());
        assertTrue(warnings.get(0).text().contains("25 samples only 'FP32' got right, 5 only 'fast'"), warnings.get(0).text());
    }

    @Test
    void keepsReferenceWhenNoMethodWithinToleranceIsFaster() {
        MethodResult slow = staticRow("slow", 899, -0.1, -0.4, 0.2, 2, 1).throughputBatch32PerSecond(timing(800)).build();
        ComparisonReport r = report(reference(1000, 1000), slow);
        Recommendation deploy = r.recommendations().deploy().orElseThrow();
        assertEquals(Optional.of("FP32"), deploy.method());
        assertTrue(deploy.text().startsWith("Keep 'FP32'"), deploy.text());
    }

    @Test
    void saysSoWhenNoQuantizedMethodIsWithinTolerance() {
        MethodResult a = staticRow("a", 850, -5.0, -6.0, -4.0, 60, 10).throughputBatch32PerSecond(timing(3000)).build();
        MethodResult b = staticRow("b", 870, -3.0, -4.0, -2.0, 40, 10).throughputBatch32PerSecond(timing(3000)).build();
        ComparisonReport r = report(reference(1000, 1000), a, b);
        Recommendation none = r.recommendations().all().stream()
                .filter(x -> x.kind() == Recommendation.Kind.NONE_WITHIN_TOLERANCE).findFirst().orElseThrow();
        assertEquals(Optional.of("b"), none.method(), "the most accurate is named");
        assertTrue(none.text().contains("top-1 87.00% versus 90.00%"), none.text());
        assertEquals(Optional.of("FP32"), r.recommendations().deploy().orElseThrow().method());
    }

    @Test
    void toleranceIsConfigurable() {
        MethodResult a = staticRow("a", 880, -2.0, -2.5, -1.5, 25, 5).throughputBatch32PerSecond(timing(3000)).build();
        ComparisonReport strict = report(reference(1000, 1000), a);
        ComparisonReport loose = ComparisonReport.builder().model("m").dataset("d").statistics(StatisticsOptions.withSeed(1))
                .reference(reference(1000, 1000)).method(a).accuracyTolerance(0.03).targets(Targets.none()).build();
        assertEquals(Optional.of("FP32"), strict.recommendations().deploy().orElseThrow().method());
        assertEquals(Optional.of("a"), loose.recommendations().deploy().orElseThrow().method());
        assertTrue(loose.recommendations().deploy().get().text().contains("stays above -3.00 pp"));
    }

    @Test
    void methodWithoutThroughputIsNotRankedAndSaysWhy() {
        MethodResult unmeasured = staticRow("unmeasured", 899, -0.1, -0.4, 0.2, 2, 1).build();
        ComparisonReport r = report(MethodResult.builder("FP32").accuracy(stats(1000, 900, null, 0, 0)).build(), unmeasured);
        assertFalse(r.recommendations().deploy().isPresent());
        assertTrue(r.recommendations().all().stream().anyMatch(x -> x.kind() == Recommendation.Kind.NOT_RANKED
                && x.method().equals(Optional.of("unmeasured")) && x.text().contains("was not measured")));
    }

    // ---------------------------------------------------------------- speed within measurement noise

    private static MethodResult.Builder issueRow(String name, CalibrationMethod calibration, boolean perChannel,
            int correct, double change, double lower, double upper, int b, int c) {
        return MethodResult.builder(name).mode(QuantizationMode.STATIC).calibration(calibration).perChannel(perChannel)
                .accuracy(stats(10_000, correct, changePoints(change, lower, upper), b, c));
    }

    /**
     * Issue 16 on the ResNet-style model: 'mse per-channel' (top-1 -0.61 pp, McNemar p < 0.0001 against
     * FP32, 4,718 samples/s) was recommended over 'minmax per-tensor' (-0.02 pp, p = 0.87, 4,657
     * samples/s), although their 10th-90th percentile ranges (about 3,600 to 5,600) overlap almost
     * entirely. The old rule took the higher median; the speeds tie, and the significantly less
     * accurate of the two is never recommended.
     */
    @Test
    void speedsWithinTheTimingSpreadTieAndTheSignificantlyLessAccurateIsNotRecommended() {
        MethodResult fp32 = MethodResult.builder("FP32").accuracy(stats(10_000, 9_300, null, 0, 0))
                .throughputBatch32PerSecond(new TimingSummary(2_100, 1_900, 2_300, 60)).modelFileBytes(700_000).build();
        MethodResult minmax = issueRow("static int8 minmax per-tensor", CalibrationMethod.MIN_MAX, false, 9_298,
                -0.02, -0.26, 0.22, 21, 19).throughputBatch32PerSecond(new TimingSummary(4_657, 3_600, 5_600, 60))
                .modelFileBytes(200_000).build();
        MethodResult mse = issueRow("static int8 mse per-channel", CalibrationMethod.MSE, true, 9_239, -0.61, -0.85,
                -0.37, 75, 14).throughputBatch32PerSecond(new TimingSummary(4_718, 3_650, 5_620, 60))
                .modelFileBytes(204_000).build();
        assertTrue(minmax.accuracy().versusReference().orElseThrow().mcnemar().pValue() > 0.8);
        assertTrue(mse.accuracy().versusReference().orElseThrow().mcnemar().pValue() < 0.0001);
        ComparisonReport r = ComparisonReport.builder().model("fashion-resnet.onnx").dataset("Fashion-MNIST test")
                .statistics(StatisticsOptions.withSeed(1)).reference(fp32).method(minmax).method(mse)
                .pairedTest(new MethodPairTest(minmax.name(), mse.name(), McNemarTest.exact(70, 11)))
                .targets(Targets.none()).build();
        assertTrue(r.withinTolerance(mse), "both are within the 1 pp tolerance: the choice is about noise");

        Recommendation deploy = r.recommendations().deploy().orElseThrow();
        assertEquals(Optional.of("static int8 minmax per-tensor"), deploy.method(), deploy.text());
        assertTrue(deploy.text().startsWith("Deploy 'static int8 minmax per-tensor': tied for the fastest at batch 32"
                + " within measurement noise, median (4,657 samples/s"), deploy.text());
        assertTrue(deploy.text().contains("'static int8 mse per-channel' (median 4,718, 10th-90th percentile 3,650 to"
                + " 5,620 samples/s), 'static int8 minmax per-tensor' (median 4,657, 10th-90th percentile 3,600 to 5,600"
                + " samples/s) each have a median inside the fastest's 10th-90th percentile range"), deploy.text());
        assertTrue(deploy.text().contains("'static int8 mse per-channel' is significantly less accurate (top-1 92.98%"
                + " versus 92.39%; McNemar exact p < 0.0001: 70 samples only 'static int8 minmax per-tensor' got right,"
                + " 11 only 'static int8 mse per-channel')"), deploy.text());

        // Stored in results.json and read back: the same recommendation.
        ComparisonReport read = org.quant4j.report.render.ResultsJson.read(
                org.quant4j.report.render.ResultsJson.write(r), "results.json");
        assertEquals(r, read);
        assertEquals(deploy, read.recommendations().deploy().orElseThrow());
    }

    @Test
    void aSpeedDifferenceBeyondTheTimingSpreadWinsOverAccuracy() {
        MethodResult fast = staticRow("fast", 896, -0.4, -0.9, 0.1, 6, 2)
                .throughputBatch32PerSecond(new TimingSummary(5_000, 4_800, 5_200, 20)).build();
        MethodResult accurate = staticRow("accurate", 900, 0, -0.3, 0.3, 1, 1)
                .throughputBatch32PerSecond(new TimingSummary(4_000, 3_800, 4_200, 20)).build();
        ComparisonReport r = ComparisonReport.builder().model("m.onnx").dataset("d")
                .statistics(StatisticsOptions.withSeed(1)).reference(reference(1000, 1000)).method(fast)
                .method(accurate).pairedTest(new MethodPairTest("fast", "accurate", McNemarTest.exact(0, 30)))
                .targets(Targets.none()).build();
        Recommendation deploy = r.recommendations().deploy().orElseThrow();
        assertEquals(Optional.of("fast"), deploy.method());
        assertTrue(deploy.text().startsWith("Deploy 'fast': the highest median throughput at batch 32"), deploy.text());
        assertTrue(deploy.text().endsWith(" Fastest beyond measurement noise: the 10th-90th percentile range of its"
                + " throughput at batch 32, 'fast' (median 5,000, 10th-90th percentile 4,800 to 5,200 samples/s), lies"
                + " above that of the next fastest, 'accurate' (median 4,000, 10th-90th percentile 3,800 to 4,200"
                + " samples/s)."), deploy.text());
    }

    @Test
    void rangesThatOnlyOverlapDoNotMakeATie() {
        // The demo on a loaded machine: FP32's range touched that of an INT8 model with 2.6 times its median.
        MethodResult fp32 = MethodResult.builder("FP32").accuracy(stats(1000, 901, null, 0, 0))
                .throughputBatch32PerSecond(new TimingSummary(2_999, 1_945, 3_784, 50)).build();
        MethodResult int8 = staticRow("int8", 900, -0.1, -0.4, 0.2, 2, 1)
                .throughputBatch32PerSecond(new TimingSummary(7_896, 3_548, 10_680, 50)).build();
        ComparisonReport r = report(fp32, int8);
        Recommendation deploy = r.recommendations().deploy().orElseThrow();
        assertEquals(Optional.of("int8"), deploy.method(), deploy.text());
        assertTrue(deploy.text().contains("Fastest beyond measurement noise"), deploy.text());
    }

    @Test
    void addingTheSensitivityKeepsThePairedTests() {
        MethodResult a = staticRow("a", 899, -0.1, -0.4, 0.2, 2, 1).build();
        MethodResult b = staticRow("b", 898, -0.2, -0.6, 0.2, 3, 1).build();
        ComparisonReport r = ComparisonReport.builder().model("m.onnx").dataset("d")
                .statistics(StatisticsOptions.withSeed(1)).reference(reference(1000, 1000)).method(a).method(b)
                .pairedTest(new MethodPairTest("a", "b", McNemarTest.exact(2, 1))).targets(Targets.none()).build();
        ComparisonReport withSensitivity = r.withSensitivity(org.quant4j.report.Fixtures.sampleSensitivity());
        assertEquals(r.pairedTests(), withSensitivity.pairedTests());
    }

    @Test
    void whenEverySpeedTiesTheMostAccurateIsChosenAndTheReferenceIsKept() {
        MethodResult fp32 = MethodResult.builder("FP32").accuracy(stats(1000, 900, null, 0, 0))
                .throughputBatch32PerSecond(new TimingSummary(1_000, 900, 1_100, 20)).build();
        MethodResult a = staticRow("a", 899, -0.1, -0.4, 0.2, 2, 1)
                .throughputBatch32PerSecond(new TimingSummary(1_080, 950, 1_200, 20)).build();
        MethodResult b = staticRow("b", 898, -0.2, -0.6, 0.2, 3, 1)
                .throughputBatch32PerSecond(new TimingSummary(1_050, 1_000, 1_150, 20)).build();
        ComparisonReport r = ComparisonReport.builder().model("m.onnx").dataset("d")
                .statistics(StatisticsOptions.withSeed(1)).reference(fp32).method(a).method(b)
                .pairedTest(new MethodPairTest("a", "b", McNemarTest.exact(2, 1))).targets(Targets.none()).build();
        Recommendation deploy = r.recommendations().deploy().orElseThrow();
        assertEquals(Optional.of("FP32"), deploy.method(), deploy.text());
        assertTrue(deploy.text().startsWith("Keep 'FP32': no method whose top-1 change stays above -1.00 pp at 95%"
                + " confidence is faster beyond measurement noise at batch 32 (1,000 samples/s)."), deploy.text());
        assertTrue(deploy.text().contains("so their speeds count as tied; 'FP32' chosen for accuracy: not"
                + " significantly different from 'a' (top-1 90.00% versus 89.90%; McNemar exact p = 1"), deploy.text());

        // Without the reference in the race, 'a' and 'b' tie and neither is significantly better: the higher
        // top-1 decides, and a pair without a recorded test says so.
        MethodResult slowFp32 = MethodResult.builder("FP32").accuracy(stats(1000, 900, null, 0, 0))
                .throughputBatch32PerSecond(new TimingSummary(500, 450, 550, 20)).build();
        ComparisonReport untested = report(slowFp32, a, b);
        Recommendation d = untested.recommendations().deploy().orElseThrow();
        assertEquals(Optional.of("a"), d.method(), d.text());
        assertTrue(d.text().contains("top-1 89.90% versus 89.80% for 'b' (no paired test between the two was"
                + " recorded)"), d.text());
    }

    @Test
    void pairedTestsMustNameTwoQuantizedMethodsOnce() {
        MethodResult a = staticRow("a", 899, -0.1, -0.4, 0.2, 2, 1).build();
        MethodResult b = staticRow("b", 898, -0.2, -0.6, 0.2, 3, 1).build();
        ComparisonReport.Builder unknown = ComparisonReport.builder().model("m").dataset("d")
                .statistics(StatisticsOptions.withSeed(1)).reference(reference(1000, 1000)).method(a).method(b)
                .pairedTest(new MethodPairTest("a", "c", McNemarTest.exact(1, 1)));
        InvalidInputException e = assertThrows(InvalidInputException.class, unknown::build);
        assertTrue(e.getMessage().contains("'c' is not a quantized method"), e.getMessage());
        ComparisonReport.Builder twice = ComparisonReport.builder().model("m").dataset("d")
                .statistics(StatisticsOptions.withSeed(1)).reference(reference(1000, 1000)).method(a).method(b)
                .pairedTest(new MethodPairTest("a", "b", McNemarTest.exact(1, 1)))
                .pairedTest(new MethodPairTest("b", "a", McNemarTest.exact(1, 1)));
        assertThrows(InvalidInputException.class, twice::build);
    }

    // ---------------------------------------------------------------- data without labels

    private static ConfidenceInterval ci(double estimate, double lower, double upper) {
        return new ConfidenceInterval(estimate, lower, upper, 0.95);
    }

    /** A fidelity row: SQNR and, for an output of {@code classes} classes, argmax agreement. */
    private static MethodResult.Builder fidelityRow(String name, double sqnr, double sqnrLower, int classes,
            double agreement, double agreementLower) {
        Optional<ConfidenceInterval> a = classes > 0 ? Optional.of(ci(agreement, agreementLower, 1))
                : Optional.empty();
        OutputFidelity o = new OutputFidelity("y", classes > 0 ? new long[] {classes} : new long[0],
                ci(sqnr, sqnrLower, sqnr + 1), ci(0.99, 0.98, 1), ci(0.1, 0.05, 0.1), ci(0.01, 0.005, 0.02),
                classes > 0 ? 1 : -1, a, a, 0);
        return MethodResult.builder(name).mode(QuantizationMode.STATIC).calibration(CalibrationMethod.MIN_MAX)
                .perChannel(true).fidelity(new ReferenceFidelity(64, List.of(o)));
    }

    private static ComparisonReport unlabelled(MethodResult... methods) {
        MethodResult reference = MethodResult.builder("FP32").throughputBatch32PerSecond(timing(1000))
                .modelFileBytes(1000).build();
        return report(reference, methods);
    }

    @Test
    void withoutLabelsTheFastestMethodWhoseArgmaxAgreementStaysAbove99PercentIsDeployed() {
        // "fast" agrees on 98.5% (lower bound 97%): it does not qualify, though its SQNR is high.
        MethodResult fast = fidelityRow("fast", 40, 39, 10, 0.985, 0.97).throughputBatch32PerSecond(timing(5000))
                .modelFileBytes(250).build();
        MethodResult good = fidelityRow("good", 25, 24, 10, 0.998, 0.995).throughputBatch32PerSecond(timing(3000))
                .modelFileBytes(300).build();
        ComparisonReport r = unlabelled(fast, good);

        assertFalse(r.labelled());
        assertEquals(64, r.sampleCount());
        assertEquals("argmax agreement of output 'y' with 'FP32' is at least 99.00% at 95% confidence (the data has"
                + " no labels)", r.criterion());
        assertFalse(r.withinTolerance(fast));
        assertTrue(r.withinTolerance(good));
        Recommendation deploy = r.recommendations().deploy().orElseThrow();
        assertEquals(Optional.of("good"), deploy.method());
        assertTrue(deploy.text().contains("among the methods whose " + r.criterion()), deploy.text());
        assertTrue(deploy.text().contains("SQNR 25.0 dB (95% CI 24.0 dB to 26.0 dB), argmax agreement 99.80%"),
                deploy.text());
        assertEquals(Optional.of("good"), r.recommendations().smallest().orElseThrow().method());
    }

    @Test
    void withoutLabelsAnOutputWithoutArgmaxIsJudgedBySqnrAndNoneQualifyingNamesTheMostFaithful() {
        MethodResult low = fidelityRow("low", 12, 11, 0, 0, 0).throughputBatch32PerSecond(timing(4000))
                .modelFileBytes(250).build();
        MethodResult better = fidelityRow("better", 29, 28.5, 0, 0, 0).throughputBatch32PerSecond(timing(3000))
                .modelFileBytes(260).build();
        ComparisonReport r = unlabelled(low, better);

        assertTrue(r.criterion().startsWith("SQNR of output 'y' versus 'FP32' is at least 30.0 dB"), r.criterion());
        assertEquals(Optional.of("FP32"), r.recommendations().deploy().orElseThrow().method());
        Recommendation none = r.recommendations().all().stream()
                .filter(x -> x.kind() == Recommendation.Kind.NONE_WITHIN_TOLERANCE).findFirst().orElseThrow();
        assertEquals(Optional.of("better"), none.method());
        assertTrue(none.text().contains("SQNR 29.0 dB"), none.text());
        // With the bar at 28 dB, "better" qualifies and is deployed.
        ComparisonReport lower = ComparisonReport.builder().model("m.onnx").dataset("d")
                .statistics(StatisticsOptions.withSeed(1)).reference(r.reference()).methods(List.of(low, better))
                .targets(Targets.none()).minSqnrDb(28).build();
        assertEquals(Optional.of("better"), lower.recommendations().deploy().orElseThrow().method());
    }

    @Test
    void withoutLabelsTiedSpeedsGoToTheMostFaithful() {
        MethodResult faster = fidelityRow("faster", 31, 30.5, 10, 0.996, 0.992)
                .throughputBatch32PerSecond(new TimingSummary(3_100, 2_600, 3_600, 20)).build();
        MethodResult faithful = fidelityRow("faithful", 38, 37.5, 10, 0.999, 0.997)
                .throughputBatch32PerSecond(new TimingSummary(3_000, 2_500, 3_500, 20)).build();
        ComparisonReport r = unlabelled(faster, faithful);
        Recommendation deploy = r.recommendations().deploy().orElseThrow();
        assertEquals(Optional.of("faithful"), deploy.method(), deploy.text());
        assertTrue(deploy.text().startsWith("Deploy 'faithful': tied for the fastest at batch 32 within measurement"
                + " noise, median (3,000 samples/s"), deploy.text());
        assertTrue(deploy.text().endsWith("so their speeds count as tied; 'faithful' is the most faithful of them"
                + " (without labels there is no paired test)."), deploy.text());
    }

    @Test
    void withoutLabelsEveryMethodNeedsItsFidelityOnTheSameSamples() {
        MethodResult bare = MethodResult.builder("bare").mode(QuantizationMode.DYNAMIC).build();
        assertThrows(InvalidInputException.class, () -> unlabelled(bare));
        MethodResult withAccuracy = staticRow("acc", 900, 0, -0.1, 0.1, 0, 0).build();
        assertThrows(InvalidInputException.class, () -> unlabelled(withAccuracy));
    }
}
