package org.quant4j.cli.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.TensorRange;
import org.quant4j.calibration.table.CalibrationTable;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.TestFiles;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.FloatTensor;

/**
 * Samples of two shapes (sequences of 6 and of 10 steps of 4 features) for a model
 * {@code y = x W} with {@code x [N, T, 4]}, given as a directory of one {@code .npz} file per
 * shape: calibrate and quantize batch them by shape, run every sample, and say which shapes they
 * saw. The expected ranges are computed here from the data and the weights.
 */
class VariableShapeDataTest {

    @TempDir
    Path dir;

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void samplesOfTwoLengthsAreCalibratedShapeByShape() throws IOException {
        Random random = new Random(5);
        float[] w = gaussian(random, 4 * 3);
        GraphBuilder b = GraphBuilder.create("sequence");
        b.output(b.matMul(b.input("x", -1, -1, 4), new FloatTensor(new long[] {4, 3}, w)), "y");
        Path model = TestFiles.model(b.build(), dir.resolve("sequence.onnx"));
        float[] shortOnes = gaussian(random, 5 * 6 * 4);
        float[] longOnes = gaussian(random, 3 * 10 * 4);
        longOnes[7] = 9f; // the largest input and, through W, outputs that only the long samples reach
        Path data = Files.createDirectory(dir.resolve("by-length"));
        TestFiles.npz(data.resolve("a-short.npz"), Map.of("x", TestFiles.npyFloats(dir.resolve("s.npy"),
                new int[] {5, 6, 4}, shortOnes)));
        TestFiles.npz(data.resolve("b-long.npz"), Map.of("x", TestFiles.npyFloats(dir.resolve("l.npy"),
                new int[] {3, 10, 4}, longOnes)));

        Path tablePath = dir.resolve("sequence.calibration.json");
        CliRun run = CliRun.of("calibrate", "-m", model, "-d", data, "--method", "minmax", "-o", tablePath,
                "--batch-size", "4");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("x [6, 4]: 5 samples; x [10, 4]: 3 samples"), run.out());
        CalibrationTable table = CalibrationTable.read(tablePath);
        assertEquals(8, table.numSamples());
        float[][] all = {shortOnes, longOnes};
        TensorRange x = table.entry("x").orElseThrow().range();
        assertEquals(Math.min(min(shortOnes), min(longOnes)), x.min(), 1e-6);
        assertEquals(9f, x.max(), 1e-6);
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float[] part : all) {
            for (int row = 0; row < part.length / 4; row++) {
                for (int c = 0; c < 3; c++) {
                    float dot = 0;
                    for (int k = 0; k < 4; k++) {
                        dot += part[row * 4 + k] * w[k * 3 + c];
                    }
                    lo = Math.min(lo, dot);
                    hi = Math.max(hi, dot);
                }
            }
        }
        TensorRange y = table.entry("y").orElseThrow().range();
        assertEquals(lo, y.min(), 1e-4);
        assertEquals(hi, y.max(), 1e-4);

        CliRun json = CliRun.of("calibrate", "-m", model, "-d", data, "-o", dir.resolve("again.json"), "--json");
        assertEquals(0, json.exitCode(), json::toString);
        JsonNode shapes = new ObjectMapper().readTree(json.out()).get("sampleShapes");
        assertEquals("[{\"shapes\":{\"x\":[6,4]},\"samples\":5},{\"shapes\":{\"x\":[10,4]},\"samples\":3}]",
                shapes.toString());

        Path int8 = dir.resolve("sequence-int8.onnx");
        CliRun quantize = CliRun.of("quantize", "-m", model, "-d", data, "-o", int8);
        assertEquals(0, quantize.exitCode(), quantize::toString);
        assertTrue(quantize.out().lines().anyMatch(l -> l.trim().startsWith("shapes")
                && l.contains("x [6, 4]: 5 samples; x [10, 4]: 3 samples")), quantize.out());

        // The fidelity evaluation compares all 8 samples, shape by shape.
        CliRun fidelity = CliRun.of("evaluate", "-m", int8, "--reference", model, "-d", data, "--json");
        assertEquals(0, fidelity.exitCode(), fidelity::toString);
        assertEquals(8, new ObjectMapper().readTree(fidelity.out()).get("samples").asInt(), fidelity.out());
    }

    @Test
    void samplesThatDoNotFitTheModelAreNamedWithTheirShape() throws IOException {
        GraphBuilder b = GraphBuilder.create("sequence");
        b.output(b.matMul(b.input("x", -1, -1, 4), new FloatTensor(new long[] {4, 3}, new float[12])), "y");
        Path model = TestFiles.model(b.build(), dir.resolve("sequence.onnx"));
        Path data = Files.createDirectory(dir.resolve("by-length"));
        TestFiles.npz(data.resolve("a.npz"), Map.of("x", TestFiles.npyFloats(dir.resolve("a.npy"),
                new int[] {2, 6, 4}, new float[48])));
        TestFiles.npz(data.resolve("b.npz"), Map.of("x", TestFiles.npyFloats(dir.resolve("b.npy"),
                new int[] {2, 6, 5}, new float[60])));
        CliRun run = CliRun.of("calibrate", "-m", model, "-d", data, "-o", dir.resolve("t.json"));
        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.err().contains("[6, 5]") && run.err().contains("expects"), run.err());
    }

    @Test
    void anAmbiguousBatchAxisIsGivenWithBatchAxis() throws IOException {
        // kv [2, ?, ?]: either dynamic axis could hold the samples, so the model alone cannot tell.
        Random random = new Random(9);
        float[] w = gaussian(random, 4 * 3);
        GraphBuilder b = GraphBuilder.create("kv");
        b.output(b.matMul(b.input("kv", 2, -1, -1), new FloatTensor(new long[] {4, 3}, w)), "y");
        Path model = TestFiles.model(b.build(), dir.resolve("kv.onnx"));
        float[] kv = gaussian(random, 6 * 2 * 4);
        Path data = TestFiles.npz(dir.resolve("kv.npz"), Map.of("kv", TestFiles.npyFloats(dir.resolve("kv.npy"),
                new int[] {6, 2, 4}, kv)));

        CliRun ambiguous = CliRun.of("calibrate", "-m", model, "-d", data, "-o", dir.resolve("a.json"));
        assertEquals(1, ambiguous.exitCode(), ambiguous::toString);
        assertTrue(ambiguous.err().contains("--batch-axis kv=AXIS"), ambiguous.err());
        CliRun bad = CliRun.of("calibrate", "-m", model, "-d", data, "--batch-axis", "kv=first", "-o",
                dir.resolve("b.json"));
        assertEquals(1, bad.exitCode(), bad::toString);
        assertTrue(bad.err().contains("a number >= 0 or 'none'"), bad.err());

        Path tablePath = dir.resolve("kv.calibration.json");
        CliRun run = CliRun.of("calibrate", "-m", model, "-d", data, "--batch-axis", "kv=1", "--method", "minmax",
                "-o", tablePath);
        assertEquals(0, run.exitCode(), run::toString);
        float hi = Float.NEGATIVE_INFINITY;
        for (int row = 0; row < kv.length / 4; row++) {
            for (int c = 0; c < 3; c++) {
                float dot = 0;
                for (int k = 0; k < 4; k++) {
                    dot += kv[row * 4 + k] * w[k * 3 + c];
                }
                hi = Math.max(hi, dot);
            }
        }
        assertEquals(hi, CalibrationTable.read(tablePath).entry("y").orElseThrow().range().max(), 1e-4);
    }

    private static float min(float[] v) {
        float m = Float.POSITIVE_INFINITY;
        for (float f : v) {
            m = Math.min(m, f);
        }
        return m;
    }
}
