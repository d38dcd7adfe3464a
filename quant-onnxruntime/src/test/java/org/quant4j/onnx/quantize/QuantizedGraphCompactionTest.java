package org.quant4j.onnx.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quant4j.onnxruntime.quantize.QuantizationTestSupport.optimizedOps;
import static org.quant4j.onnxruntime.quantize.QuantizationTestSupport.write;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.data.Batch;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.opset.OpsetConverter;
import org.quant4j.onnx.transform.TransformPipeline;
import org.quant4j.onnxruntime.quantize.CalibrationPass;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link QuantizedGraphCompaction} changes bytes, never results: on the reference models (every
 * INT8 mode) and on the third-party corpus (static per channel, when models/corpus/fetch.sh has
 * filled the cache), the compacted model's outputs equal the uncompacted model's bit for bit on the
 * same inputs, ONNX Runtime runs the same operators (QLinearConv, QGemm ... counted after its graph
 * optimisations), the original node names and the graph's inputs and outputs stay, and the file
 * shrinks.
 */
class QuantizedGraphCompactionTest {

    private static final Logger LOG = LoggerFactory.getLogger(QuantizedGraphCompactionTest.class);

    private static final Path REFERENCE = Path.of("../models/reference");
    private static final Path CORPUS = Path.of(System.getProperty("quant4j.corpus.dir", "../models/corpus/cache"));

    @TempDir
    Path dir;

