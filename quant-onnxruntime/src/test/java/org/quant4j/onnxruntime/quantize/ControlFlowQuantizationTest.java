package org.quant4j.onnxruntime.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.onnxruntime.quantize.QuantizationTestSupport.write;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.data.Batch;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.api.quantize.WeightSummary;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnx.graph.TensorProtos;
import org.quant4j.onnxruntime.ArrayDataset;
import org.quant4j.onnxruntime.OrtTestSupport;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;
import org.quant4j.onnxruntime.runtime.OptimizedOps;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

/**
 * Nodes inside If branches and Loop bodies are calibrated (their tensors carried out of the
 * subgraphs) and quantized like those of the main graph, in static, dynamic and FP16 mode.
 */
class ControlFlowQuantizationTest {

    private static final int BATCH = 8;

    @TempDir
    Path dir;

    /** The If model's weights, kept to compute its activations by hand. */
    private static final FloatTensor W0 = OrtTestSupport.random(1, 16, 16);
    private static final FloatTensor B0 = OrtTestSupport.random(2, 16);
    private static final FloatTensor WA = OrtTestSupport.random(3, 16, 8);
    private static final FloatTensor BA = OrtTestSupport.random(4, 8);
    private static final FloatTensor WA2 = OrtTestSupport.random(5, 8, 4);
    private static final FloatTensor WB = OrtTestSupport.random(6, 16, 8);
    private static final FloatTensor BB = OrtTestSupport.random(7, 8);
    private static final FloatTensor WB2 = OrtTestSupport.random(8, 8, 4);

    /** Name of the then-branch's Relu output, whose range the test computes by hand. */
    private static String thenRelu;

    /**
     * x [N, 16] -> h = Relu(Gemm(x)) -> If(mean(x) > 0): then Relu(Gemm(h, WA)) MatMul WA2, with its
     * weights held by the branch; else Sigmoid(Gemm(h, WB)) MatMul WB2, its Gemm weights held by the
     * main graph (outer scope).
     */
    private static ModelProto ifModel() {
        GraphBuilder b = GraphBuilder.create("if_model");
        String x = b.input("x", -1, 16);
        String h = b.relu(b.gemm(x, W0, B0, false));
        String mean = b.op("ReduceMean", List.of(x), Attributes.integer("keepdims", 0));
        String cond = b.op("Greater", List.of(mean, b.initializer("zero", FloatTensor.scalar(0f))));
        String wb = b.initializer("outer_WB", WB);
        String bb = b.initializer("outer_BB", BB);

        GraphBuilder then = b.subgraph("then");
        thenRelu = then.relu(then.gemm(h, WA, BA, false));
        then.output(then.matMul(thenRelu, WA2));
        GraphBuilder otherwise = b.subgraph("else");
        String gemm = otherwise.op("Gemm", List.of(h, wb, bb));
        otherwise.output(otherwise.matMul(otherwise.sigmoid(gemm), WB2));
        b.output(b.ifElse(cond, then, otherwise).get(0), "y");
        return b.build();
    }

    /** 64 samples whose batches of 8 alternate between a positive and a negative mean, so both branches run. */
    private static Dataset alternatingData() {
        SplittableRandom r = new SplittableRandom(11);
        float[][] rows = new float[64][16];
        for (int i = 0; i < rows.length; i++) {
            float offset = (i / BATCH) % 2 == 0 ? 0.5f : -0.5f;
            for (int j = 0; j < 16; j++) {
                rows[i][j] = (float) (2 * r.nextDouble() - 1) + offset;
            }
        }
        return ArrayDataset.unlabelled(rows, 16);
    }

    private QuantizationResult quantize(Path model, Path out, QuantizationConfig config, Dataset data) {
        try (OnnxRuntimeQuantizer q = new OnnxRuntimeQuantizer()) {
            return q.quantize(QuantizationRequest.builder().model(model).output(out).config(config)
                    .calibrationData(data).batchSize(BATCH).build());
        }
    }

