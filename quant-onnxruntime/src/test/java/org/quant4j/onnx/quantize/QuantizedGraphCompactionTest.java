package org.quant4j.onnx.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quant4j.onnxruntime.quantize.QuantizationTestSupport.optimizedOps;
import static org.quant4j.onnxruntime.quantize.QuantizationTestSupport.write;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.data.Batch;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnx.graph.TensorProtos;
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
        Stream<Arguments> methods = Stream.of(CalibrationMethod.ENTROPY, CalibrationMethod.PERCENTILE,
                CalibrationMethod.MSE).map(method -> Arguments.of("fashion-efficientnet", "static " + method.id()
                + " per channel", perChannel.toBuilder().calibrationMethod(method).build()));
        return Stream.concat(Stream.of("fashion-resnet", "fashion-efficientnet").flatMap(m -> Stream.of(
                Arguments.of(m, "static per channel", perChannel),
                Arguments.of(m, "static per tensor", perTensor),
                Arguments.of(m, "static int8 activations", int8Activations),
                Arguments.of(m, "dynamic", dynamic))), methods);
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
     * A quantizer's names inside an If branch are compacted too (as the static quantizer writes them
     * when it quantizes subgraphs): the branch's bias DequantizeLinear drops its zero zero point,
     * its generated names become short, and both branches compute what they did.
     */
    @Test
    void compactsInsideIfBranches() throws IOException {
        GraphProto thenBranch = GraphProto.newBuilder().setName("then")
                .addInitializer(TensorProtos.int32s("bias_quantized", new long[] {2}, 300, -700))
                .addInitializer(TensorProtos.floats("bias_scale", FloatTensor.scalar(0.01f)))
                .addInitializer(TensorProtos.int32s("bias_zero_point", new long[0], 0))
                .addNode(NodeProto.newBuilder().setName("bias_DequantizeLinear").setOpType("DequantizeLinear")
                        .addInput("bias_quantized").addInput("bias_scale").addInput("bias_zero_point")
                        .addOutput("bias_dequantized"))
                .addNode(NodeProto.newBuilder().setName("add").setOpType("Add").addInput("x")
                        .addInput("bias_dequantized").addOutput("then_out"))
                .addOutput(TensorInfo.floatTensor("then_out", 2).proto()).build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else")
                .addNode(NodeProto.newBuilder().setName("negate").setOpType("Neg").addInput("x").addOutput("else_out"))
                .addOutput(TensorInfo.floatTensor("else_out", 2).proto()).build();
        Graph g = Graph.create("branches", 13);
        g.addInput(TensorInfo.floatTensor("x", 2));
        g.putInitializer("zero", FloatTensor.scalar(0f));
        g.addNode(Node.of("max", "ReduceMax", Node.DEFAULT_DOMAIN, List.of("x"), List.of("m"),
                List.of(Attributes.integer("keepdims", 0))));
        g.addNode(Node.of("positive", "Greater", List.of("m", "zero"), List.of("c")));
        g.addNode(Node.of("branch", "If", Node.DEFAULT_DOMAIN, List.of("c"), List.of("y"), List.of(
                AttributeProto.newBuilder().setName("then_branch").setType(AttributeProto.AttributeType.GRAPH)
                        .setG(thenBranch).build(),
                AttributeProto.newBuilder().setName("else_branch").setType(AttributeProto.AttributeType.GRAPH)
                        .setG(elseBranch).build())));
        g.addOutput(TensorInfo.floatTensor("y", 2));
        Set<String> original = Set.of("x", "zero", "max", "m", "positive", "c", "branch", "y", "add", "then_out",
                "negate", "else_out");
        Path plain = write(g.toModel().proto(), dir.resolve("plain.onnx"));

        QuantizedGraphCompaction.Summary summary = QuantizedGraphCompaction.apply(g, original);
        ModelProto compactProto = g.toModel().proto();
        Path compact = write(compactProto, dir.resolve("compact.onnx"));

        assertEquals(1, summary.omittedZeroPoints(), summary.toString());
        GraphProto then = compactProto.getGraph().getNodeList().stream().filter(n -> n.getName().equals("branch"))
                .findFirst().orElseThrow().getAttributeList().stream()
                .filter(a -> a.getName().equals("then_branch")).findFirst().orElseThrow().getG();
        assertEquals(2, then.getInitializerCount(), "the zero point is no longer stored: " + then);
        NodeProto dequantize = then.getNode(0);
        assertEquals(2, dequantize.getInputCount());
        assertTrue(dequantize.getName().length() < 4, dequantize.getName());
        assertEquals(List.of("x", dequantize.getOutput(0)), then.getNode(1).getInputList());
        assertEquals("add", then.getNode(1).getName());
        RunnerOptions options = RunnerOptions.builder().intraOpThreads(1).build();
        try (OrtRunner a = OrtRunner.open(plain, options); OrtRunner b = OrtRunner.open(compact, options)) {
            for (float[] x : new float[][] {{1f, 2f}, {-1f, -2f}}) {
                Map<String, FloatTensor> feed = Map.of("x", new FloatTensor(new long[] {2}, x));
                assertArrayEquals(a.run(feed).get("y").data(), b.run(feed).get("y").data());
            }
            assertArrayEquals(new float[] {4f, -5f}, b.run(Map.of("x", new FloatTensor(new long[] {2},
                    new float[] {1f, 2f}))).get("y").data(), 1e-6f, "x + bias: 300 and -700 at scale 0.01");
        }
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
        LOG.info("{} {} bytes before compaction: {}", model.getFileName(), config.mode(), breakdown(plainProto));
        LOG.info("{} {} bytes after compaction: {}", model.getFileName(), config.mode(), breakdown(compactProto));
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
        LOG.info("{} {}: ONNX Runtime runs {}", model.getFileName(), config.mode(), plainOps);
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

    /**
     * Where the bytes of a quantized model go, by serialized size: int8/uint8 weights, int32 biases,
     * scale vectors, scalar scales and zero points, zero-point vectors, other initializers, Q/DQ node
     * protos, other node protos, the rest (graph inputs, outputs, value_info, metadata); then the
     * bytes of all name strings (counted in the above too) and the bytes of the weight, bias and
     * scale-vector data alone, which bound the size ratio from below.
     */
    static Map<String, Long> breakdown(ModelProto m) {
        Map<String, Integer> role = new HashMap<>();
        for (NodeProto n : m.getGraph().getNodeList()) {
            boolean qdq = n.getOpType().endsWith("uantizeLinear");
            for (int i = 0; i < n.getInputCount(); i++) {
                role.putIfAbsent(n.getInput(i), qdq ? i : -1);
            }
        }
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (String k : List.of("int8 weights", "int32 biases", "scale vectors", "scalar scales and zero points",
                "zero-point vectors", "other initializers", "Q/DQ nodes", "other nodes", "rest", "names",
                "weight, bias and scale data")) {
            bytes.put(k, 0L);
        }
        long names = 0;
        long data = 0;
        for (TensorProto t : m.getGraph().getInitializerList()) {
            long size = CodedOutputStream.computeMessageSize(5, t);
            names += CodedOutputStream.computeStringSize(8, t.getName());
            long elements = t.getDimsList().stream().reduce(1L, (a, b) -> a * b);
            int r = role.getOrDefault(t.getName(), -1);
            int type = t.getDataType();
            String k;
            if (r == 0 && (type == TensorProto.DataType.INT8_VALUE || type == TensorProto.DataType.UINT8_VALUE)
                    && elements > 1) {
                k = "int8 weights";
            } else if (r == 0 && type == TensorProto.DataType.INT32_VALUE) {
                k = "int32 biases";
            } else if (r == 1 && elements > 1) {
                k = "scale vectors";
            } else if ((r == 1 || r == 2) && elements == 1) {
                k = "scalar scales and zero points";
            } else if (r == 2) {
                k = "zero-point vectors";
            } else {
                k = "other initializers";
            }
            if (k.equals("int8 weights") || k.equals("int32 biases") || k.equals("scale vectors")) {
                data += t.getRawData().size() + 4L * t.getFloatDataCount() + 4L * t.getInt32DataCount();
            }
            bytes.merge(k, size, Long::sum);
        }
        for (NodeProto n : m.getGraph().getNodeList()) {
            names += CodedOutputStream.computeStringSize(3, n.getName());
            for (String in : n.getInputList()) {
                names += CodedOutputStream.computeStringSize(1, in);
            }
            for (String out : n.getOutputList()) {
                names += CodedOutputStream.computeStringSize(2, out);
            }
            bytes.merge(n.getOpType().endsWith("uantizeLinear") ? "Q/DQ nodes" : "other nodes",
                    (long) CodedOutputStream.computeMessageSize(1, n), Long::sum);
        }
        long counted = bytes.values().stream().mapToLong(Long::longValue).sum();
        bytes.put("rest", m.getSerializedSize() - counted);
        bytes.put("names", names);
        bytes.put("weight, bias and scale data", data);
        return bytes;
    }

    /** DequantizeLinear nodes of an int32 initializer (a bias) that read a zero point. */
    private static long biasDequantizations(ModelProto m) {
        return biasDequantizations(m.getGraph(), Set.of());
    }

    /** Bias DequantizeLinear nodes of {@code g} and of the If/Loop/Scan subgraphs inside it (outer int32 initializers visible). */
    private static long biasDequantizations(GraphProto g, Set<String> outerInt32) {
        Set<String> int32 = new java.util.HashSet<>(outerInt32);
        g.getInitializerList().stream().filter(t -> t.getDataType() == TensorProto.DataType.INT32_VALUE)
                .map(TensorProto::getName).forEach(int32::add);
        long count = 0;
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("DequantizeLinear") && n.getInputCount() == 3 && int32.contains(n.getInput(0))) {
                count++;
            }
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    count += biasDequantizations(a.getG(), int32);
                }
            }
        }
        return count;
    }
}
