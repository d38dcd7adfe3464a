package org.quant4j.qat.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.api.quantize.Quantizers;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.onnxruntime.runtime.OptimizedOps;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.quant4j.qat.TinyModels;

/** The "qat" quantizer through the SPI, on the tiny ResNet. */
class QatQuantizerTest {

    private static final QuantizationConfig STATIC = QuantizationConfig.builder().mode(QuantizationMode.STATIC)
            .perChannel(true).build();

    private static Path writeModel(Path dir) {
        Path model = dir.resolve("tiny.onnx");
        TinyModels.exportedResNet().write(model);
        return model;
    }

    @Test
    void qatIsFoundByNameAndWritesAnInt8ModelThatOnnxRuntimeFuses(@TempDir Path dir) throws Exception {
        assertTrue(Quantizers.names().contains("qat"), Quantizers.names().toString());
        Path model = writeModel(dir);
        byte[] before = Files.readAllBytes(model);
        Path out = dir.resolve("tiny-qat.onnx");
        // 600 labelled images: 60 held out for validation, 540 to train on (5 steps of 128 per epoch, 5 epochs).
        Dataset data = CalibrationSampler.stratified(FashionMnist.train(), 600, 5);
        QuantizationResult result;
        List<long[]> training = new java.util.ArrayList<>();
        try (Quantizer qat = Quantizers.get("qat")) {
            result = qat.quantize(QuantizationRequest.builder().model(model).output(out).config(STATIC)
                    .calibrationData(data).listener((stage, done, total) -> {
                        if (stage.equals("training")) {
                            training.add(new long[] {done, total});
                        }
                    }).build());
        }
        // 5 epochs of ceil(540 / 128) = 5 steps; patience counts from the last freeze, so all run.
        assertEquals(25, training.size());
        assertEquals(List.of(25L, 25L), List.of(training.get(24)[0], training.get(24)[1]));
        assertTrue(Files.isRegularFile(out));
        assertEquals("qat", result.provenance().get("quantizer"));
        long convs = TinyModels.exportedResNet().graph().nodes().stream().filter(n -> n.is("Conv")).count();
        assertEquals(convs, result.decisions(NodeDecision.Action.QUANTIZED).stream()
                .filter(d -> d.opType().equals("Conv")).count());
        assertFalse(result.ranges().isEmpty());
        OptimizedOps ops = OptimizedOps.list(out, RunnerOptions.defaults());
        assertEquals(convs, ops.count("QLinearConv"), ops.toString());
        assertFalse(ops.contains("Conv"), ops.toString());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(model)), "the input model must not change");
        // Trained and exported for the default kernel target: nothing can saturate on AVX2 without VNNI.
        assertEquals("portable", result.provenance().get("kernelTarget"));
        assertTrue(org.quant4j.onnx.saturation.SaturationAnalysis.ofWeights(
                org.quant4j.onnx.graph.OnnxModel.read(out).graph()).portable(), "the QAT model is portable");
        assertEquals(java.util.List.of(), result.warnings());
    }

    @Test
    void unlabelledDataIsRefusedBeforeAnythingIsWritten(@TempDir Path dir) {
        Path model = writeModel(dir);
        Path out = dir.resolve("out.onnx");
        try (Quantizer qat = new QatQuantizer()) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> qat.quantize(
                    QuantizationRequest.builder().model(model).output(out).config(STATIC)
                            .calibrationData(new UniformNoiseDataset(64, new int[] {1, 28, 28}, 1, 0, 1)).build()));
            assertTrue(e.getMessage().contains("labelled"), e.getMessage());
        }
        assertFalse(Files.exists(out));
    }

    @Test
    void onlyStaticModeIsOffered(@TempDir Path dir) {
        Path model = writeModel(dir);
        try (Quantizer qat = new QatQuantizer()) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> qat.quantize(
                    QuantizationRequest.builder().model(model).output(dir.resolve("out.onnx"))
                            .config(STATIC.toBuilder().mode(QuantizationMode.DYNAMIC).build())
                            .calibrationData(CalibrationSampler.stratified(FashionMnist.train(), 100, 1)).build()));
            assertTrue(e.getMessage().contains("static"), e.getMessage());
        }
    }

    @Test
    void theInputIsNeverTheOutput(@TempDir Path dir) {
        Path model = writeModel(dir);
        try (Quantizer qat = new QatQuantizer()) {
            assertThrows(InvalidInputException.class, () -> qat.quantize(QuantizationRequest.builder().model(model)
                    .output(model).overwriteOutput(true).config(STATIC)
                    .calibrationData(CalibrationSampler.stratified(FashionMnist.train(), 100, 1)).build()));
        }
    }

    @Test
    void optionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> QatOptions.builder().averagingConstant(0).build());
        assertThrows(IllegalArgumentException.class, () -> QatOptions.builder().freezeObserversAfter(-1).build());
        QatOptions d = QatOptions.defaults();
        assertEquals(5, d.training().epochs());
        assertEquals(2, d.freezeBatchNormAfter());
        assertEquals(3, d.freezeObserversAfter());
    }
}
