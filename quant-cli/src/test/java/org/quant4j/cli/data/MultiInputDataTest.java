package org.quant4j.cli.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.TensorRange;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.data.Tensor;
import org.quant4j.calibration.table.CalibrationTable;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.TestFiles;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

/**
 * The multi-input demonstration of issue 12: a classifier with a float feature input and an int64
 * token-id input (MatMul on the features plus an embedding Gather on the ids, added into class
 * logits), fed from a {@code .npz} archive through {@code calibrate}, {@code quantize} and
 * {@code evaluate}. Every expectation is computed here from the weights and the data.
 */
class MultiInputDataTest {

    private static final int N = 64;
    private static final int FEATURES = 6;
    private static final int VOCAB = 10;
    private static final int TOKENS = 2;
    private static final int EMBEDDING = 4;
    private static final int CLASSES = 3;

    @TempDir
    Path dir;

    private float[] w1;
    private float[] embedding;
    private float[] w2;
    private float[] x;
    private long[] ids;
    private int[] labels;
    private float[] expected;
    private Path model;
    private Path npz;

    @BeforeEach
    void writeModelAndData() throws IOException {
        Random random = new Random(12);
        w1 = gaussian(random, FEATURES * CLASSES, 0.5f);
        embedding = gaussian(random, VOCAB * EMBEDDING, 1f);
        w2 = gaussian(random, TOKENS * EMBEDDING * CLASSES, 0.5f);
        x = gaussian(random, N * FEATURES, 1f);
        ids = new long[N * TOKENS];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(VOCAB);
        }
        expected = floatLogits();
        // The float model's prediction, except every fourth sample, labelled one class further.
        labels = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = (argmax(expected, i) + (i % 4 == 0 ? 1 : 0)) % CLASSES;
        }

        GraphBuilder b = GraphBuilder.create("features_and_tokens");
        String features = b.input("x", -1, FEATURES);
        b.graph().addInput(new TensorInfo(TensorInfo.floatTensor("ids", -1, TOKENS).proto().toBuilder()
                .setType(TensorInfo.floatTensor("ids", -1, TOKENS).proto().getType().toBuilder()
                        .setTensorType(TensorInfo.floatTensor("ids", -1, TOKENS).proto().getType().getTensorType()
                                .toBuilder().setElemType(TensorProto.DataType.INT64_VALUE)))
                .build()));
        String fromFeatures = b.matMul(features, new FloatTensor(new long[] {FEATURES, CLASSES}, w1));
        String embedded = b.op("Gather", List.of(b.initializer("embedding", new FloatTensor(
                new long[] {VOCAB, EMBEDDING}, embedding)), "ids"), Attributes.integer("axis", 0));
        String fromTokens = b.matMul(b.flatten(embedded, 1),
                new FloatTensor(new long[] {TOKENS * EMBEDDING, CLASSES}, w2));
        b.output(b.add(fromFeatures, fromTokens), "logits");
        model = TestFiles.model(b.build(), dir.resolve("tokens.onnx"));

        // x deflated, ids stored, labels deflated: both zip methods in one archive.
        npz = dir.resolve("data.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(npz))) {
            putEntry(zip, "x.npy", TestFiles.npyFloats(dir.resolve("x.npy"), new int[] {N, FEATURES}, x), true);
            putEntry(zip, "ids.npy", TestFiles.npyLongs(dir.resolve("ids.npy"), new int[] {N, TOKENS}, ids), false);
            putEntry(zip, "labels.npy", TestFiles.npyLabels(dir.resolve("labels.npy"), labels), true);
        }
    }

    @Test
    void calibrateWritesRangesOfTheFloatTensorsOnly() {
        Path tablePath = dir.resolve("tokens.calibration.json");
        CliRun run = CliRun.of("calibrate", "-m", model, "-d", npz, "--method", "minmax", "-o", tablePath);

        assertEquals(0, run.exitCode(), run::toString);
        CalibrationTable table = CalibrationTable.read(tablePath);
        assertEquals(N, table.numSamples());
        assertFalse(table.entry("ids").isPresent(), "int64 ids are fed, not calibrated: " + table.ranges().keySet());
        TensorRange xRange = table.entry("x").orElseThrow().range();
        assertEquals(min(x), xRange.min(), 1e-6);
        assertEquals(max(x), xRange.max(), 1e-6);
        TensorRange logits = table.entry("logits").orElseThrow().range();
        assertEquals(min(expected), logits.min(), 1e-4);
        assertEquals(max(expected), logits.max(), 1e-4);
        // The embedding rows the ids pick: the Gather output's range.
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (long id : ids) {
            for (int d = 0; d < EMBEDDING; d++) {
                lo = Math.min(lo, embedding[(int) id * EMBEDDING + d]);
                hi = Math.max(hi, embedding[(int) id * EMBEDDING + d]);
            }
        }
        String gather = OnnxModel.read(model).graph().nodes().stream().filter(n -> n.is("Gather")).findFirst()
                .orElseThrow().output(0);
        assertEquals(lo, table.entry(gather).orElseThrow().range().min(), 1e-6);
        assertEquals(hi, table.entry(gather).orElseThrow().range().max(), 1e-6);
    }

    @Test
    void aDirectoryOfNpyFilesCalibratesAsTheNpz() throws IOException {
        Path arrays = Files.createDirectory(dir.resolve("arrays"));
        TestFiles.npyFloats(arrays.resolve("x.npy"), new int[] {N, FEATURES}, x);
        TestFiles.npyLongs(arrays.resolve("ids.npy"), new int[] {N, TOKENS}, ids);
        TestFiles.npyLabels(arrays.resolve("labels.npy"), labels);
        Path fromNpz = dir.resolve("npz.calibration.json");
        Path fromDir = dir.resolve("dir.calibration.json");

        CliRun a = CliRun.of("calibrate", "-m", model, "-d", npz, "-o", fromNpz);
        CliRun b = CliRun.of("calibrate", "-m", model, "-d", arrays, "-o", fromDir);

        assertEquals(0, a.exitCode(), a::toString);
        assertEquals(0, b.exitCode(), b::toString);
        assertEquals(CalibrationTable.read(fromNpz).ranges(), CalibrationTable.read(fromDir).ranges());
    }

    @Test
    void quantizedModelRunsCloseToTheFloatModel() {
        Path int8 = dir.resolve("tokens-int8.onnx");
        CliRun run = CliRun.of("quantize", "-m", model, "-d", npz, "-o", int8);

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(OnnxModel.read(int8).graph().nodes().stream().anyMatch(n -> n.is("QuantizeLinear")),
                "static quantization inserts QDQ pairs");
        NamedBatch batch = new NamedBatch(Map.of("x", Tensor.ofFloats(x, N, FEATURES),
                "ids", Tensor.ofLongs(ids, N, TOKENS)), N, java.util.Optional.empty());
        float[] fp32 = logitsOf(model, batch);
        float[] quantized = logitsOf(int8, batch);
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], fp32[i], 1e-4, "ONNX Runtime's float logits are the ones computed here");
            signal += (double) expected[i] * expected[i];
            noise += (double) (quantized[i] - expected[i]) * (quantized[i] - expected[i]);
        }
        double sqnr = 10 * Math.log10(signal / noise);
        assertTrue(sqnr > 25, "SQNR of the int8 logits " + sqnr + " dB");
    }

    @Test
    void evaluateReportsTheTopOneComputedHere() throws Exception {
        CliRun run = CliRun.of("evaluate", "-m", model, "-d", npz, "--top-k", 1, "--json");

        assertEquals(0, run.exitCode(), run::toString);
        JsonNode doc = new ObjectMapper().readTree(run.out());
        // Three in four samples carry the float model's prediction as their label.
        assertEquals(0.75, doc.get("top1").asDouble(), 1e-12);
        assertEquals(N, doc.get("samples").asInt());
    }

    @Test
    void aMissingInputArrayIsReportedByName() throws IOException {
        Path onlyX = dir.resolve("only-x.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(onlyX))) {
            putEntry(zip, "x.npy", dir.resolve("x.npy"), true);
        }

        CliRun run = CliRun.of("calibrate", "-m", model, "-d", onlyX);

        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.err().contains("Model input 'ids'") && run.err().contains("add an array named 'ids'"),
                run::toString);
    }

    private static float[] logitsOf(Path file, NamedBatch batch) {
        try (OrtRunner runner = OrtRunner.open(file, RunnerOptions.builder().build())) {
            return runner.run(batch).get("logits").data();
        }
    }

    /** logits = x W1 + flatten(embedding[ids]) W2, accumulated in double. */
    private float[] floatLogits() {
        float[] out = new float[N * CLASSES];
        for (int n = 0; n < N; n++) {
            for (int c = 0; c < CLASSES; c++) {
                double sum = 0;
                for (int f = 0; f < FEATURES; f++) {
                    sum += (double) x[n * FEATURES + f] * w1[f * CLASSES + c];
                }
                for (int t = 0; t < TOKENS; t++) {
                    int id = (int) ids[n * TOKENS + t];
                    for (int d = 0; d < EMBEDDING; d++) {
                        sum += (double) embedding[id * EMBEDDING + d] * w2[(t * EMBEDDING + d) * CLASSES + c];
                    }
                }
                out[n * CLASSES + c] = (float) sum;
            }
        }
        return out;
    }

    private static int argmax(float[] logits, int sample) {
        int best = 0;
        for (int c = 1; c < CLASSES; c++) {
            if (logits[sample * CLASSES + c] > logits[sample * CLASSES + best]) {
                best = c;
            }
        }
        return best;
    }

    private static float[] gaussian(Random random, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian() * scale;
        }
        return v;
    }

    private static float min(float[] v) {
        float m = Float.POSITIVE_INFINITY;
        for (float f : v) {
            m = Math.min(m, f);
        }
        return m;
    }

    private static float max(float[] v) {
        float m = Float.NEGATIVE_INFINITY;
        for (float f : v) {
            m = Math.max(m, f);
        }
        return m;
    }

    private static void putEntry(ZipOutputStream zip, String name, Path file, boolean deflated) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ZipEntry entry = new ZipEntry(name);
        if (!deflated) {
            CRC32 crc = new CRC32();
            crc.update(bytes);
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(bytes.length);
            entry.setCompressedSize(bytes.length);
            entry.setCrc(crc.getValue());
        }
        zip.putNextEntry(entry);
        OutputStream out = zip;
        out.write(bytes);
        zip.closeEntry();
    }
}
