package org.quant4j.onnxruntime.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.onnxruntime.quantize.QuantizationTestSupport.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.io.UnwritableDirectory;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.calibration.data.SyntheticDataset;
import org.quant4j.onnx.builder.ReferenceGraphs;

/**
 * The quantizer's output checks happen before any calibration: a read-only directory or a full
 * disk is reported before a single sample is read, and no input of the request is ever replaced.
 */
class QuantizerOutputSafetyTest {

    @TempDir
    Path dir;

    private static void run(QuantizationRequest request) {
        try (Quantizer q = new OnnxRuntimeQuantizer()) {
            q.quantize(request);
        }
    }

    @Test
    void aReadOnlyOutputDirectoryIsReportedBeforeCalibrationStarts() throws Exception {
        Path model = write(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
        Path readOnly = Files.createDirectories(dir.resolve("read-only"));
        SyntheticDataset data = SyntheticDataset.unlabelled(8, new int[] {1, 28, 28}, "counted");
        List<String> progress = new ArrayList<>();
        try (UnwritableDirectory d = UnwritableDirectory.of(readOnly)) {
            Assumptions.assumeTrue(d.unwritable(), "cannot make a directory unwritable here");
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> run(QuantizationRequest.builder()
                    .model(model).output(readOnly.resolve("cnn-int8.onnx")).calibrationData(data)
                    .listener((stage, done, total) -> progress.add(stage)).build()));
            assertTrue(e.getMessage().contains("its directory " + readOnly + " is not writable"), e.getMessage());
        }
        assertEquals(0, data.reads(), "no sample was read");
        assertEquals(List.of(), progress, "no stage started");
    }

    @Test
    void tooLittleFreeSpaceForTheModelIsReportedBeforeCalibrationStarts() throws IOException {
        Path model = write(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
        long modelBytes = Files.size(model) + (2L << 20);
        SyntheticDataset data = SyntheticDataset.unlabelled(8, new int[] {1, 28, 28}, "counted");
        QuantizationRequest.Builder request = QuantizationRequest.builder().model(model)
                .output(dir.resolve("cnn-int8.onnx")).calibrationData(data).freeSpace(d -> modelBytes - (3L << 20));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> run(request.build()));
        assertTrue(e.getMessage().contains("free some space or choose another directory"), e.getMessage());
        assertEquals(0, data.reads(), "no sample was read");
        assertFalse(Files.exists(dir.resolve("cnn-int8.onnx")));
        // With room for the model it runs.
        run(request.freeSpace(d -> Files.size(model) + (1L << 20)).build());
        assertTrue(data.reads() > 0);
        assertTrue(Files.size(dir.resolve("cnn-int8.onnx")) > 0);
    }

    @Test
    void theCalibrationDataIsNeverTheOutputEvenWithOverwrite() throws IOException {
        Path model = write(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
        byte[] samples = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
        Path npy = Files.write(dir.resolve("calibration.npy"), samples);
        Path hardLink = Files.createLink(dir.resolve("also-calibration.npy"), npy);
        for (Path output : List.of(npy, hardLink)) {
            SyntheticDataset data = SyntheticDataset.unlabelled(8, new int[] {1, 28, 28}, "counted");
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> run(QuantizationRequest
                    .builder().model(model).output(output).calibrationData(data).overwriteOutput(true)
                    .input(npy, "the calibration data").build()));
            assertEquals("Refusing to write the quantized model to " + output + ": it is the calibration data " + npy
                    + ", which this run reads. Choose another output path; inputs are never overwritten, not even when"
                    + " replacing outputs is allowed", e.getMessage());
            assertEquals(0, data.reads());
        }
        assertArrayEquals(samples, Files.readAllBytes(npy));
        assertArrayEquals(samples, Files.readAllBytes(hardLink));
    }
}
