package org.quant4j.mixedprecision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.sensitivity.SensitivityRequest;

/**
 * The weighted-layers start of the greedy search ({@link SearchSpace#weightedInt8}): only the layers
 * with a weight INT8, every other layer float, then the weighted layers moved to float largest
 * one-on drop first.
 */
class WeightedStartTest {

    @TempDir
    Path dir;

    private static LayerCost cost(String layer, String op, long floatBytes, double drop) {
        return new LayerCost(layer, op, Map.of(LayerChoice.INT8_PER_CHANNEL, 0.0, LayerChoice.FLOAT, 10.0),
                Map.of(LayerChoice.INT8_PER_CHANNEL, drop, LayerChoice.FLOAT, 0.0),
                Map.of(LayerChoice.INT8_PER_CHANNEL, floatBytes / 4, LayerChoice.FLOAT, floatBytes));
    }

    @Test
    void onlyTheLayersWithAWeightStartInInt8() {
        SearchSpace space = new SearchSpace(List.of(cost("conv", "Conv", 4096, 0.01), cost("mul", "Mul", 0, 0.002),
                cost("add", "Add", 0, 0.003), cost("matmul", "MatMul", 1024, 0), cost("pool", "GlobalAveragePool", 0, 0)),
                List.of(), 0.005, null, 1);

        Assignment a = space.weightedInt8();

        assertEquals("cffcf", a.key());
    }

    /**
     * On the model of {@link KnownOptimumTest} (a harmless large Conv, a Gemm classifier that INT8
     * destroys, a pool between them) the weighted start has both the Conv and the classifier in INT8,
     * over budget; the classifier has the larger one-on drop, so one layer moved to float reaches the
     * budget: the Conv INT8, the classifier and the pool float, measured within budget. The first
     * start's pick differs (its pool is INT8), so the two picks are timed side by side.
     */
    @Test
    void theWeightedStartFloatsTheLayerOfLargestDropFirst() {
        Path model = KnownOptimumTest.model(dir);
        MixedPrecisionResult r = MixedPrecision.run(MixedPrecisionRequest.builder().model(model)
                .calibration(noise(64, 1)).validation(noise(200, 2)).test(noise(200, 3))
                .metric(SensitivityRequest.Metric.AGREEMENT).maxDrop(0.01).searches(EnumSet.of(SearchMethod.GREEDY))
                .threads(2).profileRuns(5).seed(7).build());
        SearchOutcome greedy = r.searches().get(0);

        assertTrue(greedy.tried().contains("from the 2 layers with a weight INT8 (every other layer float), by one-on"
                + " drop, shortest prefix within budget 1 of 2"), greedy.tried());
        LayerCost classifier = r.layers().stream().filter(c -> c.layer().equals(KnownOptimumTest.CLASSIFIER))
                .findFirst().orElseThrow();
        assertTrue(classifier.hasWeight(), classifier.toString());
        assertTrue(greedy.withinBudget(), greedy.toString());
        assertEquals(LayerChoice.FLOAT, greedy.chosen().assignment().of(KnownOptimumTest.CLASSIFIER));
        // Both starts have a pick within budget, and they differ (the pool is INT8 in the first, float in the
        // weighted one): the two are timed side by side and the faster returned.
        assertTrue(greedy.tried().contains("the two starts' picks timed on the wall clock"), greedy.tried());
    }

    private static UniformNoiseDataset noise(int n, long seed) {
        return new UniformNoiseDataset(n, new int[] {32, 28, 28}, seed, 0f, 1f);
    }
}
