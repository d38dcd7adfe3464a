package org.quant4j.cli.backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.Quant4jCli;
import org.quant4j.cli.Samples;
import org.quant4j.cli.TestFiles;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.tensorrt.probe.TensorRtRequired;

/**
 * {@code inspect} and {@code evaluate} of a real engine file, built by {@code quantize --backend
 * tensorrt} from ONNX Runtime's Q/DQ model. Needs an NVIDIA GPU, its driver and the TensorRT 10.15 /
 * CUDA 13.1 natives: run with {@code -Pgpu} (see the README). Elsewhere every test is skipped with the
 * probe's reason, printed on stderr ({@link TensorRtRequired}).
 */
@Tag("gpu")
@ExtendWith(TensorRtRequired.class)
class TensorRtCliGpuTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path data;
    private Path labels;

    @BeforeEach
    void writeData() {
        data = Samples.images(dir, 20);
        labels = Samples.labels(dir, 20);
    }

    /** ONNX Runtime's Q/DQ model of the small CNN, and TensorRT's explicit INT8 engine of it as {@code engineName}. */
    private Path[] qdqAndEngine(String engineName) {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
        Path qdq = dir.resolve("cnn-int8.onnx");
        CliRun ort = CliRun.of("quantize", "-m", model, "-d", data, "-o", qdq, "--batch-size", 8);
        assertEquals(Quant4jCli.OK, ort.exitCode(), ort::toString);
        Path engine = dir.resolve(engineName);
        CliRun trt = CliRun.of("quantize", "-m", qdq, "-d", data, "-o", engine, "--backend", "tensorrt",
                "--batch-size", 8);
        assertEquals(Quant4jCli.OK, trt.exitCode(), trt::toString);
        return new Path[] {qdq, engine};
    }

    @Test
    void inspectListsTheEnginesLayersWithInt8AmongThemAndCountsThatAddUp() throws Exception {
        Path engine = qdqAndEngine("cnn-int8.plan")[1];

        CliRun json = CliRun.of("inspect", "-m", engine, "--json");
        CliRun text = CliRun.of("inspect", "-m", engine);

        assertEquals(Quant4jCli.OK, json.exitCode(), json::toString);
        JsonNode doc = JSON.readTree(json.out());
        int layers = doc.get("layers").size();
        assertTrue(layers > 0, json::toString);
        int counted = 0;
        for (JsonNode n : doc.get("precisions")) {
            counted += n.asInt();
        }
        assertEquals(layers, counted, "every layer is counted once: " + json.out());
        assertTrue(doc.get("precisions").path("int8").asInt() > 0, json::toString);
        assertEquals(Quant4jCli.OK, text.exitCode(), text::toString);
        assertTrue(text.out().contains("Layers per precision"), text::toString);
        for (JsonNode layer : doc.get("layers")) {
            assertTrue(text.out().contains(layer.get("name").asText()), "text lists " + layer.get("name"));
        }
    }

    @Test
    void evaluateTakesTheEngineFileAndAgreesWithOnnxRuntimeOnTheQdqModel() throws Exception {
        Path[] made = qdqAndEngine("cnn-int8.engine");

        CliRun trt = CliRun.of("evaluate", "-m", made[1], "-d", data, "--labels", labels, "--backend", "tensorrt",
                "--batch-size", 8, "--top-k", 1, "--json");
        CliRun ort = CliRun.of("evaluate", "-m", made[0], "-d", data, "--labels", labels, "--batch-size", 8,
                "--top-k", 1, "--json");

        assertEquals(Quant4jCli.OK, trt.exitCode(), trt::toString);
        assertEquals(Quant4jCli.OK, ort.exitCode(), ort::toString);
        JsonNode t = JSON.readTree(trt.out());
        JsonNode o = JSON.readTree(ort.out());
        assertEquals(20, t.get("samples").asInt());
        assertEquals("tensorrt", t.get("backend").asText());
        // Both run the same Q/DQ arithmetic; kernels round differently, so a near-tie may flip: one sample.
        assertTrue(Math.abs(t.get("correctTop1").asInt() - o.get("correctTop1").asInt()) <= 1,
                "TensorRT " + t.get("correctTop1") + " vs ONNX Runtime " + o.get("correctTop1") + " of 20");
    }

    /**
     * {@code mixed --latency-backend tensorrt}: every variant timed as a strongly typed engine, float16
     * offered per layer, and the returned model a valid ONNX model whose JSON names the backend.
     */
    @Test
    void mixedOnTensorrtTimesEveryVariantAndOffersFloat16() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(5), dir.resolve("small.onnx"));
        Path inputs = TestFiles.npyUniform(dir.resolve("inputs.npy"), new int[] {96, 1, 28, 28}, 1);
        Path out = dir.resolve("mixed.onnx");
        Path json = dir.resolve("mixed.json");

        CliRun run = CliRun.of("mixed", "-m", model, "-d", inputs, "--latency-backend", "tensorrt", "--max-drop",
                "0.02", "--search", "all", "--latency-batch", "8", "--profile-runs", "5", "-o", out,
                "--assignment", json);

        assertEquals(Quant4jCli.OK, run.exitCode(), run::toString);
        JsonNode doc = JSON.readTree(json.toFile());
        assertEquals("tensorrt", doc.get("latencyBackend").asText());
        int withFp16 = 0;
        for (JsonNode layer : doc.get("layers")) {
            if (layer.get("choices").has("fp16")) {
                withFp16++;
            }
        }
        assertTrue(withFp16 > 0, "float16 is measured for the layers: " + doc);
        assertTrue(java.nio.file.Files.size(out) > 0);
        for (JsonNode m : doc.get("models")) {
            assertTrue(m.has("fp16Layers"), m::toString);
        }
        assertTrue(doc.get("costProfileDrift").get("int8MicrosBefore").asDouble() > 0, doc::toString);
    }
}
