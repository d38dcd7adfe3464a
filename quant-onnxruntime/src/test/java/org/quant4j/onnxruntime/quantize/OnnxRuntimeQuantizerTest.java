package org.quant4j.onnxruntime.quantize;

import org.quant4j.onnx.quantize.StaticQdqQuantizer;
import org.quant4j.calibration.data.UniformNoiseDataset;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.onnxruntime.quantize.QuantizationTestSupport.write;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.ModelException;
import org.quant4j.api.Provenance;
import org.quant4j.api.QuantException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.TensorOverride;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.NodeDecision.Action;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.ProgressStages;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.api.quantize.QuantizerProvider;
import org.quant4j.api.quantize.Quantizers;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.runtime.OrtRuntime;
import org.quant4j.onnx.transform.TransformPipeline;

class OnnxRuntimeQuantizerTest {

    @TempDir
    Path dir;

    private static Dataset images(int count) {
        return new UniformNoiseDataset(count, new int[] {1, 28, 28}, 5, 0f, 1f);
    }

    private static QuantizationRequest.Builder request(Path model, Path output, Dataset data) {
        return QuantizationRequest.builder().model(model).output(output).calibrationData(data).batchSize(16);
    }

    private static QuantizationResult run(QuantizationRequest request) {
        try (Quantizer q = new OnnxRuntimeQuantizer()) {
            return q.quantize(request);
        }
    }

    /** Names of the files in the test directory: a failed run leaves no output and no temporary file. */
    private Set<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private <T extends Throwable> T assertFailsWithoutOutput(Class<T> type, QuantizationRequest request)
            throws IOException {
        Set<String> before = files();
        T e = assertThrows(type, () -> run(request));
        assertFalse(Files.exists(request.output()), "no output after: " + e.getMessage());
        assertEquals(before, files());
        return e;
    }

    @Test
    void truncatedModelIsRejectedAndNothingIsWritten() throws IOException {
        byte[] bytes = OnnxModel.of(ReferenceGraphs.smallCnn(1)).toBytes();
        Path model = dir.resolve("truncated.onnx");
        Files.write(model, Arrays.copyOf(bytes, bytes.length / 2));
        InvalidInputException e = assertFailsWithoutOutput(InvalidInputException.class,
                request(model, dir.resolve("out.onnx"), images(8)).build());
        assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
    }

    @Test
    void opsetThatCannotBeConvertedTo13IsRefusedNamingTheNode() throws IOException {
        GraphBuilder b = GraphBuilder.create("old", 9);
        String x = b.input("input", -1, 1, 4, 4);
        String conv = b.conv(x, FloatTensor.filled(1f, 1, 1, 1, 1), null, ConvOptions.DEFAULT);
        // ImageScaler was an experimental op that later opsets dropped: nothing expresses it.
        b.output(b.op("ImageScaler", List.of(conv), Attributes.floats("bias", 0.5f)), "out");
        Path model = write(b.build(), dir.resolve("opset9.onnx"));
        ModelException e = assertFailsWithoutOutput(ModelException.class, request(model, dir.resolve("out.onnx"),
                new UniformNoiseDataset(4, new int[] {1, 4, 4}, 1, 0f, 1f)).build());
        assertTrue(e.getMessage().contains("from opset 9 to 13")
                && e.getMessage().contains("ImageScaler (node 'ImageScaler')"), e.getMessage());
    }

    @Test
    void weightReadByTwoConvsIsQuantizedOnceAndItsFloatCopyDropped() throws IOException {
        // Each float weight is dropped as soon as no node reads it: the first Conv's rewrite must leave
        // the weight the second Conv still reads.
        GraphBuilder b = GraphBuilder.create("shared_weight");
        String x = b.input("input", -1, 2, 6, 6);
        float[] w = new float[2 * 2 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 7 - 3) / 10f;
        }
        String weight = b.initializer("W", new FloatTensor(new long[] {2, 2, 3, 3}, w));
        String first = b.op("Conv", List.of(x, weight), Attributes.ints("pads", 1, 1, 1, 1));
        String second = b.op("Conv", List.of(b.relu(first), weight), Attributes.ints("pads", 1, 1, 1, 1));
        b.output(second, "out");
        Path model = write(b.build(), dir.resolve("shared.onnx"));
        Path out = dir.resolve("shared-int8.onnx");
        run(request(model, out, new UniformNoiseDataset(8, new int[] {2, 6, 6}, 3, 0f, 1f)).batchSize(4).build());

