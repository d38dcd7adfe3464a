package org.quant4j.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class SensitivityAnalysisTest {

    private static final Logger LOG = LoggerFactory.getLogger(SensitivityAnalysisTest.class);

    @TempDir
    Path dir;

    @Test
    void brokenLayerRanksFirstByEveryMeasure() {
        Path model = SensitivityTestSupport.brokenGemmModel(dir);
        SensitivityResult r = SensitivityAnalysis.run(SensitivityRequest.builder().model(model)
                .calibration(SensitivityTestSupport.fashionMnist(0, 64))
                .evaluation(SensitivityTestSupport.fashionMnist(1000, 400))
                .metric(SensitivityRequest.Metric.AGREEMENT).tolerance(0.02).firstStage(100).threads(2).build());
        for (LayerSensitivity l : r.layers()) {
            LOG.info(String.format(Locale.ROOT, "%-12s %-5s one-on %s one-off %s recovery %.3f sqnr acc %.1f loc %.1f"
                    + " weight min %.1f", l.node(), l.opType(), l.oneOn().orElseThrow().drop(),
                    l.oneOff().orElseThrow().drop(), l.recovery().orElseThrow(), l.sqnrAccumulated().orElse(Double.NaN),
                    l.sqnrLocal().orElse(Double.NaN), l.weightSqnrMin().orElse(Double.NaN)));
        }
        assertEquals(4, r.layers().size(), r.layers().toString());
        assertEquals(SensitivityTestSupport.BROKEN, r.layers().get(0).node(), "ranked first by one-on");
        LayerSensitivity broken = r.layer(SensitivityTestSupport.BROKEN);
        assertEquals(VariantScore.Verdict.BEYOND, broken.oneOn().orElseThrow().verdict());
        assertEquals(VariantScore.Verdict.BEYOND, r.fullInt8().verdict());
        assertEquals(SensitivityTestSupport.BROKEN, first(r.layers(), Comparator.comparingDouble(
                (LayerSensitivity l) -> -l.recovery().orElseThrow())));
        assertEquals(SensitivityTestSupport.BROKEN, first(r.layers(), Comparator.comparingDouble(
                (LayerSensitivity l) -> l.sqnrAccumulated().orElseThrow())));
        assertEquals(SensitivityTestSupport.BROKEN, first(r.layers(), Comparator.comparingDouble(
                (LayerSensitivity l) -> l.sqnrLocal().orElseThrow())));
        // The weight SQNR does not see this break: the exact outlier holds almost all of each class's
        // energy, so the SQNR is high although every other weight rounds to zero. One SQNR per class.
        assertEquals(10, broken.weightSqnr().length);
        assertTrue(broken.weightSqnrMin().orElseThrow() > 30, broken.toString());
        for (LayerSensitivity l : r.layers()) {
            if (l != broken) {
                assertEquals(VariantScore.Verdict.WITHIN, l.oneOn().orElseThrow().verdict(), l.toString());
                assertTrue(l.oneOn().orElseThrow().samples() < 400, "early stop: " + l);
            }
        }
    }

    @Test
    void unknownLayerIsAnErrorListingTheLayers() {
        Path model = SensitivityTestSupport.brokenGemmModel(dir);
        Dataset data = SensitivityTestSupport.fashionMnist(0, 16);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> SensitivityAnalysis.run(
                SensitivityRequest.builder().model(model).calibration(data).evaluation(data).layer("conv_9").build()));
        assertTrue(e.getMessage().contains("no node 'conv_9'") && e.getMessage().contains(SensitivityTestSupport.BROKEN),
                e.getMessage());
    }

    @Test
    void topOneOnUnlabelledDataIsAnError() {
        Dataset unlabelled = new org.quant4j.calibration.data.UniformNoiseDataset(16, new int[] {1, 28, 28}, 3, 0f, 1f);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> SensitivityRequest.builder()
                .model(dir.resolve("m.onnx")).calibration(unlabelled).evaluation(unlabelled)
                .metric(SensitivityRequest.Metric.TOP1).build());
        assertTrue(e.getMessage().contains("no labels"), e.getMessage());
    }

    private static String first(List<LayerSensitivity> layers, Comparator<LayerSensitivity> order) {
        return layers.stream().min(order).orElseThrow().node();
    }
}
