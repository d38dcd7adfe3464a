package org.quant4j.cli.calibrate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.ReferenceGraphs;

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
                + ": the file exists; choose another path, or add --overwrite"), run.errLines());
        assertEquals("keep me", Files.readString(table));
        assertFalse(run.out().contains("Calibrated"));
    }

    /** input [N, 1, 2, 2] -> Relu -> out. */
    private Path reluModel() {
        GraphBuilder b = GraphBuilder.create("relu");
        String x = b.input("input", -1, 1, 2, 2);
        b.output(b.relu(x), "out");
        return TestFiles.model(b.graph().toModel().proto(), dir.resolve("relu.onnx"));
    }

    @Test
    void statsHaveOneEntryPerTensorWithHandComputedMoments() throws Exception {
        Path model = reluModel();
        Path data = TestFiles.npyFloats(dir.resolve("x.npy"), new int[] {2, 1, 2, 2},
                new float[] {-1, 0, 1, 2, 3, -2, 0.5f, 0.5f});
        Path stats = dir.resolve("relu.stats.json");

        CliRun run = CliRun.of("calibrate", "-m", model, "-d", data, "--method", "minmax", "--stats", stats);

        assertEquals(0, run.exitCode(), run::toString);
        JsonNode tensors = new ObjectMapper().readTree(stats.toFile()).get("tensors");
        assertEquals(2, tensors.size(), tensors::toString);
        // input: sum 4 over 8 values, mean 0.5; squared deviations sum to 17.5.
        assertTensor(tensors.get(0), "input", -2, 3, 0.5, Math.sqrt(17.5 / 8));
        // Relu: 0, 0, 1, 2, 3, 0, 0.5, 0.5; sum 7, mean 0.875; squared deviations sum to 8.375.
        assertTensor(tensors.get(1), "out", 0, 3, 0.875, Math.sqrt(8.375 / 8));

        Path csv = dir.resolve("relu.stats.csv");
        CliRun csvRun = CliRun.of("calibrate", "-m", model, "-d", data, "--stats", csv, "--overwrite");
        assertEquals(0, csvRun.exitCode(), csvRun::toString);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("name,count,min,max,mean,std,nonFinite,range_minmax_min,range_minmax_max", lines.get(0));
        assertEquals("out,8,0.0,3.0,0.875," + Math.sqrt(8.375 / 8) + ",0,0.0,3.0", lines.get(2));
    }

    private static void assertTensor(JsonNode t, String name, double min, double max, double mean, double std) {
        assertEquals(name, t.get("name").asText());
        assertEquals(8, t.get("count").asLong());
        assertEquals(0, t.get("nonFinite").asLong());
        assertEquals(min, t.get("min").asDouble());
        assertEquals(max, t.get("max").asDouble());
        assertEquals(mean, t.get("mean").asDouble(), 1e-12);
        assertEquals(std, t.get("std").asDouble(), 1e-12);
        // Without a TensorRT cache the activations are asymmetric: min-max is the data's own range.
        assertEquals(min, t.get("ranges").get("minmax").get("min").asDouble());
        assertEquals(max, t.get("ranges").get("minmax").get("max").asDouble());
    }

    @Test
    void statsOverTheModelAreRefusedWithOneLine() throws Exception {
        Path model = reluModel();
        byte[] before = Files.readAllBytes(model);

        CliRun run = CliRun.of("calibrate", "-m", model, "-d", Samples.images(dir, 4), "--stats", model);

        assertEquals(1, run.exitCode(), run::toString);
        assertEquals(List.of("quant4j: Refusing to write the tensor statistics to " + model + ": it is the input model "
                + model + ", which this run reads. Choose another output path; inputs are never overwritten, not even"
                + " when replacing outputs is allowed"), run.errLines());
        assertArrayEquals(before, Files.readAllBytes(model));
        assertFalse(Files.exists(dir.resolve("relu.calibration.json")));
    }
}