    /** Writes the If model to {@code if.onnx} in the test directory and quantizes it on {@link #alternatingData}. */
    private QuantizationResult quantizeIfModel(QuantizationConfig config, Path out) {
        return quantize(write(ifModel(), dir.resolve("if.onnx")), out, config, alternatingData());
    }

    /** Largest |float - quantized| over the data, and the largest |float| output, run batch by batch. */
    private static double[] maxErrorAndMagnitude(Path floatModel, Path quantized, Dataset data) {
        RunnerOptions options = RunnerOptions.builder().intraOpThreads(1).build();
        double error = 0;
        double magnitude = 0;
        try (OrtRunner reference = OrtRunner.open(floatModel, options);
                OrtRunner q = OrtRunner.open(quantized, options)) {
            String name = reference.outputNames().get(0);
            Iterator<Batch> batches = data.batches(BATCH);
            while (batches.hasNext()) {
                Batch batch = batches.next();
                FloatTensor y = reference.run(batch).get(name);
                FloatTensor yq = q.run(batch).get(name);
                error = Math.max(error, OrtTestSupport.maxAbsDiff(y, yq));
                for (int i = 0; i < y.size(); i++) {
                    magnitude = Math.max(magnitude, Math.abs(y.get(i)));
                }
            }
        }
        return new double[] {error, magnitude};
    }

    /** Asserts that the largest |float - quantized| output is at most {@code fraction} of the largest |float| one. */
    private static void assertCloseToFloat(Path model, Path quantized, Dataset data, double fraction) {
        double[] errorAndMagnitude = maxErrorAndMagnitude(model, quantized, data);
        assertTrue(errorAndMagnitude[0] <= fraction * errorAndMagnitude[1], "max abs error " + errorAndMagnitude[0]
                + " against outputs up to " + errorAndMagnitude[1]);
    }

