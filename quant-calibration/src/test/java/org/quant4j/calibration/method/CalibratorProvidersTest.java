package org.quant4j.calibration.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.calibration.Calibrator;
import org.quant4j.api.calibration.CalibratorOptions;
import org.quant4j.api.calibration.Calibrators;
import org.quant4j.api.provider.UnknownProviderException;

class CalibratorProvidersTest {

    @Test
    void serviceLoaderFindsAllFiveCalibrators() {
        assertTrue(Calibrators.names().containsAll(Set.of("minmax", "moving-average-minmax", "entropy", "percentile",
                "mse")), Calibrators.names().toString());
        Calibrator entropy = Calibrators.create("entropy", CalibratorOptions.parse("bins=4096,stride=2,symmetric=true"));
        assertInstanceOf(EntropyCalibrator.class, entropy);
        assertEquals(CalibrationMethod.ENTROPY, entropy.method());
        assertEquals(4096, ((EntropyCalibrator) entropy).bins());
        assertInstanceOf(MinMaxCalibrator.class, Calibrators.create(CalibrationMethod.MIN_MAX, CalibratorOptions.empty()));
        assertInstanceOf(MovingAverageMinMaxCalibrator.class, Calibrators.create("moving-average-minmax"));
        assertInstanceOf(PercentileCalibrator.class, Calibrators.create("percentile"));
        assertInstanceOf(MseCalibrator.class, Calibrators.create("MSE"));
    }

    @Test
    void defaultsFollowTensorRtAndTorch() {
        EntropyCalibrator e = (EntropyCalibrator) Calibrators.create("entropy");
        assertEquals(2048, e.bins());
        assertEquals(false, e.symmetric());
        assertEquals(99.99, ((PercentileCalibrator) Calibrators.create("percentile")).percentile());
        assertEquals(0.01, ((MovingAverageMinMaxCalibrator) Calibrators.create("moving-average-minmax"))
                .averagingConstant());
    }

    @Test
    void supportedOptionsAreExactlyTheAcceptedKeys() {
        Map<String, Set<String>> expected = Map.of(
                "minmax", Set.of("symmetric"),
                "moving-average-minmax", Set.of("averagingConstant", "symmetric"),
                "entropy", Set.of("bins", "startBin", "stride", "levels", "symmetric"),
                "percentile", Set.of("percentile", "bins", "symmetric"),
                "mse", Set.of("bins", "startBin", "stride", "symmetric"));
        expected.forEach((name, keys) -> assertEquals(keys, Calibrators.provider(name).supportedOptions(), name));
    }

    @Test
    void badOptionValuesNameTheOption() {
        assertRejected("entropy", "bins=64", "bins");
        assertRejected("entropy", "startBin=0", "startBin");
        assertRejected("entropy", "startBin=4096", "startBin");
        assertRejected("entropy", "stride=0", "stride");
        assertRejected("entropy", "levels=1", "levels");
        assertRejected("entropy", "bins=256,levels=512", "levels");
        assertRejected("mse", "bins=100", "bins");
        assertRejected("mse", "stride=-1", "stride");
        assertRejected("percentile", "percentile=0", "percentile");
        assertRejected("percentile", "percentile=100.5", "percentile");
        assertRejected("percentile", "percentile=abc", "percentile");
        assertRejected("moving-average-minmax", "averagingConstant=0", "averagingConstant");
        assertRejected("moving-average-minmax", "averagingConstant=1.5", "averagingConstant");
        assertRejected("minmax", "symmetric=maybe", "symmetric");
        assertRejected("minmax", "bins=2048", "bins");
    }

    @Test
    void optionsAreValidatedAlsoWhenTheProviderIsCalledDirectly() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new MseCalibratorProvider().create(CalibratorOptions.parse("percentile=99")));
        assertTrue(e.getMessage().contains("percentile"), e.getMessage());
    }

    private static void assertRejected(String calibrator, String options, String option) {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Calibrators.create(calibrator, CalibratorOptions.parse(options)), calibrator + " " + options);
        assertTrue(e.getMessage().contains("'" + option + "'"), e.getMessage());
    }

    @Test
    void unknownNameListsTheAvailableCalibrators() {
        UnknownProviderException e = assertThrows(UnknownProviderException.class, () -> Calibrators.create("kl"));
        for (String name : new String[] {"minmax", "moving-average-minmax", "entropy", "percentile", "mse"}) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    @Test
    void largeBatchesStreamWithoutGrowingState() {
        // 2000 batches inside the first batch's range: every histogram calibrator keeps 2048 bins.
        EntropyCalibrator c = new EntropyCalibrator(false);
        float[] batch = new float[256];
        java.util.SplittableRandom r = new java.util.SplittableRandom(2);
        for (int b = 0; b < 2000; b++) {
            for (int i = 0; i < batch.length; i++) {
                batch[i] = (float) (r.nextDouble() * 2 - 1);
            }
            batch[0] = b == 0 ? 1f : batch[0];
            c.observe(batch);
        }
        assertEquals(2048, c.bins());
        assertEquals(2000L * 256, c.count());
        assertTrue(c.range().amax() <= 1.0);
    }
}
