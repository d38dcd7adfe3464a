package org.quant4j.cli.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.Samples;
import org.quant4j.cli.TestFiles;
import org.quant4j.onnxruntime.builder.ReferenceGraphs;

class InspectCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void listsTheOperatorsAndParametersOfTheFile() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));

        CliRun run = CliRun.of("inspect", "-m", model, "--no-runtime", "--json");

        assertEquals(0, run.exitCode(), run::toString);
        JsonNode doc = JSON.readTree(run.out());
        JsonNode ops = doc.get("operators");
        assertEquals(2, ops.get("Conv").asInt());
        assertEquals(2, ops.get("BatchNormalization").asInt());
        assertEquals(2, ops.get("Relu").asInt());
        assertEquals(1, ops.get("Add").asInt());
        assertEquals(1, ops.get("GlobalAveragePool").asInt());
        assertEquals(1, ops.get("Flatten").asInt());
        assertEquals(1, ops.get("Gemm").asInt());
        assertEquals(10, doc.get("nodes").asInt());
        // Conv 8x1x3x3 + bias 8, BN 4x8, Conv 8x8x3x3, BN 4x8, Gemm 10x8 + bias 10: 810 floats in 13 tensors.
        JsonNode floats = doc.get("parameters").get("FLOAT");
        assertEquals(810, floats.get("values").asLong());
        assertEquals(810 * 4, floats.get("bytes").asLong());
        assertEquals(13, floats.get("initializers").asInt());
        assertEquals(Files.size(model), doc.get("fileBytes").asLong());
        assertEquals(13, doc.get("opset").asInt());
        JsonNode input = doc.get("inputs").get(0);
        assertEquals("input", input.get("name").asText());
        assertEquals("[-1,1,28,28]", input.get("shape").toString());
        assertFalse(doc.has("runtime"));
    }

    @Test
    void showsThatOnnxRuntimeRunsQLinearConvForAQuantizedModel() {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(2), dir.resolve("cnn.onnx"));
        Path quantized = dir.resolve("cnn-int8.onnx");
        CliRun quantize = CliRun.of("quantize", "-m", model, "-d", Samples.images(dir, 8), "-o", quantized);
        assertEquals(0, quantize.exitCode(), quantize::toString);

        CliRun run = CliRun.of("inspect", "-m", quantized, "--threads", 1);

        assertEquals(0, run.exitCode(), run::toString);
        String out = run.out();
        int runtime = out.indexOf("ONNX Runtime executes after optimisation (level all");
        assertTrue(runtime > 0, run::toString);
        assertTrue(out.substring(runtime).lines().anyMatch(l -> l.matches("\\s+(\\S+:)?QLinearConv\\s+2")),
                run::toString);
        assertTrue(out.substring(0, runtime).lines().anyMatch(l -> l.matches("\\s+QuantizeLinear\\s+\\d+")),
                run::toString);
        assertTrue(out.contains("INT8"), run::toString);
    }

    @Test
    void runtimeOperatorsAreInTheJson() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.mlp(3), dir.resolve("mlp.onnx"));

        CliRun run = CliRun.of("inspect", "-m", model, "--level", "basic", "--json");

        assertEquals(0, run.exitCode(), run::toString);
        JsonNode runtime = JSON.readTree(run.out()).get("runtime");
        assertEquals("basic", runtime.get("level").asText());
        long total = 0;
        for (Iterator<JsonNode> it = runtime.get("operators").elements(); it.hasNext(); ) {
            total += it.next().asLong();
        }
        assertEquals(runtime.get("nodes").asLong(), total);
    }
}
