package org.quant4j.onnxruntime.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.onnxruntime.quantize.QuantizationTestSupport.write;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.ModelException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.api.quantize.WeightSummary;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnxruntime.OrtTestSupport;

/**
 * Models whose weights sit in Constant nodes quantize like the same models with initializers, and a
 * quantization that would only look like one (every weight float, or a larger file) fails.
 */
class NothingSilentTest {

    @TempDir
    Path dir;

    private static Dataset images(int count) {
        return new UniformNoiseDataset(count, new int[] {1, 28, 28}, 5, 0f, 1f);
    }

    private static QuantizationResult run(Path model, Path out, QuantizationConfig config, Dataset data) {
        try (OnnxRuntimeQuantizer q = new OnnxRuntimeQuantizer()) {
            return q.quantize(QuantizationRequest.builder().model(model).output(out).config(config)
                    .calibrationData(data).batchSize(16).build());
        }
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void staticQuantizationOfWeightsInConstantNodesEqualsThatOfInitializers() throws IOException {
        ModelProto original = ReferenceGraphs.smallCnn(5);
        Path withInitializers = write(original, dir.resolve("init.onnx"));
        Path withConstants = write(ReferenceGraphs.withWeightsInConstantNodes(original), dir.resolve("const.onnx"));
        QuantizationConfig config = QuantizationConfig.builder().seed(3).build();

        QuantizationResult a = run(withInitializers, dir.resolve("a.onnx"), config, images(32));
        QuantizationResult b = run(withConstants, dir.resolve("b.onnx"), config, images(32));

        // Conv 8x1x3x3 (72), Conv 8x8x3x3 (576), Gemm 10x8 (80): every weight in int8, one byte per value.
        assertEquals(new WeightSummary("int8", 3, 72 + 576 + 80, 0, 0), b.weights().orElseThrow());
        assertEquals(a.weights(), b.weights());
        assertEquals(-1, Files.mismatch(dir.resolve("a.onnx"), dir.resolve("b.onnx")),
                "after folding, the Constant-node model quantizes to the same bytes");
    }

    @Test
    void dynamicQuantizationOfWeightsInConstantNodesEqualsThatOfInitializers() throws IOException {
        ModelProto original = ReferenceGraphs.mlp(5);
        Path withInitializers = write(original, dir.resolve("init.onnx"));
        Path withConstants = write(ReferenceGraphs.withWeightsInConstantNodes(original), dir.resolve("const.onnx"));
        QuantizationConfig config = QuantizationConfig.builder().mode(QuantizationMode.DYNAMIC).build();

        QuantizationResult a = run(withInitializers, dir.resolve("a.onnx"), config, null);
        QuantizationResult b = run(withConstants, dir.resolve("b.onnx"), config, null);

        // MatMul 784x64 and Gemm 64x10 in int8.
        assertEquals(new WeightSummary("int8", 2, 784 * 64 + 64 * 10, 0, 0), b.weights().orElseThrow());
        assertEquals(-1, Files.mismatch(dir.resolve("a.onnx"), dir.resolve("b.onnx")));
        FloatTensor input = OrtTestSupport.random(2, 4, 1, 28, 28);
        OrtTestSupport.assertSameOutputs(original,
                org.quant4j.onnx.graph.OnnxModel.read(dir.resolve("b.onnx")).proto(), input, 0.05);
    }

    @Test
    void quantizationThatLeavesEveryWeightFloatFailsWithTheReasonPerOpTypeAndWritesNothing() throws IOException {
        Path model = write(ReferenceGraphs.withWeightsInConstantNodes(ReferenceGraphs.smallCnn(5)),
                dir.resolve("const.onnx"));
        List<String> before = files();
        QuantizationConfig config = QuantizationConfig.builder().excludeOpType("Conv").excludeOpType("Gemm").build();

        ModelException e = assertThrows(ModelException.class,
                () -> run(model, dir.resolve("out.onnx"), config, images(16)));

        assertTrue(e.getMessage().contains("would leave every weight in float (3 float weight tensors"),
                e.getMessage());
        assertTrue(e.getMessage().contains("First reason per op type: Conv '"), e.getMessage());
        assertTrue(e.getMessage().contains("; Gemm '"), e.getMessage());
        assertTrue(e.getMessage().contains("--exclude-op"), e.getMessage());
        assertEquals(before, files());
    }

    @Test
    void quantizationThatWritesALargerFileFailsAndWritesNothing() throws IOException {
        // A big Gemm kept float by name and a 1x1 Conv quantized: the QDQ nodes cost more than they save.
        GraphBuilder b = GraphBuilder.create("mostly_excluded");
        String x = b.input("input", -1, 1, 28, 28);
        String conv = b.conv(x, FloatTensor.filled(0.5f, 1, 1, 1, 1), null, ConvOptions.DEFAULT);
        String flat = b.flatten(conv, 1);
        b.output(b.gemm(flat, OrtTestSupport.random(4, 10, 784), null, true), "logits");
        Path model = write(b.build(), dir.resolve("model.onnx"));
        String gemm = org.quant4j.onnx.graph.OnnxModel.read(model).graph().nodes().stream()
                .filter(n -> n.is("Gemm")).findFirst().orElseThrow().name();
        List<String> before = files();
        QuantizationConfig config = QuantizationConfig.builder().excludeNode(gemm).build();

        ModelException e = assertThrows(ModelException.class,
                () -> run(model, dir.resolve("out.onnx"), config, images(16)));

        assertTrue(e.getMessage().contains("bytes, more than the " + Files.size(model) + " bytes of the input"),
                e.getMessage());
        assertTrue(e.getMessage().contains("only 1 of 2 weight tensors are int8 (1 bytes), 1 stay float (31360 bytes)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Gemm '" + gemm + "'"), e.getMessage());
        assertEquals(before, files());
        assertFalse(Files.exists(dir.resolve("out.onnx")));
    }
}
