package org.quant4j.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;

/** {@link SensitivityRequest#variantLayers()}: variants only for the layers of lowest SQNR. */
class VariantLayersTest {

    @TempDir
    Path dir;

    @Test
    void onlyTheLowestSqnrLayerGetsVariantsAndEveryLayerKeepsItsSqnr() {
        Path model = SensitivityTestSupport.brokenGemmModel(dir);
        SensitivityResult r = SensitivityAnalysis.run(SensitivityRequest.builder().model(model)
                .calibration(SensitivityTestSupport.fashionMnist(0, 64))
                .evaluation(SensitivityTestSupport.fashionMnist(1000, 200))
                .metric(SensitivityRequest.Metric.AGREEMENT).tolerance(0.02).firstStage(100).threads(2)
                .variantLayers(1).build());

        assertEquals(4, r.layers().size(), r.layers().toString());
        LayerSensitivity broken = r.layers().get(0);
        assertEquals(SensitivityTestSupport.BROKEN, broken.node(), "the broken layer has the lowest local SQNR");
        assertEquals(VariantScore.Verdict.BEYOND, broken.oneOn().orElseThrow().verdict());
        assertTrue(broken.oneOff().isPresent());
        for (LayerSensitivity l : r.layers().subList(1, 4)) {
            assertTrue(l.oneOn().isEmpty() && l.oneOff().isEmpty(), "no variant: " + l);
            assertTrue(l.sqnrAccumulated().isPresent(), "SQNR still measured: " + l);
        }
    }

    @Test
    void variantLayersNeedTheTensorErrors() {
        Dataset data = SensitivityTestSupport.fashionMnist(0, 16);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> SensitivityRequest.builder()
                .model(dir.resolve("m.onnx")).calibration(data).evaluation(data).tensorErrors(false).variantLayers(3)
                .build());
        assertTrue(e.getMessage().contains("tensor errors"), e.getMessage());
    }
}
