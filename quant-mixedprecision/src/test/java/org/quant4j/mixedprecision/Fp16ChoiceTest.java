package org.quant4j.mixedprecision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import ai.onnx.proto.OnnxMl.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.provider.UnknownProviderException;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.HeInitializer;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.sensitivity.SensitivityRequest;

/**
 * Float16 as a per-layer choice, on a latency backend that runs it fast. No GPU is here, so the
 * backend is {@link SyntheticGpuEvaluatorProvider}, whose costs make the optimum of
 * {@link KnownOptimumTest}'s model known: the classifier (destroyed by INT8) in float16, which is
 * cheaper than float32 and loses nothing, and the convolution in INT8. Accuracy is measured for
 * real on ONNX Runtime, float16 layers included.
 */
class Fp16ChoiceTest {

    @TempDir
    Path dir;

    @Test
    void everySearchPutsTheClassifierInFloat16AndTheConvolutionInInt8() throws Exception {
        Path model = KnownOptimumTest.model(dir);
        Path out = dir.resolve("mixed.onnx");
        MixedPrecisionResult r = MixedPrecision.run(request(model, SyntheticGpuEvaluatorProvider.NAME)
                .output(out).searches(EnumSet.allOf(SearchMethod.class)).build());

        for (SearchOutcome o : r.searches()) {
            Assignment a = o.chosen().assignment();
            assertEquals(LayerChoice.FP16, a.of(KnownOptimumTest.CLASSIFIER), o.method() + ": " + a);
            assertEquals(LayerChoice.INT8_PER_CHANNEL, a.of(KnownOptimumTest.CONV), o.method() + ": " + a);
            assertTrue(o.withinBudget(), o.toString());
        }
        assertEquals(SyntheticGpuEvaluatorProvider.NAME, r.latencyBackend());
        // The synthetic backend's times are fixed: the INT8 model measures the same before and after the cost profile.
        assertTrue(r.baseMicrosBefore() > 0);
        assertEquals(r.baseMicrosBefore(), r.baseMicrosAfter(), 1e-9);
        // The premise, measured: the classifier's INT8 drop is large, its float16 drop is nothing, and float16
        // costs less than float32 on this backend (2 units per weight against 4).
        LayerCost classifier = r.layers().stream().filter(c -> c.layer().equals(KnownOptimumTest.CLASSIFIER))
                .findFirst().orElseThrow();
        assertTrue(classifier.drop(LayerChoice.INT8_PER_CHANNEL) > 0.2, classifier.toString());
        assertEquals(0.0, classifier.drop(LayerChoice.FP16), 0.01, classifier.toString());
        assertTrue(classifier.latency(LayerChoice.FP16) < classifier.latency(LayerChoice.FLOAT), classifier.toString());
        assertEquals(2 * 640L, classifier.weightBytes().get(LayerChoice.FP16));
        // The returned model holds it: the classifier reads a float16 weight, the convolution an INT8 one.
        Graph g = OnnxModel.read(out).graph();
        Node gemm = g.nodes().stream().filter(n -> n.name().equals(KnownOptimumTest.CLASSIFIER)).findFirst()
                .orElseThrow();
        assertEquals(TensorProto.DataType.FLOAT16_VALUE, g.initializer(gemm.input(1)).orElseThrow().getDataType());
        Node conv = g.nodes().stream().filter(n -> n.name().equals(KnownOptimumTest.CONV)).findFirst().orElseThrow();
        assertTrue(g.producer(conv.input(1)).filter(p -> p.is("DequantizeLinear")).isPresent(), conv.toString());
        // Measured on the test split (ONNX Runtime runs the float16 layer between casts): within the budget.
        assertTrue(r.best().testDrop().estimate() <= 0.02, r.best().toString());
        assertTrue(MixedPrecisionJson.of(r).contains("\"choice\" : \"fp16\""), MixedPrecisionJson.of(r));
        assertTrue(MixedPrecisionJson.of(r).contains("\"latencyBackend\" : \"synthetic-gpu\""));
        assertTrue(r.verdict().contains("1 float16"), r.verdict());
    }

    /**
     * The first model the backend times (the INT8 baseline) runs twice as slow as later ones. Taken
     * against that first measurement, every variant would look faster than INT8 and the knapsack would
     * move the convolution out of INT8; the baseline is the least of its two measurements, so the
     * optimum stands.
     */
    @Test
    void aBaselineMeasuredSlowFirstDoesNotMakeEveryChoiceLookFaster() {
        Path model = KnownOptimumTest.model(dir);
        MixedPrecisionResult r = MixedPrecision.run(request(model, ColdSyntheticGpuEvaluatorProvider.COLD)
                .searches(EnumSet.allOf(SearchMethod.class)).build());

        assertEquals(2 * r.baseMicrosAfter(), r.baseMicrosBefore(), 1e-6);
        LayerCost conv = r.layers().stream().filter(c -> c.layer().equals(KnownOptimumTest.CONV)).findFirst()
                .orElseThrow();
        assertTrue(conv.latency(LayerChoice.FP16) > 0 && conv.latency(LayerChoice.FLOAT) > 0, conv.toString());
        for (SearchOutcome o : r.searches()) {
            Assignment a = o.chosen().assignment();
            assertEquals(LayerChoice.FP16, a.of(KnownOptimumTest.CLASSIFIER), o.method() + ": " + a);
            assertEquals(LayerChoice.INT8_PER_CHANNEL, a.of(KnownOptimumTest.CONV), o.method() + ": " + a);
        }
    }

    @Test
    void anUnknownLatencyBackendFailsBeforeAnythingRuns() {
        Path model = KnownOptimumTest.model(dir);
        Path out = dir.resolve("never.onnx");
        UnknownProviderException e = assertThrows(UnknownProviderException.class,
                () -> MixedPrecision.run(request(model, "no-such-backend").output(out).build()));
        assertTrue(e.getMessage().contains("no-such-backend"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void aFixedBatchOtherThanTheLatencyBatchIsRefusedBeforeAnythingRuns() {
        GraphBuilder b = GraphBuilder.create("fixed_batch");
        b.output(KnownOptimumTest.layers(b, b.input("input", 1, 32, 28, 28), new HeInitializer(11)), "logits");
        Path model = dir.resolve("fixed.onnx");
        OnnxModel.of(b.build()).write(model);
        Path out = dir.resolve("never.onnx");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> MixedPrecision.run(request(model, SyntheticGpuEvaluatorProvider.NAME).output(out).build()));
        assertTrue(e.getMessage().contains("fixed at 1") && e.getMessage().contains("--latency-batch 1"),
                e.getMessage());
        assertFalse(Files.exists(out));
    }

    private static MixedPrecisionRequest.Builder request(Path model, String latencyBackend) {
        return MixedPrecisionRequest.builder().model(model).calibration(noise(64, 1)).validation(noise(200, 2))
                .test(noise(200, 3)).metric(SensitivityRequest.Metric.AGREEMENT).maxDrop(0.01).threads(2)
                .population(6).generations(3).evolutionSamples(200).profileRuns(3).seed(7)
                .latencyBackend(latencyBackend);
    }

    private static Dataset noise(int n, long seed) {
        return new UniformNoiseDataset(n, new int[] {32, 28, 28}, seed, 0f, 1f);
    }
}