    static Stream<Arguments> referenceModels() {
        QuantizationConfig perChannel = QuantizationConfig.builder().perChannel(true).build();
        QuantizationConfig perTensor = QuantizationConfig.builder().perChannel(false).build();
        QuantizationConfig int8Activations = QuantizationConfig.builder().perChannel(true)
                .activationScheme(QuantScheme.INT8_SYMMETRIC).build();
        QuantizationConfig dynamic = QuantizationConfig.builder().mode(QuantizationMode.DYNAMIC).dynamicConv(true)
                .build();
        return Stream.of("fashion-resnet", "fashion-efficientnet").flatMap(m -> Stream.of(
                Arguments.of(m, "static per channel", perChannel),
                Arguments.of(m, "static per tensor", perTensor),
                Arguments.of(m, "static int8 activations", int8Activations),
                Arguments.of(m, "dynamic", dynamic)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("referenceModels")
    void compactionKeepsReferenceModelResults(String model, String label, QuantizationConfig config) throws Exception {
        check(REFERENCE.resolve(model + ".onnx"), new int[] {1, 28, 28}, 0f, 1f, config);
    }

    static Stream<Arguments> corpusModels() {
        return Stream.of(
                Arguments.of("ppocr-v4-det", new int[] {3, 96, 160}, 2f),
                Arguments.of("ppocr-v4-rec", new int[] {3, 48, 192}, 1f),
                Arguments.of("ppocr-mobile-v2-cls", new int[] {3, 48, 192}, 1f),
                Arguments.of("oww-melspectrogram", new int[] {16000}, 8000f),
                Arguments.of("oww-embedding", new int[] {76, 32, 1}, 2f),
                Arguments.of("oww-timer", new int[] {34, 96}, 2f),
                Arguments.of("oww-hey-jarvis", new int[] {16, 96}, 2f),
                Arguments.of("oww-hey-rhasspy", new int[] {16, 96}, 2f));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusModels")
    void compactionKeepsCorpusModelResults(String model, int[] sampleShape, float amplitude) throws Exception {
        Path file = CORPUS.resolve(model + ".onnx");
        assumeTrue(Files.isRegularFile(file), "corpus model " + file.toAbsolutePath() + " is absent: run"
                + " models/corpus/fetch.sh (the system property quant4j.corpus.dir names the cache)");
        check(file, sampleShape, -amplitude, amplitude, QuantizationConfig.builder().perChannel(true).build());
    }

    /**
     * Quantizes {@code model} as the onnxruntime quantizer does, writes it before and after the
     * compaction and compares the two.
     */
    private void check(Path model, int[] sampleShape, float lo, float hi, QuantizationConfig config)
            throws IOException {
        Graph graph = OnnxModel.read(model).graph();
        TransformPipeline.inference().apply(graph);
        OpsetConverter.requireAtLeast(graph, StaticQdqQuantizer.REQUIRED_OPSET);
        Set<String> original = QuantizedGraphCompaction.names(graph);
        if (config.mode() == QuantizationMode.STATIC) {
            Dataset calibration = new UniformNoiseDataset(8, sampleShape, 1, lo, hi);
            new StaticQdqQuantizer().quantize(graph, QuantizationContext.calibratedBy(config,
                    new CalibrationPass(config, calibration, 8, ProgressListener.NONE, RunnerOptions.defaults())));
        } else {
            new DynamicQuantizer().quantize(graph, QuantizationContext.withoutData(config));
        }
        ModelProto plainProto = graph.toModel().proto();
        Path plain = write(plainProto, dir.resolve("plain.onnx"));
        QuantizedGraphCompaction.Summary summary = QuantizedGraphCompaction.apply(graph, original);
        ModelProto compactProto = graph.toModel().proto();
        Path compact = write(compactProto, dir.resolve("compact.onnx"));

        long before = Files.size(plain);
        long after = Files.size(compact);
        LOG.info("{} {}: {} -> {} bytes ({}), FP32 {} bytes: size ratio {} -> {}", model.getFileName(), config.mode(),
                before, after, summary, Files.size(model), String.format("%.2fx", (double) Files.size(model) / before),
                String.format("%.2fx", (double) Files.size(model) / after));
        assertTrue(after < before, "compaction must shrink the file: " + before + " -> " + after);
        assertTrue(summary.renamed() > 0, summary.toString());

        assertEquals(plainProto.getGraph().getInputList(), compactProto.getGraph().getInputList());
        assertEquals(plainProto.getGraph().getOutputList(), compactProto.getGraph().getOutputList());
        Set<String> compactNodes = compactProto.getGraph().getNodeList().stream().map(NodeProto::getName)
                .collect(Collectors.toSet());
        for (NodeProto n : plainProto.getGraph().getNodeList()) {
            if (original.contains(n.getName())) {
                assertTrue(compactNodes.contains(n.getName()), "original node '" + n.getName() + "' lost its name");
            }
        }
        assertEquals(plainProto.getGraph().getNodeCount(), compactProto.getGraph().getNodeCount());
        assertEquals(biasDequantizations(plainProto), summary.omittedZeroPoints(), "every int32 bias drops its zero"
                + " point: " + summary);
        assertEquals(0, biasDequantizations(compactProto));

        Map<String, Long> plainOps = optimizedOps(plain, OptimizationLevel.ALL).counts();
        assertEquals(plainOps, optimizedOps(compact, OptimizationLevel.ALL).counts());
        assertTrue(plainOps.keySet().stream().anyMatch(op -> op.contains("QLinear") || op.contains("QGemm")
                || op.contains("Integer") || op.contains("DynamicQuantize")), "no integer kernel runs: " + plainOps);

        RunnerOptions options = RunnerOptions.builder().intraOpThreads(1).build();
        try (OrtRunner a = OrtRunner.open(plain, options); OrtRunner b = OrtRunner.open(compact, options)) {
            Iterator<Batch> batches = new UniformNoiseDataset(3, sampleShape, 2, lo, hi).batches(1);
            while (batches.hasNext()) {
                Batch batch = batches.next();
                Map<String, FloatTensor> x = a.run(batch);
                Map<String, FloatTensor> y = b.run(batch);
                assertEquals(x.keySet(), y.keySet());
                for (String output : x.keySet()) {
                    assertArrayEquals(x.get(output).shape(), y.get(output).shape(), output);
                    assertArrayEquals(x.get(output).data(), y.get(output).data(), "output " + output
                            + " must be bit-identical");
                }
            }
        }
    }

    /** DequantizeLinear nodes of an int32 initializer (a bias) that read a zero point. */
    private static long biasDequantizations(ModelProto m) {
        Set<String> int32 = m.getGraph().getInitializerList().stream()
                .filter(t -> t.getDataType() == TensorProto.DataType.INT32_VALUE).map(TensorProto::getName)
                .collect(Collectors.toSet());
        return m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("DequantizeLinear")
                && n.getInputCount() == 3 && int32.contains(n.getInput(0))).count();
    }
}
