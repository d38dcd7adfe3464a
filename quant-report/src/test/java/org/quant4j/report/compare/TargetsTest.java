package org.quant4j.report.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.quant4j.report.compare.TargetCheck.Kind;
import org.quant4j.report.compare.TargetCheck.Status;
import org.quant4j.report.stats.StatisticsOptions;

class TargetsTest {

    private static final MethodResult FP32 = MethodResult.builder("FP32").accuracy(stats(1000, 900, null, 0, 0))
            .throughputBatch32PerSecond(timing(1000)).modelFileBytes(4_000_000).build();

    private static MethodResult row(String name, CalibrationMethod calibration, boolean perChannel, int correct,
                                    double throughput, long bytes) {
        double change = (correct - 900) / 10.0;
        return MethodResult.builder(name).mode(QuantizationMode.STATIC).calibration(calibration).perChannel(perChannel)
                .accuracy(stats(1000, correct, changePoints(change, change - 0.5, change + 0.5), 10, 5))
                .throughputBatch32PerSecond(timing(throughput)).modelFileBytes(bytes).build();
    }

    private static List<TargetCheck> check(MethodResult... methods) {
        return ComparisonReport.builder().model("m").dataset("d").statistics(StatisticsOptions.withSeed(1))
                .reference(FP32).methods(List.of(methods)).build().targetChecks();
    }

    @Test
    void checksTheMostAccuratePerChannelCalibratorAndStatesMisses() {
        List<TargetCheck> checks = check(
                row("minmax per-channel", CalibrationMethod.MIN_MAX, true, 880, 2500, 1_000_000),
                row("entropy per-tensor", CalibrationMethod.ENTROPY, false, 899, 2600, 1_000_000),
                row("entropy per-channel", CalibrationMethod.ENTROPY, true, 885, 1800, 1_250_000));
        assertEquals(3, checks.size());
        for (TargetCheck c : checks) {
            assertEquals(Optional.of("entropy per-channel"), c.method(), "per-channel rows win over a more accurate per-tensor row");
        }
        TargetCheck drop = checks.get(0);
        assertEquals(Kind.TOP1_DROP, drop.kind());
        assertEquals(Status.MISSED, drop.status());
        assertEquals(0.015, drop.measured().getAsDouble(), 1e-12);
        assertTrue(drop.statement().startsWith("MISSED: 'entropy per-channel'"), drop.statement());
        assertTrue(drop.statement().contains("loses 1.50 pp top-1 against 'FP32' (top-1 88.50% versus 90.00%); "
                + "the target is at most 1.00 pp."), drop.statement());

        TargetCheck speed = checks.get(1);
        assertEquals(Status.MISSED, speed.status());
        assertEquals(1.8, speed.measured().getAsDouble(), 1e-12);
        assertTrue(speed.statement().contains("reaches 1.80x the throughput of 'FP32'") && speed.statement()
                .endsWith("the target is at least 2.00x."), speed.statement());

        TargetCheck size = checks.get(2);
        // 4,000,000 / 1,250,000 = 3.2x, short of 3.5x.
        assertEquals(Status.MISSED, size.status());
        assertEquals(3.2, size.measured().getAsDouble(), 1e-12);
    }

    @Test
    void sizeBelowRequiredReductionIsMissed() {
        TargetCheck size = check(row("a", CalibrationMethod.ENTROPY, true, 899, 2500, 1_250_000)).get(2);
        assertEquals(Status.MISSED, size.status());
        assertTrue(size.statement().startsWith("MISSED: the model file of 'a'") && size.statement().contains("3.20x smaller"),
                size.statement());
    }

    @Test
    void metTargetsSayMet() {
        List<TargetCheck> checks = check(row("a", CalibrationMethod.ENTROPY, true, 899, 2500, 1_000_000));
        for (TargetCheck c : checks) {
            assertEquals(Status.MET, c.status(), c.statement());
            assertTrue(c.statement().startsWith("Met: "), c.statement());
        }
    }

    @Test
    void withoutCalibratedStaticRowNothingIsChecked() {
        MethodResult dynamic = MethodResult.builder("dynamic").mode(QuantizationMode.DYNAMIC)
                .accuracy(stats(1000, 899, changePoints(-0.1, -0.3, 0.1), 1, 0)).build();
        for (TargetCheck c : check(dynamic)) {
            assertEquals(Status.NOT_MEASURED, c.status());
            assertEquals("Not checked: the comparison has no static INT8 method with a calibrator.", c.statement());
        }
    }

    @Test
    void unmeasuredThroughputIsNotChecked() {
        MethodResult noSpeed = MethodResult.builder("a").mode(QuantizationMode.STATIC).calibration(CalibrationMethod.MSE)
                .accuracy(stats(1000, 899, changePoints(-0.1, -0.3, 0.1), 1, 0)).modelFileBytes(1_000_000).build();
        TargetCheck speed = check(noSpeed).get(1);
        assertEquals(Status.NOT_MEASURED, speed.status());
        assertTrue(speed.statement().startsWith("Not checked: the throughput at batch 32"), speed.statement());
    }

    @Test
    void thresholdsAreConfigurableAndValidated() {
        Targets t = Targets.builder().maxTop1Drop(0.02).build();
        assertEquals(0.02, t.maxTop1Drop().getAsDouble());
        assertTrue(t.minThroughputSpeedup().isEmpty());
        assertThrows(InvalidInputException.class, () -> Targets.builder().maxTop1Drop(2));
        assertThrows(InvalidInputException.class, () -> Targets.builder().minSizeReduction(-1));
    }
}
