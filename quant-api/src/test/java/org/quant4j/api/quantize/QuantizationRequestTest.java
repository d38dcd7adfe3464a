package org.quant4j.api.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.TensorRange;
import org.quant4j.api.data.TinyDataset;

class QuantizationRequestTest {

    private static final Path MODEL = Path.of("models", "mnist.onnx");
    private static final TinyDataset DATA = new TinyDataset(4, 2);

    private static QuantizationConfig mode(QuantizationMode mode) {
        return QuantizationConfig.builder().mode(mode).build();
    }

    @Test
    void outputEqualToTheModelIsRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> QuantizationRequest.builder()
                .model(MODEL).output(MODEL).calibrationData(DATA).build());
        assertTrue(e.getMessage().contains("is the input model"), e.getMessage());
    }

    @Test
    void outputSpelledDifferentlyButEqualToTheModelIsRefused() {
        assertThrows(InvalidInputException.class, () -> QuantizationRequest.builder()
                .model(MODEL).output(Path.of("models", ".", "x", "..", "mnist.onnx")).calibrationData(DATA).build());
        assertThrows(InvalidInputException.class, () -> QuantizationRequest.builder()
                .model(MODEL).output(MODEL.toAbsolutePath()).calibrationData(DATA).build());
    }

    @Test
    void staticModeWithoutCalibrationDataIsRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> QuantizationRequest.builder()
                .model(MODEL).output(Path.of("out.onnx")).build());
        assertTrue(e.getMessage().contains("Static quantization needs calibration data"), e.getMessage());
    }

    @Test
    void dynamicAndFp16ModesNeedNoData() {
        for (QuantizationMode m : new QuantizationMode[] {QuantizationMode.DYNAMIC, QuantizationMode.FP16}) {
            QuantizationRequest r = QuantizationRequest.builder().model(MODEL).output(Path.of("out.onnx"))
                    .config(mode(m)).build();
            assertEquals(Optional.empty(), r.calibrationData());
            assertEquals(m, r.config().mode());
        }
    }

    @Test
    void missingPathsAndBadBatchSizesAreRefused() {
        assertThrows(InvalidInputException.class,
                () -> QuantizationRequest.builder().output(Path.of("o.onnx")).calibrationData(DATA).build());
        assertThrows(InvalidInputException.class,
                () -> QuantizationRequest.builder().model(MODEL).calibrationData(DATA).build());
        assertThrows(InvalidInputException.class, () -> QuantizationRequest.builder().model(MODEL)
                .output(Path.of("o.onnx")).calibrationData(DATA).batchSize(0).build());
    }

    @Test
    void defaults() {
        QuantizationRequest r = QuantizationRequest.builder().model(MODEL).output(Path.of("o.onnx"))
                .calibrationData(DATA).build();
        assertEquals(32, r.batchSize());
        assertFalse(r.overwriteOutput());
        assertSame(ProgressListener.NONE, r.listener());
        assertEquals(QuantizationMode.STATIC, r.config().mode());
        assertSame(DATA, r.calibrationData().orElseThrow());
    }

    @Test
    void resultReportsCompressionAndFiltersDecisions() {
        QuantizationResult r = QuantizationResult.builder().output(Path.of("o.onnx")).sizes(100, 25)
                .decision(new NodeDecision("conv1", "Conv", NodeDecision.Action.QUANTIZED, "selected"))
                .decision(new NodeDecision("sm", "Softmax", NodeDecision.Action.SKIPPED, "excluded by op type Softmax"))
                .range("x", new TensorRange(-1, 1)).totalTime(Duration.ofSeconds(2)).build();
        assertEquals(4.0, r.compressionRatio());
        assertEquals(1, r.decisions(NodeDecision.Action.SKIPPED).size());
        assertEquals("sm", r.decisions(NodeDecision.Action.SKIPPED).get(0).nodeName());
        assertEquals(0, r.decisions(NodeDecision.Action.FOLDED).size());
        assertEquals(0.0, QuantizationResult.builder().output(Path.of("o")).build().compressionRatio());
        assertThrows(NullPointerException.class, () -> QuantizationResult.builder().build());
        assertThrows(NullPointerException.class, () -> new NodeDecision("n", "Conv", null, "r"));
    }

    @Test
    void checkOutputRefusesAnExistingFileOrDirectoryUnlessReplacingIsAllowed(@TempDir Path dir) throws Exception {
        Path model = Files.writeString(dir.resolve("model.onnx"), "m");
        Path existing = Files.writeString(dir.resolve("out.onnx"), "old");
        QuantizationRequest.Builder b = QuantizationRequest.builder().model(model).output(existing)
                .config(mode(QuantizationMode.DYNAMIC));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> b.build().checkOutput());
        assertTrue(e.getMessage().contains("the file exists"), e.getMessage());
        b.overwriteOutput(true).build().checkOutput();
        e = assertThrows(InvalidInputException.class, () -> b.output(dir).build().checkOutput());
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        Path link = dir.resolve("link.onnx");
        Files.createSymbolicLink(link, model);
        assertThrows(InvalidInputException.class, () -> b.output(link).build().checkOutput(),
                "a link to the input is the input");
        QuantizationRequest.builder().model(model).output(dir.resolve("new.onnx"))
                .config(mode(QuantizationMode.DYNAMIC)).build().checkOutput();
        assertEquals("old", Files.readString(existing), "checking writes nothing");
    }
}
