package org.quant4j.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.stats.ConfidenceInterval;

class SensitivityFilesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static SensitivityResult result() {
        VariantScore beyond = new VariantScore(new ConfidenceInterval(0.05, 0.03, 0.07, 0.95), 250,
                VariantScore.Verdict.BEYOND);
        VariantScore within = new VariantScore(new ConfidenceInterval(0.001, -0.004, 0.006, 0.95), 500,
                VariantScore.Verdict.WITHIN);
        List<LayerSensitivity> layers = List.of(
                new LayerSensitivity("fc", "Gemm", 1, Optional.of(beyond), Optional.of(within), OptionalDouble.of(0.049),
                        OptionalDouble.of(3.5), OptionalDouble.of(Double.POSITIVE_INFINITY), new double[] {12.5, -1.0}),
                new LayerSensitivity("add", "Add", 0, Optional.empty(), Optional.empty(), OptionalDouble.empty(),
                        OptionalDouble.empty(), OptionalDouble.empty(), new double[0]));
        return new SensitivityResult("m.onnx", SensitivityRequest.Metric.NOISE, 0, beyond, 0.01, layers,
                Map.of(SensitivityResult.ONE_ON_ONE_OFF, -0.25), 7, Duration.ofMillis(1234), Duration.ofMillis(5678),
                Duration.ofMillis(90), Duration.ZERO, 42);
    }

    @Test
    void jsonReadsBackToTheSameDocument() throws Exception {
        SensitivityResult original = result();
        String json = SensitivityFiles.json(original);

        SensitivityResult back = SensitivityFiles.read(MAPPER.readTree(json), "test");

        assertEquals(json, SensitivityFiles.json(back));
        assertEquals(Double.POSITIVE_INFINITY, back.layer("fc").sqnrLocal().getAsDouble());
        assertEquals(-1.0, back.layer("fc").weightSqnrMin().getAsDouble());
        assertTrue(back.layer("add").oneOn().isEmpty() && back.layer("add").sqnrAccumulated().isEmpty());
        assertEquals(Duration.ofMillis(5678), back.variantTime());
        assertEquals(SensitivityRequest.Metric.NOISE, back.metric());
    }

    @Test
    void theGradientEstimateReadsBackToo() throws Exception {
        SensitivityResult plain = result();
        List<LayerSensitivity> layers = List.of(
                new LayerSensitivity("fc", "Gemm", 1, Optional.empty(), Optional.empty(), OptionalDouble.empty(),
                        OptionalDouble.empty(), OptionalDouble.empty(), new double[0], OptionalDouble.of(2.5e-4)),
                new LayerSensitivity("add", "Add", 0, Optional.empty(), Optional.empty(), OptionalDouble.empty(),
                        OptionalDouble.empty(), OptionalDouble.empty(), new double[0]));
        org.quant4j.sensitivity.gradient.GradientEstimate estimate = new org.quant4j.sensitivity.gradient.GradientEstimate(
                "fisher", org.quant4j.sensitivity.gradient.GradientObjective.MSE_TO_FLOAT, 64, Map.of("fc", 2.5e-4),
                Optional.empty(), Duration.ofMillis(321));
        SensitivityResult original = new SensitivityResult(plain.model(), plain.metric(), plain.baseline(),
                plain.fullInt8(), plain.tolerance(), layers, plain.correlations(), plain.calibratedTensors(),
                plain.calibrationTime(), plain.variantTime(), plain.tensorErrorTime(), plain.floatPassTime(),
                plain.seed(), Optional.of(estimate), Optional.of(new PassTime(Duration.ofMillis(900),
                        Duration.ofMillis(300), 2000, 100)), Optional.empty(), 560);
        String json = SensitivityFiles.json(original);

        SensitivityResult back = SensitivityFiles.read(MAPPER.readTree(json), "test");

        assertEquals(json, SensitivityFiles.json(back));
        assertEquals(2.5e-4, back.layer("fc").gradient().getAsDouble());
        assertEquals(Map.of("fc", 2.5e-4), back.gradient().orElseThrow().perLayer());
        assertEquals(64, back.gradient().orElseThrow().samples());
        assertEquals(Duration.ofMillis(30), back.tensorErrorSplit().orElseThrow().perBatch(),
                "(900 - 300) ms over 2,000 samples is 30 ms a batch of 100");
        assertTrue(back.floatPassSplit().isEmpty());
        assertEquals(560, back.localSamples());
    }

    @Test
    void missingOrWrongFieldsNameTheirPath() throws Exception {
        JsonNode doc = MAPPER.readTree(SensitivityFiles.json(result()).replace("\"sqnrAccumulatedDb\" : 3.5",
                "\"sqnrAccumulatedDb\" : \"loud\""));
        InvalidInputException wrong = assertThrows(InvalidInputException.class, () -> SensitivityFiles.read(doc, "x.json"));
        assertTrue(wrong.getMessage().contains("x.json") && wrong.getMessage().contains("layers[0].sqnrAccumulatedDb"),
                wrong.getMessage());
        JsonNode noModel = MAPPER.readTree("{\"metric\": \"top1\"}");
        InvalidInputException missing = assertThrows(InvalidInputException.class,
                () -> SensitivityFiles.read(noModel, "y.json"));
        assertTrue(missing.getMessage().contains("is missing"), missing.getMessage());
    }
}