    /** Every initializer of the model, its subgraphs' included. */
    private static List<TensorProto> allInitializers(GraphProto g) {
        List<TensorProto> all = new ArrayList<>(g.getInitializerList());
        for (NodeProto n : g.getNodeList()) {
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    all.addAll(allInitializers(a.getG()));
                }
            }
        }
        return all;
    }

    private static GraphProto branch(ModelProto m, String attribute) {
        NodeProto ifNode = m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("If")).findFirst()
                .orElseThrow();
        return ifNode.getAttributeList().stream().filter(a -> a.getName().equals(attribute)).findFirst()
                .orElseThrow().getG();
    }

    private static long count(GraphProto g, String opType) {
        return g.getNodeList().stream().filter(n -> n.getOpType().equals(opType)).count();
    }

    private static float scalar(GraphProto g, String name) {
        return TensorProtos.toFloatTensor(g.getInitializerList().stream().filter(t -> t.getName().equals(name))
                .findFirst().orElseThrow()).get(0);
    }

    /** The largest value of Relu(Gemm(Relu(Gemm(x, W0)), WA)) over the batches that take the then branch. */
    private static double thenReluMax(Dataset data) {
        double max = 0;
        float[] x = new float[16];
        for (int s = 0; s < data.size(); s++) {
            if ((s / BATCH) % 2 != 0) {
                continue; // the negative-mean batches take the else branch
            }
            data.read(s, x, 0);
            float[] h = new float[16];
            for (int j = 0; j < 16; j++) {
                float v = B0.get(j);
                for (int k = 0; k < 16; k++) {
                    v += x[k] * W0.get(k * 16 + j);
                }
                h[j] = Math.max(v, 0f);
            }
            for (int j = 0; j < 8; j++) {
                float v = BA.get(j);
                for (int k = 0; k < 16; k++) {
                    v += h[k] * WA.get(k * 8 + j);
                }
                max = Math.max(max, v);
            }
        }
        return max;
    }

    @Test
    void staticModeQuantizesTheWeightsAndActivationsOfBothIfBranches() {
        Path model = dir.resolve("if.onnx");
        Path out = dir.resolve("if-int8.onnx");
        Dataset data = alternatingData();
        QuantizationResult result = quantizeIfModel(QuantizationConfig.builder().build(), out);

        // Gemm 16x16, then: Gemm 16x8 and MatMul 8x4, else: Gemm 16x8 (outer) and MatMul 8x4: all int8.
        assertEquals(new WeightSummary("int8", 5, 256 + 128 + 32 + 128 + 32, 0, 0), result.weights().orElseThrow());
        long quantized = result.decisions().stream().filter(d -> d.action() == NodeDecision.Action.QUANTIZED
                && d.reason().contains("inside subgraph")).count();
        assertEquals(4, quantized, "the Gemm and MatMul of each branch: " + result.decisions());

        ModelProto written = OnnxModel.read(out).proto();
        for (TensorProto t : allInitializers(written.getGraph())) {
            assertTrue(t.getDataType() != TensorProto.DataType.FLOAT_VALUE || t.getDimsCount() <= 1,
                    "no float weight matrix is left: " + t.getName());
        }
        GraphProto then = branch(written, "then_branch");
        GraphProto otherwise = branch(written, "else_branch");
        for (GraphProto g : List.of(then, otherwise)) {
            assertEquals(2, g.getInitializerList().stream()
                    .filter(t -> t.getDataType() == TensorProto.DataType.INT8_VALUE && t.getDimsCount() == 2).count(),
                    "each branch holds its two int8 weight matrices");
            assertTrue(count(g, "QuantizeLinear") >= 2, "activations are quantized inside " + g.getName());
        }
        // The Relu of the then branch is absorbed into the QuantizeLinear of its Gemm's output, whose
        // uint8 parameters come from the range calibrated on the batches that ran the branch.
        NodeProto q = then.getNodeList().stream().filter(n -> n.getOpType().equals("QuantizeLinear")
                && n.getInput(0).equals(thenRelu)).findFirst().orElseThrow();
        double expectedScale = thenReluMax(data) / 255;
        assertEquals(expectedScale, scalar(then, q.getInput(1)), expectedScale * 1e-5);

        // The output error stays within a few quantization steps of the output range: uint8
        // activations (1/255 of their range) and int8 weights (1/254) through three layers.
        assertCloseToFloat(model, out, data, 0.05);
    }

    @Test
    void aBranchThatNeverRanIsWarnedAboutUnlessItsNodesWereExcluded() {
        // Every sample has a positive mean, so only the then branch runs: the else branch's Gemm and
        // MatMul get no ranges and stay float, which the result warns about.
        SplittableRandom r = new SplittableRandom(12);
        float[][] rows = new float[32][16];
        for (float[] row : rows) {
            for (int j = 0; j < 16; j++) {
                row[j] = (float) (2 * r.nextDouble() - 1) + 0.5f;
            }
        }
        Path model = write(ifModel(), dir.resolve("if.onnx"));
        QuantizationResult result = quantize(model, dir.resolve("then-only.onnx"), QuantizationConfig.builder().build(),
                ArrayDataset.unlabelled(rows, 16));
        List<String> notRun = result.decisions().stream().filter(d -> d.action() == NodeDecision.Action.SKIPPED
                && d.reason().contains("did not run")).map(NodeDecision::nodeName).toList();
        assertEquals(2, notRun.size(), result.decisions().toString());
        assertTrue(result.warnings().stream().anyMatch(w -> w.startsWith("2 of 4 quantizable nodes inside If/Loop/Scan")),
                result.warnings().toString());

        // Excluded by the config (as the mixed-precision search's float choices are), the same nodes are
        // float because they were asked to be: no warning.
        QuantizationConfig.Builder excluding = QuantizationConfig.builder();
        notRun.forEach(excluding::excludeNode);
        QuantizationResult excluded = quantize(model, dir.resolve("else-excluded.onnx"), excluding.build(),
                ArrayDataset.unlabelled(rows, 16));
        assertTrue(excluded.warnings().stream().noneMatch(w -> w.contains("inside If/Loop/Scan")),
                excluded.warnings().toString());
    }

    @Test
    void onnxRuntimeRunsTheQuantizedBranchesAsIntegerKernels() {
        Path out = dir.resolve("if-int8.onnx");
        quantizeIfModel(QuantizationConfig.builder().build(), out);
        OptimizedOps ops = QuantizationTestSupport.optimizedOps(out, OptimizationLevel.EXTENDED);
        // Measured on ONNX Runtime 1.29: the three Gemms (main graph and both branches) run as QGemm,
        // the MatMul of each branch as QLinearMatMul, the else branch's Sigmoid as QLinearSigmoid. The
        // main graph's Relu stays a float Relu after a DequantizeLinear: the branches read its output
        // in float, so it is not absorbed into the QuantizeLinear.
        assertEquals(3, ops.count("QGemm"), ops.toString());
        assertEquals(2, ops.count("QLinearMatMul"), ops.toString());
        assertEquals(1, ops.count("QLinearSigmoid"), ops.toString());
        assertEquals(0, ops.count("Gemm"), ops.toString());
        assertEquals(1, ops.count("Relu"), ops.toString());
    }

    @Test
    void dynamicModeQuantizesTheWeightsOfBothIfBranches() {
        Path model = dir.resolve("if.onnx");
        Path out = dir.resolve("if-dynamic.onnx");
        Dataset data = alternatingData();
        QuantizationResult result = quantizeIfModel(QuantizationConfig.builder().mode(QuantizationMode.DYNAMIC).build(),
                out);

        assertEquals(new WeightSummary("int8", 5, 256 + 128 + 32 + 128 + 32, 0, 0), result.weights().orElseThrow());
        ModelProto written = OnnxModel.read(out).proto();
        for (String attribute : List.of("then_branch", "else_branch")) {
            GraphProto g = branch(written, attribute);
            assertEquals(0, count(g, "Gemm") + count(g, "MatMul"), "no float Gemm or MatMul left in " + attribute);
        }
        // Dynamic mode quantizes each batch's activations with their own range: tighter than static.
        assertCloseToFloat(model, out, data, 0.05);
    }

    @Test
    void fp16ModeConvertsBothIfBranches() {
        Path model = dir.resolve("if.onnx");
        Path out = dir.resolve("if-fp16.onnx");
        Dataset data = alternatingData();
        QuantizationResult result = quantizeIfModel(QuantizationConfig.builder().mode(QuantizationMode.FP16).build(),
                out);

        // Two bytes per value; the else branch's outer Gemm weight becomes the branch's own float16 copy.
        assertEquals(new WeightSummary("float16", 5, 2L * (256 + 128 + 32 + 128 + 32), 0, 0),
                result.weights().orElseThrow());
        ModelProto written = OnnxModel.read(out).proto();
        for (String attribute : List.of("then_branch", "else_branch")) {
            GraphProto g = branch(written, attribute);
            assertEquals(2, g.getInitializerList().stream()
                    .filter(t -> t.getDataType() == TensorProto.DataType.FLOAT16_VALUE && t.getDimsCount() == 2)
                    .count(), "float16 weight matrices in " + attribute);
        }
        // float16 keeps 11 significant bits: a relative error near 2^-11 per rounding, a few roundings deep.
        assertCloseToFloat(model, out, data, 0.01);
    }

    private static ValueInfoProto typed(String name, int type, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
    }

    /** x [N, 8] -> Loop 3 times: s = Tanh(MatMul(s, W)), the weight held by the body -> y. */
    private static ModelProto loopModel() {
        GraphBuilder b = GraphBuilder.create("loop_model");
        String x = b.input("x", -1, 8);
        b.graph().putInitializer(TensorProtos.int64s("trips", new long[0], new long[] {3}));
        GraphBuilder body = b.subgraph("body");
        body.graph().addInput(new TensorInfo(typed("iteration", TensorProto.DataType.INT64_VALUE)));
        body.graph().addInput(new TensorInfo(typed("condition", TensorProto.DataType.BOOL_VALUE)));
        body.graph().addInput(TensorInfo.floatTensorOfUnknownShape("state"));
        String keepGoing = body.identity("condition");
        String next = body.op("Tanh", List.of(body.matMul("state", OrtTestSupport.random(21, 8, 8))));
        body.graph().addOutput(new TensorInfo(typed(keepGoing, TensorProto.DataType.BOOL_VALUE)));
        body.output(next);
        String y = b.graph().uniqueName("loop_out");
        b.graph().addNode(Node.of(b.graph().uniqueName("Loop"), "Loop", Node.DEFAULT_DOMAIN, List.of("trips", "", x),
                List.of(y), List.of(Attributes.graph("body", body.graph().toGraphProto()))));
        b.output(y, "y");
        return b.build();
    }

    @Test
    void staticModeQuantizesTheMatMulOfALoopBody() {
        Path model = write(loopModel(), dir.resolve("loop.onnx"));
        Path out = dir.resolve("loop-int8.onnx");
        SplittableRandom r = new SplittableRandom(5);
        float[][] rows = new float[32][8];
        for (float[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) (2 * r.nextDouble() - 1);
            }
        }
        Dataset data = ArrayDataset.unlabelled(rows, 8);
        QuantizationResult result = quantize(model, out, QuantizationConfig.builder().build(), data);

        assertEquals(new WeightSummary("int8", 1, 64, 0, 0), result.weights().orElseThrow());
        GraphProto body = OnnxModel.read(out).proto().getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("Loop")).findFirst().orElseThrow().getAttribute(0).getG();
        assertTrue(count(body, "QuantizeLinear") >= 1, "the body's MatMul input is quantized");
        double[] errorAndMagnitude = maxErrorAndMagnitude(model, out, data);
        // Three passes through the quantized MatMul; Tanh keeps values in (-1, 1), a few steps of 2/255 each.
        assertTrue(errorAndMagnitude[0] <= 0.05, "max abs error " + errorAndMagnitude[0]);
    }

    /** x [N, 8] scanned row by row: s = Tanh(MatMul(x_t, W) + s), each s a scan output; the weight held by the body. */
    private static ModelProto scanModel() {
        GraphBuilder b = GraphBuilder.create("scan_model");
        String x = b.input("x", -1, 8);
        String initial = b.initializer("initial_state", new FloatTensor(new long[] {8}, new float[8]));
        GraphBuilder body = b.subgraph("body");
        body.graph().addInput(TensorInfo.floatTensorOfUnknownShape("state"));
        body.graph().addInput(TensorInfo.floatTensorOfUnknownShape("row"));
        String next = body.op("Tanh", List.of(body.op("Add", List.of(body.matMul("row",
                OrtTestSupport.random(31, 8, 8)), "state"))));
        body.output(next);
        body.output(body.identity(next));
        String last = b.graph().uniqueName("scan_state");
        String all = b.graph().uniqueName("scan_rows");
        b.graph().addNode(Node.of(b.graph().uniqueName("Scan"), "Scan", Node.DEFAULT_DOMAIN, List.of(initial, x),
                List.of(last, all), List.of(Attributes.graph("body", body.graph().toGraphProto()),
                        Attributes.integer("num_scan_inputs", 1))));
        b.output(all, "y");
        return b.build();
    }

    @Test
    void staticModeQuantizesTheMatMulOfAScanBody() {
        Path model = write(scanModel(), dir.resolve("scan.onnx"));
        Path out = dir.resolve("scan-int8.onnx");
        FloatTensor values = OrtTestSupport.random(41, 32, 8);
        float[][] rows = new float[32][8];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(values.data(), i * 8, rows[i], 0, 8);
        }
        Dataset data = ArrayDataset.unlabelled(rows, 8);
        QuantizationResult result = quantize(model, out, QuantizationConfig.builder().build(), data);

        assertEquals(new WeightSummary("int8", 1, 64, 0, 0), result.weights().orElseThrow());
        assertTrue(result.decisions().stream().anyMatch(d -> d.opType().equals("MatMul")
                && d.action() == NodeDecision.Action.QUANTIZED), result.decisions()::toString);
        // Each row passes the quantized MatMul once; Tanh keeps |s| < 1, a few uint8 steps of 2/255.
        assertCloseToFloat(model, out, data, 0.05);
    }
}
