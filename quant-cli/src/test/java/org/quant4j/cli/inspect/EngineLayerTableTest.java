package org.quant4j.cli.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quant4j.cli.console.JsonOutput;
import org.quant4j.tensorrt.inspect.EngineInspectorJson;
import org.quant4j.tensorrt.inspect.EngineLayers;

/**
 * The rendering of {@code inspect} for an engine, from the inspector JSON fixture written by hand in
 * TensorRT's documented format ({@link EngineInspectorJson}): no engine is built here (no GPU).
 */
class EngineLayerTableTest {

    private static final Path ENGINE = Path.of("/models/cnn-int8.engine");
    private static final EngineLayerTable TABLE = new EngineLayerTable(ENGINE, 123_456,
            EngineLayers.parse(EngineInspectorJson.detailed()));

    private static List<String> lines() {
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            TABLE.print(out);
        }
        return text.toString().lines().map(String::strip).toList();
    }

    private static String rowOf(List<String> lines, String layer) {
        return lines.stream().filter(l -> l.startsWith(layer + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + layer + " in\n" + String.join("\n", lines)));
    }

    @Test
    void eachLayerRowHasTypePrecisionInputsOutputsAndTactic() {
        List<String> lines = lines();

        assertTrue(lines.get(0).matches("engine\\s+/models/cnn-int8\\.engine \\(.+\\)"), lines.get(0));
        assertTrue(lines.get(1).matches("layers\\s+6 \\(TensorRT's engine inspector\\)"), lines.get(1));
        assertTrue(rowOf(lines, "/conv2/Conv").matches("/conv2/Conv\\s+CaskConvolution\\s+int8\\s+int8\\s+int8\\s+"
                + "0x7e29bdfcc0d5bde1"), rowOf(lines, "/conv2/Conv"));
        assertTrue(rowOf(lines, "/fc/Gemm").matches("/fc/Gemm\\s+CaskGemmMatrixMultiply\\s+fp16\\s+fp16\\s+fp32\\s+"
                + "sm80_xmma_gemm_f16f16_f16f32_f32_nn_n_tilesize64x64x32_stage5_warpsize2x2x1_tensor16x8x16"),
                rowOf(lines, "/fc/Gemm"));
        // A reformat reads INT8 and writes FP16: the row shows both.
        assertTrue(rowOf(lines, "Reformatting CopyNode for Input Tensor 0 to /fc/Gemm").matches(
                ".*\\s+Reformat\\s+int8\\s+int8\\s+fp16\\s+0x00000000000003e8"),
                rowOf(lines, "Reformatting CopyNode for Input Tensor 0 to /fc/Gemm"));
    }

    @Test
    void theCountsPerPrecisionFollowTheTable() {
        List<String> lines = lines();
        int at = lines.indexOf("Layers per precision (the precision a layer reads its first input in):");
        assertTrue(at > 0, String.join("\n", lines));
        List<String> counts = lines.subList(at + 1, lines.size()).stream().map(String::strip).toList();
        assertEquals(3, counts.size(), counts::toString);
        assertTrue(counts.get(0).matches("fp32\\s+2"), counts::toString);
        assertTrue(counts.get(1).matches("fp16\\s+1"), counts::toString);
        assertTrue(counts.get(2).matches("int8\\s+3"), counts::toString);
    }

    @Test
    void theJsonDocumentHasEveryLayerWithItsTensorsAndTheCounts() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(JsonOutput.toJson(TABLE.document()));

        assertEquals(ENGINE.toString(), doc.get("engine").asText());
        assertEquals(123_456, doc.get("fileBytes").asLong());
        assertEquals(6, doc.get("layers").size());
        JsonNode conv = doc.get("layers").get(1);
        assertEquals("/conv1/Conv + /relu1/Relu", conv.get("name").asText());
        assertEquals("CaskConvolution", conv.get("type").asText());
        assertEquals("int8", conv.get("precision").asText());
        assertEquals("Thirty-two wide channel vectorized row major Int8 format",
                conv.get("inputs").get(0).get("format").asText());
        assertEquals("int8", conv.get("outputs").get(0).get("precision").asText());
        assertTrue(conv.get("tactic").asText().startsWith("sm80_xmma_fprop_implicit_gemm"), conv.toString());
        assertEquals("fp32", doc.get("layers").get(5).get("outputs").get(0).get("precision").asText());
        assertEquals(new ObjectMapper().readTree("{\"fp32\": 2, \"fp16\": 1, \"int8\": 3}"), doc.get("precisions"));
    }

    @Test
    void anEngineWithNamesOnlySaysHowToGetPrecisions() {
        EngineLayerTable namesOnly = new EngineLayerTable(ENGINE, 10,
                EngineLayers.parse("{\"Layers\": [\"a\", \"b + c\"], \"Bindings\": []}"));
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            namesOnly.print(out);
        }
        assertTrue(text.toString().contains("The engine lists names only: build it with detailed profiling verbosity"),
                text.toString());
        assertTrue(text.toString().lines().anyMatch(l -> l.strip().matches("other\\s+2")), text.toString());
    }
}
