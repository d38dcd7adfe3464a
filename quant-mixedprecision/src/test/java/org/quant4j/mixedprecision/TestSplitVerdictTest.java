package org.quant4j.mixedprecision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.calibration.data.UniformNoiseDataset;

/**
 * The verdict says plainly when the returned model, chosen within budget on the validation split,
 * is over the budget on the test split ({@link MixedPrecision#testOverBudget}), and says nothing more
 * when it holds.
 */
class TestSplitVerdictTest {

    @TempDir
    Path dir;

    private ReportedModel chosen(double testDrop) {
        return new ReportedModel("evolutionary", Assignment.uniform(List.of("conv"), LayerChoice.INT8_PER_CHANNEL),
                ConfidenceInterval.exactly(0.0042, 0.95), testDrop, new ConfidenceInterval(testDrop, testDrop - 0.002,
                        testDrop + 0.003, 0.95), 92.8, 1.3, 1000);
    }

    @Test
    void aModelOverTheBudgetOnTheTestSplitIsSaidToBe() {
        Dataset data = new UniformNoiseDataset(8, new int[] {32, 28, 28}, 1, 0f, 1f);
        MixedPrecisionRequest request = MixedPrecisionRequest.builder().model(dir.resolve("m.onnx")).calibration(data)
                .validation(data).test(data).maxDrop(0.005).build();

        String over = MixedPrecision.testOverBudget(request, chosen(0.0066), 32);

        assertTrue(over.contains("over the budget (+0.66 pp [+0.46, +0.96] against 0.50 pp)"), over);
        assertTrue(over.contains("the 32 validation samples"), over);
        assertEquals("", MixedPrecision.testOverBudget(request, chosen(0.0046), 32));
    }
}
