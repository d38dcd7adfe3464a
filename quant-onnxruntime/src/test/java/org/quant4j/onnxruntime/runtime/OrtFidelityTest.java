package org.quant4j.onnxruntime.runtime;

import static org.quant4j.api.evaluate.FidelityFixtures.random;
import static org.quant4j.api.evaluate.FidelityFixtures.scaled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.ModelException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.data.ElementType;
import org.quant4j.api.data.InputSpec;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.data.Tensor;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.evaluate.FidelityRequest;
import org.quant4j.api.evaluate.FidelityResult;
import org.quant4j.api.evaluate.OutputFidelity;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnxruntime.ArrayDataset;
import org.quant4j.onnxruntime.quantize.QuantizationTestSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class OrtFidelityTest {

    private static final Logger LOG = LoggerFactory.getLogger(OrtFidelityTest.class);

    @TempDir
    Path dir;

    /** Two inputs, two outputs: {@code y = x W} ([N, 6] x [6, 4]) and {@code z = u V} ([N, 3] x [3, 5]). */
    private Path twoMatMuls(String file, double wScale, double vScale) {
        GraphBuilder b = GraphBuilder.create("two-matmuls");
        String x = b.input("x", -1, 6);
        String u = b.input("u", -1, 3);
        b.output(b.matMul(x, new FloatTensor(new long[] {6, 4}, scaled(random(24, 1), wScale))), "y");
        b.output(b.matMul(u, new FloatTensor(new long[] {3, 5}, scaled(random(15, 2), vScale))), "z");
        Path path = dir.resolve(file);
        b.buildModel().write(path);
        return path;
    }

    /** Unlabelled samples of the named inputs {@code x} [6] and {@code u} [3]. */
    private record TwoInputs(int size) implements Dataset {
        @Override
        public List<InputSpec> inputs() {
            return List.of(new InputSpec("x", ElementType.FLOAT32, new int[] {6}),
                    new InputSpec("u", ElementType.FLOAT32, new int[] {3}));
        }

        @Override
        public NamedBatch namedBatch(int[] indices, String singleInput) {
            float[] x = new float[indices.length * 6];
            float[] u = new float[indices.length * 3];
            for (int i = 0; i < indices.length; i++) {
                System.arraycopy(random(6, 100 + indices[i]), 0, x, i * 6, 6);
                System.arraycopy(random(3, 100_000 + indices[i]), 0, u, i * 3, 3);
            }
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("x", Tensor.ofFloats(x, indices.length, 6));
            t.put("u", Tensor.ofFloats(u, indices.length, 3));
            return new NamedBatch(t, indices.length, java.util.Optional.empty());
        }

        @Override
        public int[] sampleShape() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int numClasses() {
            return 0;
        }

        @Override
        public void read(int index, float[] dest, int offset) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int label(int index) {
            return -1;
        }

        @Override
        public String fingerprint() {
            return "two-inputs-" + size;
        }
    }

    @Test
    void scaledWeightsGiveTheClosedFormSqnrPerOutput() {
        // y' = x (W (1 + e)) = (1 + e) y, so SQNR = -20 log10(e): 40 dB for e = 1%, 33.98 dB for 2%.
        Path reference = twoMatMuls("fp32.onnx", 1, 1);
        Path model = twoMatMuls("scaled.onnx", 1.01, 1.02);
        List<Long> progress = new ArrayList<>();
        FidelityResult result;
        try (Evaluator evaluator = Evaluators.get("onnxruntime")) {
            result = evaluator.fidelity(FidelityRequest.builder().model(model).reference(reference)
                    .data(new TwoInputs(100)).batchSize(32).threads(1).bootstrapResamples(200)
                    .listener((stage, done, total) -> progress.add(done)).build());
        }
        assertEquals(100, result.samples());
        assertEquals(List.of(0L, 32L, 64L, 96L, 100L), progress);
        assertEquals(List.of("y", "z"), result.outputs().stream().map(OutputFidelity::name).toList());
        OutputFidelity y = result.output("y");
        OutputFidelity z = result.output("z");
        assertEquals(40.0, y.sqnrDb().estimate(), 0.01);
        assertEquals(-20 * Math.log10(0.02), z.sqnrDb().estimate(), 0.01);
        assertEquals(1.0, y.cosine().estimate(), 1e-6);
        // A positive scale never changes an argmax.
        assertEquals(1.0, y.argmaxAgreement().orElseThrow().estimate());
        assertEquals(1.0, z.sequenceAgreement().orElseThrow().estimate());
        assertTrue(result.provenance().entries().get("reference").endsWith("fp32.onnx"));
    }

    @Test
    void parallelRunsGiveTheClosedFormSqnrAndTheResultOfOneRunAtATime() {
        Path reference = twoMatMuls("fp32.onnx", 1, 1);
        Path model = twoMatMuls("scaled.onnx", 1.01, 1.02);
        List<Long> progress = new ArrayList<>();
        FidelityResult one;
        FidelityResult three;
        try (Evaluator evaluator = Evaluators.get("onnxruntime")) {
            one = evaluator.fidelity(FidelityRequest.builder().model(model).reference(reference)
                    .data(new TwoInputs(100)).batchSize(8).threads(1).bootstrapResamples(200).seed(5).build());
            three = evaluator.fidelity(FidelityRequest.builder().model(model).reference(reference)
                    .data(new TwoInputs(100)).batchSize(8).threads(3).parallelRuns(3).bootstrapResamples(200).seed(5)
                    .listener((stage, done, total) -> progress.add(done)).build());
        }
        // 13 batches (12 of 8, one of 4), reported in the data's order whatever run finished first.
        List<Long> expected = new ArrayList<>();
        for (long done = 0; done < 100; done += 8) {
            expected.add(done);
        }
        expected.add(100L);
        assertEquals(expected, progress);
        assertEquals(100, three.samples());
        assertEquals(40.0, three.output("y").sqnrDb().estimate(), 0.01);
        assertEquals(-20 * Math.log10(0.02), three.output("z").sqnrDb().estimate(), 0.01);
        // The bootstrap resamples samples by index: the same intervals only if every sample kept its place.
        for (OutputFidelity o : one.outputs()) {
            OutputFidelity p = three.output(o.name());
            assertEquals(o.sqnrDb(), p.sqnrDb(), o.name());
            assertEquals(o.meanAbsError(), p.meanAbsError(), o.name());
            assertEquals(o.cosine(), p.cosine(), o.name());
        }
    }

    @Test
    void namedOutputsAloneAreCompared() {
        Path reference = twoMatMuls("fp32.onnx", 1, 1);
        Path model = twoMatMuls("scaled.onnx", 1.01, 1.02);
        FidelityResult result;
        try (Evaluator evaluator = new OrtEvaluator()) {
            result = evaluator.fidelity(FidelityRequest.builder().model(model).reference(reference).output("z")
                    .data(new TwoInputs(40)).threads(1).bootstrapResamples(200).build());
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> evaluator.fidelity(
                    FidelityRequest.builder().model(model).reference(reference).output("w")
                            .data(new TwoInputs(4)).threads(1).build()));
            assertTrue(e.getMessage().contains("no output 'w'") && e.getMessage().contains("[y, z]"), e.getMessage());
        }
        assertEquals(List.of("z"), result.outputs().stream().map(OutputFidelity::name).toList());
        assertEquals(-20 * Math.log10(0.02), result.output("z").sqnrDb().estimate(), 0.01);
    }

    @Test
    void identicalModelsHaveInfiniteSqnrAndFullAgreement() {
        Path reference = twoMatMuls("a.onnx", 1, 1);
        Path same = twoMatMuls("b.onnx", 1, 1);
        FidelityResult result;
        try (Evaluator evaluator = new OrtEvaluator()) {
            result = evaluator.fidelity(FidelityRequest.builder().model(same).reference(reference)
                    .data(new TwoInputs(20)).threads(1).build());
        }
        for (OutputFidelity o : result.outputs()) {
            assertEquals(ConfidenceInterval.exactly(Double.POSITIVE_INFINITY, 0.95), o.sqnrDb());
            assertEquals(ConfidenceInterval.exactly(0, 0.95), o.maxAbsError());
            assertEquals(1.0, o.cosine().estimate(), 1e-12);
            assertEquals(ConfidenceInterval.exactly(1, 0.95), o.argmaxAgreement().orElseThrow());
        }
    }

    @Test
    void modelsOfOtherInputsOrOutputsAreRefused() {
        GraphBuilder b = GraphBuilder.create("other");
        b.output(b.matMul(b.input("x", -1, 6), new FloatTensor(new long[] {6, 4}, random(24, 1))), "y");
        Path other = dir.resolve("other.onnx");
        b.buildModel().write(other);
        Path reference = twoMatMuls("fp32.onnx", 1, 1);
        try (Evaluator evaluator = new OrtEvaluator()) {
            assertThrows(InvalidInputException.class, () -> evaluator.fidelity(FidelityRequest.builder().model(other)
                    .reference(reference).data(new TwoInputs(4)).build()));
        }
        GraphBuilder c = GraphBuilder.create("renamed");
        c.output(c.matMul(c.input("x", -1, 6), new FloatTensor(new long[] {6, 4}, random(24, 1))), "logits");
        Path renamed = dir.resolve("renamed.onnx");
        c.buildModel().write(renamed);
        try (Evaluator evaluator = new OrtEvaluator()) {
            ModelException e = assertThrows(ModelException.class, () -> evaluator.fidelity(FidelityRequest.builder()
                    .model(renamed).reference(other).data(ArrayDataset.unlabelled(new float[][] {random(6, 3)}, 6))
                    .build()));
            assertTrue(e.getMessage().contains("'y'"), e.getMessage());
        }
    }

    /**
     * The Fashion-MNIST ResNet against its static INT8 model (per-channel, min-max, calibrated on
     * 256 test images), compared on 1,000 other test images with their labels ignored. The SQNR must
     * equal the one computed independently by {@link QuantizationTestSupport#sqnr}.
     */
    @Test
    void fashionResNetAgainstItsStaticInt8() {
        Path reference = Path.of("..", "models", "reference", "fashion-resnet.onnx");
        Assumptions.assumeTrue(Files.isRegularFile(reference), "models/reference/fashion-resnet.onnx is missing");
        Dataset calibration = QuantizationTestSupport.fashionMnist(0, 256);
        Dataset heldOut = QuantizationTestSupport.fashionMnist(5000, 1000);
        Path int8 = dir.resolve("fashion-resnet-int8.onnx");
        QuantizationTestSupport.quantize(reference, int8, QuantizationConfig.builder().build(), calibration);
        FidelityResult result;
        try (Evaluator evaluator = new OrtEvaluator()) {
            result = evaluator.fidelity(FidelityRequest.builder().model(int8).reference(reference).data(heldOut)
                    .batchSize(100).seed(42).build());
        }
        OutputFidelity logits = result.outputs().get(0);
        LOG.info(String.format(Locale.ROOT, "fashion-resnet static INT8 vs FP32 on 1000 held-out images, output '%s':"
                + " SQNR %.2f dB [%.2f, %.2f], cosine %.5f [%.5f, %.5f], max |err| %.4f, mean |err| %.5f"
                + " [%.5f, %.5f], argmax agreement %.4f [%.4f, %.4f]", logits.name(),
                logits.sqnrDb().estimate(), logits.sqnrDb().lower(), logits.sqnrDb().upper(),
                logits.cosine().estimate(), logits.cosine().lower(), logits.cosine().upper(),
                logits.maxAbsError().estimate(), logits.meanAbsError().estimate(), logits.meanAbsError().lower(),
                logits.meanAbsError().upper(), logits.argmaxAgreement().orElseThrow().estimate(),
                logits.argmaxAgreement().orElseThrow().lower(), logits.argmaxAgreement().orElseThrow().upper()));
        double independent = QuantizationTestSupport.sqnr(reference, int8, heldOut);
        assertEquals(independent, logits.sqnrDb().estimate(), 1e-6 * Math.abs(independent));
        assertTrue(logits.sqnrDb().contains(logits.sqnrDb().estimate()));
        assertTrue(logits.argmaxAgreement().orElseThrow().estimate() >= 0.97, logits.toString());
        assertTrue(logits.cosine().estimate() >= 0.99, logits.toString());
    }
}
