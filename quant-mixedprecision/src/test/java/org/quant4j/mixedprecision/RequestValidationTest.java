package org.quant4j.mixedprecision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.calibration.data.UniformNoiseDataset;

class RequestValidationTest {

    @TempDir
    Path dir;

    private final Dataset data = new UniformNoiseDataset(8, new int[] {32, 28, 28}, 1, 0f, 1f);

    private MixedPrecisionRequest.Builder request() {
        return MixedPrecisionRequest.builder().model(dir.resolve("m.onnx")).calibration(data).validation(data).test(data);
    }

    @Test
    void negativeBudgetIsAnError() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> request().maxDrop(-0.01).build());
        assertTrue(e.getMessage().contains("budget") && e.getMessage().contains("-0.01"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> request().maxDrop(Double.NaN).build());
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> request().maxDrop(1.5).build());
        assertTrue(e.getMessage().contains("fraction"), e.getMessage());
    }

    @Test
    void missingSplitIsNamed() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> MixedPrecisionRequest.builder().model(dir.resolve("m.onnx")).calibration(data).validation(data)
                        .build());
        assertTrue(e.getMessage().contains("missing: test"), e.getMessage());
    }

    @Test
    void noSearchIsAnError() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> request().searches(Set.of()).build());
        assertTrue(e.getMessage().contains("greedy, dp, evolutionary"), e.getMessage());
    }

    @Test
    void unknownLayerListsTheLayers() {
        Assignment a = Assignment.uniform(List.of("conv", "gemm"), LayerChoice.INT8_PER_CHANNEL);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> a.with("conv_9", LayerChoice.FLOAT));
        assertTrue(e.getMessage().contains("conv_9") && e.getMessage().contains("[conv, gemm]"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> a.of("conv_9"));
        assertTrue(e.getMessage().contains("[conv, gemm]"), e.getMessage());
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> SearchMethod.of("annealing"));
        assertTrue(e.getMessage().contains("[greedy, dp, evolutionary]"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> LayerChoice.of("bf16"));
        assertTrue(e.getMessage().contains("[int8-per-channel, int8-per-tensor, float, fp16]"), e.getMessage());
        assertEquals(LayerChoice.FP16, LayerChoice.of("FP16"));
    }

    @Test
    void outputThatIsTheInputIsRefusedBeforeAnyWork() {
        Path model = KnownOptimumTest.model(dir);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> MixedPrecision.run(request().model(model).output(model).build()));
        assertTrue(e.getMessage().contains("never overwritten") || e.getMessage().contains("input"), e.getMessage());
    }

    @Test
    void assignmentConfigKeepsTheKernelTargetAndMarksLayers() {
        Assignment a = Assignment.uniform(List.of("conv", "gemm", "add"), LayerChoice.INT8_PER_CHANNEL)
                .with("gemm", LayerChoice.FLOAT).with("conv", LayerChoice.INT8_PER_TENSOR);
        QuantizationConfig base = QuantizationConfig.builder().build();
        QuantizationConfig c = a.config(base);
        assertEquals(Set.of("gemm"), c.excludeNodes());
        assertEquals(Set.of("conv"), c.perTensorNodes());
        assertEquals(base.kernelTarget(), c.kernelTarget());
        assertTrue(!c.weightScheme("conv", 0).perChannel() && c.weightScheme("add", 0).perChannel());
        assertEquals("tfc", a.key());
    }
}
