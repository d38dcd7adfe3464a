package org.quant4j.tensorrt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.calibration.CalibrationRequest;
import org.quant4j.api.calibration.ModelCalibrators;
import org.quant4j.api.calibration.TensorSelection;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.data.Tensor;
import org.quant4j.api.evaluate.EvaluationRequest;
import org.quant4j.api.evaluate.EvaluationResult;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.evaluate.TimedSession;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.api.quantize.Quantizers;
import org.quant4j.calibration.table.CalibrationTable;
import org.quant4j.calibration.table.TensorRtCalibrationCache;
import org.quant4j.calibration.table.TensorRtCalibrationCache.Algorithm;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.quant4j.tensorrt.EnginePrecision;
import org.quant4j.tensorrt.LayerPrecision;
import org.quant4j.tensorrt.TensorRtOptions;
import org.quant4j.tensorrt.inspect.EngineLayer;
import org.quant4j.tensorrt.inspect.EngineLayers;
import org.quant4j.tensorrt.probe.TensorRtRequired;

/**
 * Builds and runs real engines. Needs an NVIDIA GPU, its driver and the TensorRT 10.15 / CUDA 13.1
 * natives: run with {@code -Pgpu} (see the README). Elsewhere every test is skipped with the
 * probe's reason, printed on stderr ({@link TensorRtRequired}).
 */
@Tag("gpu")
@ExtendWith(TensorRtRequired.class)
class TensorRtGpuTest {

    @TempDir
    Path dir;

    private Path smallCnn() {
        Path model = dir.resolve("cnn.onnx");
        OnnxModel.of(ReferenceGraphs.smallCnn(1)).write(model);
        return model;
    }

    private static NamedBatch batch(int size, long seed) {
        return new NoiseImages(size, seed).namedBatch(java.util.stream.IntStream.range(0, size).toArray(),
                ReferenceGraphs.INPUT);
    }

    /** The largest |a - b| relative to the largest |b|. */
    private static double relativeError(float[] a, float[] b) {
        double diff = 0;
        double scale = 1e-12;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }

    @Test
    void anFp32EngineGivesOnnxRuntimesOutputs() {
        Path model = smallCnn();
        NamedBatch batch = batch(8, 3);
        float[] expected;
        try (OrtRunner ort = OrtRunner.open(model, RunnerOptions.defaults())) {
            expected = ort.run(batch).get(ReferenceGraphs.OUTPUT).data();
        }
        try (SerializedEngine engine = EngineBuilder.build(model, TensorRtOptions.builder(EnginePrecision.FP32)
                .batchSize(8).build(), Optional.empty()); EngineRunner runner = EngineRunner.open(engine.bytes())) {
            Tensor out = runner.run(batch).get(ReferenceGraphs.OUTPUT);
            float[] actual = new float[out.elements()];
            out.floats().get(actual);
            // TF32 may be used for FP32 convolutions on Ampere and later: 1e-2 relative.
            assertTrue(relativeError(actual, expected) < 1e-2, "relative error " + relativeError(actual, expected));
        }
    }

    @Test
    void implicitInt8EntropyCalibrationFeedsEveryFullBatchAndWritesACacheQuant4jReads() {
        Path cache = dir.resolve("cnn.cache");
        try (SerializedEngine engine = EngineBuilder.build(smallCnn(), TensorRtOptions.builder(EnginePrecision.IMPLICIT_INT8)
                .batchSize(8).calibrationCache(cache).build(), Optional.of(new NoiseImages(70, 5)))) {
            assertEquals(8, engine.calibrationBatches(), "70 samples give 8 full batches of 8");
            assertTrue(engine.size() > 0);
        }
        TensorRtCalibrationCache written = TensorRtCalibrationCache.read(cache);
        assertEquals(Algorithm.ENTROPY_CALIBRATION_2, written.algorithm());
        assertTrue(written.scale(ReferenceGraphs.INPUT).isPresent(), written.scales().toString());
    }