        Graph q = OnnxModel.read(out).graph();
        assertFalse(q.isInitializer(weight), "the float weight is gone");
        List<String> int8 = q.initializers().values().stream()
                .filter(t -> t.getDataType() == ai.onnx.proto.OnnxMl.TensorProto.DataType.INT8_VALUE
                        && t.getDimsCount() == 4)
                .map(ai.onnx.proto.OnnxMl.TensorProto::getName).toList();
        assertEquals(1, int8.size(), "one int8 copy for both: " + int8);
        List<String> weightsRead = q.nodes().stream().filter(n -> n.is("Conv")).map(n -> n.input(1)).toList();
        assertEquals(2, weightsRead.size());
        assertEquals(weightsRead.get(0), weightsRead.get(1));
        assertEquals(int8.get(0), q.producer(weightsRead.get(0)).orElseThrow().input(0));
    }

    @Test
    void modelWithoutQuantizableOpIsRefused() throws IOException {
        GraphBuilder b = GraphBuilder.create("softmax_only");
        b.output(b.softmax(b.input("input", -1, 10), 1), "probabilities");
        Path model = write(b.build(), dir.resolve("softmax.onnx"));
        ModelException e = assertFailsWithoutOutput(ModelException.class, request(model, dir.resolve("out.onnx"),
                new UniformNoiseDataset(4, new int[] {10}, 1, 0f, 1f)).build());
        assertTrue(e.getMessage().contains("has no op that static quantization can quantize: its ops are [Softmax]"),
                e.getMessage());
    }

    @Test
    void calibrationDataOfAnotherShapeIsRefusedBeforeCalibrating() throws IOException {
        Path model = write(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
        List<String> progress = new ArrayList<>();
        InvalidInputException e = assertFailsWithoutOutput(InvalidInputException.class, request(model,
                dir.resolve("out.onnx"), new UniformNoiseDataset(8, new int[] {3, 32, 32}, 1, 0f, 1f))
                .listener((stage, done, total) -> progress.add(stage)).build());
        assertTrue(e.getMessage().contains("has samples of shape [3, 32, 32] but model input 'input' expects"
                + " [N, 1, 28, 28]"), e.getMessage());
        assertFalse(progress.contains(ProgressStages.CALIBRATION), progress.toString());
    }

    @Test
    void outputThatIsTheInputIsRefusedAndTheInputIsUnchanged() throws IOException {
        Path model = write(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
        byte[] original = Files.readAllBytes(model);
        assertThrows(InvalidInputException.class, () -> request(model, model, images(8)).build());
        Path link = Files.createSymbolicLink(dir.resolve("link.onnx"), model);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> run(request(model, link, images(8)).overwriteOutput(true).build()));
        assertTrue(e.getMessage().contains("it is the input"), e.getMessage());
        assertArrayEquals(original, Files.readAllBytes(model));
        assertEquals(Set.of("cnn.onnx", "link.onnx"), files());
    }

    @Test
    void existingOutputIsKeptUnlessOverwritingIsAllowed() throws IOException {
        Path model = write(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
        Path out = Files.writeString(dir.resolve("out.onnx"), "earlier result");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> run(request(model, out, images(8)).build()));
        assertTrue(e.getMessage().contains("the file exists"), e.getMessage());
        assertEquals("earlier result", Files.readString(out, StandardCharsets.UTF_8));
        assertEquals(Set.of("cnn.onnx", "out.onnx"), files());
        run(request(model, out, images(8)).overwriteOutput(true).build());
        assertTrue(OnnxModel.read(out).graph().nodes().stream().anyMatch(n -> n.is("QuantizeLinear")));
    }

    @Test
    void tensorOverrideOfAnUnknownTensorIsRejectedBeforeCalibrating() throws IOException {
        Path model = write(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
        List<String> progress = new ArrayList<>();
        InvalidInputException e = assertFailsWithoutOutput(InvalidInputException.class, request(model,
                dir.resolve("out.onnx"), images(8)).listener((stage, done, total) -> progress.add(stage))
                .config(QuantizationConfig.builder().tensorOverride("conv1_out", TensorOverride.floatOnly()).build())
                .build());
        assertTrue(e.getMessage().contains("names 'conv1_out', which is no tensor of model graph 'small_cnn'"),
                e.getMessage());
        assertFalse(progress.contains(ProgressStages.CALIBRATION), progress.toString());
    }

    @Test
    void quantizedModelIsNotQuantizedAgain() throws IOException {
        Path model = write(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
        Path once = dir.resolve("once.onnx");
        run(request(model, once, images(8)).build());
        ModelException e = assertFailsWithoutOutput(ModelException.class,
                request(once, dir.resolve("twice.onnx"), images(8)).build());
        assertTrue(e.getMessage().contains("is already quantized"), e.getMessage());
    }

    @Test
    void modeWithoutGraphQuantizerIsNotAvailable() throws IOException {
        Path model = write(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
        QuantizationRequest request = request(model, dir.resolve("out.onnx"), null)
                .config(QuantizationConfig.builder().mode(QuantizationMode.DYNAMIC).build()).build();
        QuantException e;
        try (Quantizer staticOnly = new OnnxRuntimeQuantizer(List.of(new StaticQdqQuantizer()))) {
            e = assertThrows(QuantException.class, () -> staticOnly.quantize(request));
        }
        assertFalse(Files.exists(request.output()));
        assertEquals("Quantization mode DYNAMIC is not available in the onnxruntime quantizer; it offers [STATIC]",
                e.getMessage());
    }

    @Test
    void providerQuantizesDynamicallyWithoutCalibrationData() throws IOException {
        Path model = write(ReferenceGraphs.mlp(4), dir.resolve("mlp.onnx"));
        Path out = dir.resolve("mlp-dynamic.onnx");
        QuantizationResult r;
        try (Quantizer q = Quantizers.get("onnxruntime")) {
            r = q.quantize(QuantizationRequest.builder().model(model).output(out)
                    .config(QuantizationConfig.builder().mode(QuantizationMode.DYNAMIC).build()).build());
        }
        assertEquals(QuantizationMode.DYNAMIC, r.mode());
        // MatMul 784x64 and Gemm 64x10 both become int8: the file shrinks to about a quarter.
        assertEquals(2, r.decisions(Action.QUANTIZED).size(), r.decisions().toString());
        assertTrue(r.outputBytes() * 3 < r.inputBytes(), r.inputBytes() + " -> " + r.outputBytes());
        assertTrue(org.quant4j.onnxruntime.runtime.OptimizedOps.list(out,
                org.quant4j.onnxruntime.runtime.RunnerOptions.defaults()).contains("DynamicQuantizeMatMul"));
    }

    /** An opset 9 model whose Clip, Unsqueeze and Softmax all changed by opset 13. */
    private static Path opset9Model(Path file) throws IOException {
        GraphBuilder b = GraphBuilder.create("old", 9);
        String h = b.clip(b.gemm(b.input("x", -1, 8), FloatTensor.filled(0.25f, 4, 8), FloatTensor.filled(0.1f, 4),
                true), 0, 6);
        b.output(b.softmax(b.op("Unsqueeze", List.of(h), Attributes.ints("axes", 1)), 1));
        return write(b.build(), file);
    }

    @Test
    void olderOpsetsAreConvertedTo13OrToTheRequestedTarget() throws IOException {
        Path model = opset9Model(dir.resolve("old.onnx"));
        for (int target : new int[] {0, 17}) {
            Path out = dir.resolve("old-dynamic-" + target + ".onnx");
            try (Quantizer q = Quantizers.get("onnxruntime")) {
                q.quantize(QuantizationRequest.builder().model(model).output(out).config(QuantizationConfig.builder()
                        .mode(QuantizationMode.DYNAMIC).targetOpset(target).build()).build());
            }
            assertEquals(target == 0 ? 13 : target, OnnxModel.read(out).graph().opset());
        }
        Path refused = dir.resolve("old-11.onnx");
        InvalidInputException e;
        try (Quantizer q = Quantizers.get("onnxruntime")) {
            e = assertThrows(InvalidInputException.class, () -> q.quantize(QuantizationRequest.builder().model(model)
                    .output(refused).config(QuantizationConfig.builder().mode(QuantizationMode.DYNAMIC)
                            .targetOpset(11).build()).build()));
        }
        assertTrue(e.getMessage().contains("at least 13"), e.getMessage());
        assertFalse(Files.exists(refused));
    }

    @Test
    void providerConvertsToFp16WithoutCalibrationData() throws IOException {
        Path model = write(ReferenceGraphs.smallCnn(4), dir.resolve("cnn.onnx"));
        Path out = dir.resolve("cnn-fp16.onnx");
        QuantizationResult r;
        try (Quantizer q = Quantizers.get("onnxruntime")) {
            r = q.quantize(QuantizationRequest.builder().model(model).output(out)
                    .config(QuantizationConfig.builder().mode(QuantizationMode.FP16).build()).build());
        }
        assertEquals(QuantizationMode.FP16, r.mode());
        assertFalse(r.decisions(Action.QUANTIZED).isEmpty());
        // Weights are half the bytes; headers and graph structure keep the ratio a little above 1/2.
        assertTrue(r.outputBytes() < 0.6 * r.inputBytes(), r.inputBytes() + " -> " + r.outputBytes());
        try (var runner = org.quant4j.onnxruntime.runtime.OrtRunner.open(out,
                org.quant4j.onnxruntime.runtime.RunnerOptions.defaults())) {
            var outputs = runner.run(images(4).batches(4).next());
            assertEquals(40, outputs.get(ReferenceGraphs.OUTPUT).data().length);
        }
    }

    @Test
    void quantizersFindsTheProviderByItsName() {
        QuantizerProvider provider = Quantizers.registry().find("onnxruntime");
        assertInstanceOf(OnnxRuntimeQuantizerProvider.class, provider);
        assertEquals(100, provider.priority());
        assertTrue(provider.availability().available());
        assertEquals(OrtRuntime.version(), provider.backendVersion());
        try (Quantizer q = Quantizers.get("onnxruntime")) {
            assertInstanceOf(OnnxRuntimeQuantizer.class, q);
            assertEquals("onnxruntime", q.name());
        }
    }

    @Test
    void sameSeedAndDataGiveByteIdenticalModels() throws IOException {
        Path model = write(ReferenceGraphs.smallCnn(3), dir.resolve("cnn.onnx"));
        QuantizationConfig config = QuantizationConfig.builder().seed(9).build();
        run(request(model, dir.resolve("a.onnx"), images(48)).config(config).build());
        run(request(model, dir.resolve("b.onnx"), images(48)).config(config).build());
        assertEquals(-1, Files.mismatch(dir.resolve("a.onnx"), dir.resolve("b.onnx")));
    }

    @Test
    void resultHasADecisionPerNodeAndTheSizesRangesAndProvenance() throws IOException {
        Path model = write(ReferenceGraphs.smallCnn(3), dir.resolve("cnn.onnx"));
        Path out = dir.resolve("out.onnx");
        Dataset data = images(32);
        QuantizationResult r = run(request(model, out, data).build());
        assertEquals(out, r.output());
        assertEquals(QuantizationMode.STATIC, r.mode());
        assertEquals(Files.size(model), r.inputBytes());
        assertEquals(Files.size(out), r.outputBytes());
        Graph original = OnnxModel.read(model).graph();
        List<String> everyNode = original.nodes().stream().map(n -> n.name()).sorted().toList();
        assertEquals(everyNode, r.decisions().stream().map(NodeDecision::nodeName).sorted().toList());
        Graph transformed = OnnxModel.read(model).graph();
        long folded = TransformPipeline.inference().apply(transformed).stream()
                .filter(d -> d.action() == Action.FOLDED).count();
        assertEquals(2, folded);
        assertEquals(4, r.decisions(Action.FOLDED).size(), "2 BatchNormalization and 2 Relu");
        assertEquals(Set.of("input", "Relu_out", "Relu_1_out", "Add_out", "GlobalAveragePool_out", "Flatten_out",
                "logits"), r.ranges().keySet());
        assertFalse(r.calibrationTime().isZero());
        assertTrue(r.totalTime().compareTo(r.calibrationTime()) >= 0);
        Provenance p = r.provenance();
        assertEquals("onnxruntime", p.get("quantizer"));
        assertEquals(OrtRuntime.version(), p.get("backend.version"));
        assertEquals("minmax", p.get("calibration.method"));
        assertEquals(data.fingerprint(), p.get("calibration.data"));
        assertEquals("42", p.get("seed"));
        assertEquals("true", p.get("perChannel"));
        assertEquals("uint8 asymmetric per-tensor", p.get("activationScheme"));
        assertEquals(System.getProperty("os.arch"), p.get("os.arch"));
    }
}
