package org.quant4j.sensitivity.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.provider.UnknownProviderException;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.sensitivity.LayerSensitivity;
import org.quant4j.sensitivity.SensitivityAnalysis;
import org.quant4j.sensitivity.SensitivityFiles;
import org.quant4j.sensitivity.SensitivityRequest;
import org.quant4j.sensitivity.SensitivityResult;

class GradientEstimateInResultTest {

    @TempDir
    Path dir;

    @Test
    void anEstimatorThatCannotRunTheModelLeavesItsReasonAndNoValues() {
        Path model = dir.resolve("small.onnx");
        OnnxModel.of(ReferenceGraphs.smallCnn(5)).write(model);
        Dataset data = new UniformNoiseDataset(32, new int[] {1, 28, 28}, 3, 0f, 1f);
        SensitivityResult r = SensitivityAnalysis.run(SensitivityRequest.builder().model(model).calibration(data)
                .evaluation(data).metric(SensitivityRequest.Metric.NOISE).oneOff(false).tensorErrors(false)
                .firstStage(32).bootstrapResamples(100).threads(1)
                .gradientEstimator(UnsupportedEstimatorProvider.NAME).build());
        GradientEstimate g = r.gradient().orElseThrow();
        assertEquals(UnsupportedEstimatorProvider.REASON, g.unsupported().orElseThrow());
        assertEquals(GradientObjective.MSE_TO_FLOAT, g.objective());
        assertTrue(r.layers().stream().map(LayerSensitivity::gradient).allMatch(v -> v.isEmpty()));
        assertFalse(r.correlations().containsKey(SensitivityResult.ONE_ON_GRADIENT));
        assertTrue(SensitivityFiles.json(r).contains(UnsupportedEstimatorProvider.REASON));
        List<String> rows = SensitivityFiles.csv(r).lines().toList();
        assertTrue(rows.get(0).endsWith(",gradient_estimate") && rows.get(1).endsWith(","), rows.toString());
    }

    @Test
    void anUnknownEstimatorNamesTheArtifactThatProvidesFisher() {
        UnknownProviderException e = assertThrows(UnknownProviderException.class, () -> GradientEstimators.get(
                "fisher"));
        assertTrue(e.getMessage().contains("org.quant4j:quant-qat") && e.getMessage().contains(
                UnsupportedEstimatorProvider.NAME), e.getMessage());
    }
}
