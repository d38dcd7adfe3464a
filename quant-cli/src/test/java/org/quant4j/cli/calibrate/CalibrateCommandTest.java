package org.quant4j.cli.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.TensorRange;
import org.quant4j.calibration.table.CalibrationTable;
import org.quant4j.calibration.table.TensorRtCalibrationCache;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.Samples;
import org.quant4j.cli.TestFiles;
import org.quant4j.onnxruntime.builder.ReferenceGraphs;

class CalibrateCommandTest {

    /** smallCnn's input and its ten node outputs: 2 x (Conv, BatchNormalization, Relu), Add, pool, Flatten, Gemm. */
    private static final int SMALL_CNN_TENSORS = 11;

    @TempDir
    Path dir;

    @Test
    void writesTheTableAndATensorRtCacheOfSymmetricRanges() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
        Path table = dir.resolve("cnn.json");
        Path cache = dir.resolve("cnn.cache");

        CliRun run = CliRun.of("calibrate", "-m", model, "-d", Samples.images(dir, 24), "--method", "minmax",
                "-o", table, "--trt-cache", cache);

        assertEquals(0, run.exitCode(), run::toString);
        CalibrationTable read = CalibrationTable.read(table);
        assertEquals(SMALL_CNN_TENSORS, read.size(), read.ranges()::toString);
        assertEquals("minmax", read.calibrationMethod());
        assertEquals(24, read.numSamples());
        // A TensorRT cache implies int8 symmetric activations: the input's range is [-amax, amax], amax = 2.
        assertEquals(TensorRange.symmetric(Samples.MAX), read.entry("input").orElseThrow().range());

        List<String> lines = Files.readAllLines(cache);
        assertEquals("TRT-100100-MinMaxCalibration", lines.get(0));
        // The cache stores the float32 bits of scale = amax / 127 in hex (TensorRT's format).
        String inputScale = String.format("%08x", Float.floatToIntBits((float) (Samples.MAX / 127.0)));
        assertTrue(lines.contains("input: " + inputScale), lines::toString);
        assertEquals(SMALL_CNN_TENSORS, TensorRtCalibrationCache.read(cache).size());
        assertTrue(run.out().contains("TRT-100100-MinMaxCalibration"), run::toString);
    }

    @Test
    void withoutACacheRangesAreAsymmetricAndTheTableGoesBesideTheModel() {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(2), dir.resolve("cnn.onnx"));

        CliRun run = CliRun.of("calibrate", "-m", model, "-d", Samples.images(dir, 8), "--details");

        assertEquals(0, run.exitCode(), run::toString);
        CalibrationTable table = CalibrationTable.read(dir.resolve("cnn.calibration.json"));
        assertEquals(new TensorRange(Samples.MIN, Samples.MAX), table.entry("input").orElseThrow().range());
        assertTrue(run.outLines().stream().anyMatch(l -> l.matches("\\s+input\\s+-1\\.00000\\s+2\\.00000")),
                run::toString);
    }

    @Test
    void cacheHeaderFollowsTheRequestedVersionAndAlgorithm() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.mlp(3), dir.resolve("mlp.onnx"));
        Path cache = dir.resolve("mlp.cache");

        CliRun run = CliRun.of("calibrate", "-m", model, "-d", Samples.images(dir, 8), "--method", "entropy",
                "--trt-cache", cache, "--trt-version", 8601, "--trt-algorithm", "entropycalibration2", "--json");

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("TRT-8601-EntropyCalibration2", Files.readAllLines(cache).get(0));
        assertTrue(run.out().contains("\"tensorRtHeader\" : \"TRT-8601-EntropyCalibration2\""), run::toString);
    }

    @Test
    void refusesToReplaceAnExistingTableWithoutOverwrite() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.mlp(4), dir.resolve("mlp.onnx"));
        Path table = Files.writeString(dir.resolve("table.json"), "keep me");

        CliRun run = CliRun.of("calibrate", "-m", model, "-d", Samples.images(dir, 8), "-o", table);

        assertEquals(1, run.exitCode(), run::toString);
        assertEquals(List.of("quant4j: Cannot write the calibration table to " + table
                + ": the file exists; choose another path or add --overwrite"), run.errLines());
        assertEquals("keep me", Files.readString(table));
        assertFalse(run.out().contains("Calibrated"));
    }
}