    @Test
    void aCacheFromQuant4jsEntropyCalibrationReplacesTensorRtsCalibration() throws Exception {
        Path model = smallCnn();
        CalibrationTable table;
        QuantizationConfig config = QuantizationConfig.builder().calibrationMethod(
                org.quant4j.api.CalibrationMethod.ENTROPY).build();
        table = CalibrationTable.of(ModelCalibrators.get("onnxruntime").calibrate(CalibrationRequest.builder()
                .model(model).data(new NoiseImages(64, 7)).config(config).tensors(TensorSelection.allFloatTensors())
                .batchSize(8).build()));
        Path cache = dir.resolve("quant4j.cache");
        TensorRtCalibrationCache.fromTable(table, 101500, Algorithm.ENTROPY_CALIBRATION_2).write(cache);
        byte[] before = Files.readAllBytes(cache);
        try (SerializedEngine engine = EngineBuilder.build(model, TensorRtOptions.builder(EnginePrecision.IMPLICIT_INT8)
                .batchSize(8).calibrationCache(cache).build(), Optional.empty());
                EngineRunner runner = EngineRunner.open(engine.bytes())) {
            assertEquals(0, engine.calibrationBatches(), "the cache replaces calibration");
            assertTrue(runner.layers().counts().getOrDefault(LayerPrecision.INT8, 0) > 0, runner.layers().toString());
        }
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(Files.readAllBytes(cache)),
                "the user's cache is never rewritten");
    }

    @Test
    void explicitInt8FromQuant4jsQdqModelRunsInt8AndAgreesWithOnnxRuntime() {
        Path model = smallCnn();
        Path qdq = dir.resolve("cnn-int8.onnx");
        try (Quantizer ort = Quantizers.get("onnxruntime")) {
            ort.quantize(QuantizationRequest.builder().model(model).output(qdq)
                    .config(QuantizationConfig.builder().mode(QuantizationMode.STATIC).build())
                    .calibrationData(new NoiseImages(64, 9)).batchSize(8).build());
        }
        Path engineFile = dir.resolve("cnn-int8.engine");
        try (Quantizer trt = Quantizers.get("tensorrt")) {
            trt.quantize(QuantizationRequest.builder().model(qdq).output(engineFile)
                    .config(QuantizationConfig.builder().mode(QuantizationMode.STATIC).build())
                    .calibrationData(new NoiseImages(8, 1)).batchSize(8).build());
        }
        NamedBatch batch = batch(8, 11);
        float[] expected;
        try (OrtRunner ortRunner = OrtRunner.open(qdq, RunnerOptions.defaults())) {
            FloatTensor t = ortRunner.run(batch).get(ReferenceGraphs.OUTPUT);
            expected = t.data();
        }
        try (EngineRunner runner = EngineRunner.open(engineFile)) {
            EngineLayers layers = runner.layers();
            assertTrue(layers.counts().getOrDefault(LayerPrecision.INT8, 0) > 0, layers.toString());
            Tensor out = runner.run(batch).get(ReferenceGraphs.OUTPUT);
            float[] actual = new float[out.elements()];
            out.floats().get(actual);
            // Both run the same Q/DQ arithmetic; kernels round differently: 5% of the output scale.
            assertTrue(relativeError(actual, expected) < 0.05, "relative error " + relativeError(actual, expected));
        }
    }

    @Test
    void aLayerPinnedToFp32StaysFp32InAnFp16Engine() {
        Path model = smallCnn();
        String gemm = OnnxModel.read(model).graph().nodes().stream().filter(n -> n.is("Gemm")).findFirst()
                .orElseThrow().name();
        try (SerializedEngine engine = EngineBuilder.build(model, TensorRtOptions.builder(EnginePrecision.FP16)
                .layerPrecision(gemm, LayerPrecision.FP32).batchSize(8).build(), Optional.empty());
                EngineRunner runner = EngineRunner.open(engine.bytes())) {
            EngineLayers layers = runner.layers();
            EngineLayer pinned = layers.layers().stream().filter(l -> l.name().contains(gemm)).findFirst()
                    .orElseThrow(() -> new AssertionError("no layer named after " + gemm + ": " + layers));
            assertEquals(LayerPrecision.FP32, pinned.precision(), pinned.toString());
            assertTrue(layers.counts().getOrDefault(LayerPrecision.FP16, 0) > 0, layers.toString());
        }
    }

    @Test
    void theEvaluatorScoresAndTimesAnEngine() {
        Path engineFile = dir.resolve("cnn.engine");
        try (SerializedEngine engine = EngineBuilder.build(smallCnn(), TensorRtOptions.builder(EnginePrecision.FP32)
                .batchSize(8).build(), Optional.empty())) {
            engine.write(engineFile);
        }
        try (var evaluator = Evaluators.get("tensorrt")) {
            EvaluationResult result = evaluator.evaluate(EvaluationRequest.builder().model(engineFile)
                    .data(new NoiseImages(20, 13)).batchSize(8).topK(1).build());
            assertEquals(20, result.predictions().size());
            Map<String, Double> metrics = result.metrics();
            assertEquals(20.0, metrics.get("samples"));
            EvaluationResult ort;
            try (var reference = Evaluators.get("onnxruntime")) {
                ort = reference.evaluate(EvaluationRequest.builder().model(dir.resolve("cnn.onnx"))
                        .data(new NoiseImages(20, 13)).batchSize(8).topK(1).build());
            }
            int agree = 0;
            for (int i = 0; i < 20; i++) {
                agree += result.predictions().top1(i) == ort.predictions().top1(i) ? 1 : 0;
            }
            // FP32 (or TF32) against ONNX Runtime's FP32: near-ties may flip, no more than one in twenty.
            assertTrue(agree >= 19, agree + " of 20 top-1 classes agree with ONNX Runtime");
            try (TimedSession timed = evaluator.openTimed(engineFile, 0)) {
                double[] ms = timed.time(4, 2, 5);
                assertEquals(5, ms.length);
                for (double t : ms) {
                    assertTrue(t > 0, java.util.Arrays.toString(ms));
                }
            }
        }
    }

    /** The quantizer's explicit INT8 engine of the small CNN's Q/DQ model (quantized by ONNX Runtime), as {@code name}. */
    private QuantizationResult explicitInt8Engine(Path engineFile) {
        Path qdq = dir.resolve("cnn-int8.onnx");
        try (Quantizer ort = Quantizers.get("onnxruntime")) {
            ort.quantize(QuantizationRequest.builder().model(smallCnn()).output(qdq)
                    .config(QuantizationConfig.builder().mode(QuantizationMode.STATIC).build())
                    .calibrationData(new NoiseImages(64, 9)).batchSize(8).build());
        }
        try (Quantizer trt = Quantizers.get("tensorrt")) {
            return trt.quantize(QuantizationRequest.builder().model(qdq).output(engineFile)
                    .config(QuantizationConfig.builder().mode(QuantizationMode.STATIC).build())
                    .calibrationData(new NoiseImages(8, 1)).batchSize(8).build());
        }
    }

    @Test
    void inspectingAnEngineFileGivesItsLayersPrecisionsAndTacticsAsTheQuantizerReportedThem() {
        Path plan = dir.resolve("cnn-int8.plan");
        QuantizationResult result = explicitInt8Engine(plan);

        EngineLayers layers = EngineInspection.read(plan);

        assertTrue(layers.counts().getOrDefault(LayerPrecision.INT8, 0) > 0, layers.toString());
        // Detailed verbosity: every layer has its formats, and TensorRT names a tactic for some.
        assertTrue(layers.layers().stream().allMatch(l -> !l.inputFormats().isEmpty() || !l.outputFormats().isEmpty()),
                layers.toString());
        assertTrue(layers.layers().stream().anyMatch(l -> !l.tactic().isEmpty()), layers.toString());
        assertEquals(result.executedLayers(), layers.executedLayers());
    }

    @Test
    void theEvaluatorTakesAPlanFileAndRefusesAnOnnxModelNamedAsAnEngine() {
        Path plan = dir.resolve("cnn-int8.plan");
        explicitInt8Engine(plan);
        Path renamed = dir.resolve("cnn-onnx.engine");
        OnnxModel.of(ReferenceGraphs.smallCnn(1)).write(renamed);
        try (var evaluator = Evaluators.get("tensorrt")) {
            EvaluationResult result = evaluator.evaluate(EvaluationRequest.builder().model(plan)
                    .data(new NoiseImages(20, 13)).batchSize(8).topK(1).build());
            assertEquals(20, result.predictions().size());
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> evaluator.evaluate(
                    EvaluationRequest.builder().model(renamed).data(new NoiseImages(8, 13)).batchSize(8).topK(1)
                            .build()));
            assertTrue(e.getMessage().contains("is an ONNX model, not a serialized TensorRT engine"), e.getMessage());
        }
    }
}
