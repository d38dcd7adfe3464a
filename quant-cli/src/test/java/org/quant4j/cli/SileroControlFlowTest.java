package org.quant4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.calibration.data.NpyInputsDataset;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnx.graph.TensorProtos;
import org.quant4j.onnxruntime.quantize.OnnxRuntimeQuantizer;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

/**
 * Silero VAD v5 keeps all its work in the branches of an If on the sample rate (16 kHz or 8 kHz),
 * with If nodes nested inside. Quantized through the API with data the model accepts, the branch
 * that runs at 16 kHz is calibrated and quantized; the 8 kHz branch, which never runs on the data,
 * stays float and the result says so. The model's state input has its batch on axis 1 ([2, N, 128]),
 * which the batching of calibration data does not follow (another work item), so the test feeds a
 * copy whose state input is batch-first and whose sample rate is fixed at 16000.
 */
class SileroControlFlowTest {

    private static final Path CACHE = Path.of(System.getProperty("quant4j.corpus.dir", "../models/corpus/cache"));

    @TempDir
    Path dir;

    /** Silero with input {@code state_batch_first} [N, 2, 128] transposed into its state, and sr = 16000. */
    private static Path batchFirst(Path original, Path file) {
        ModelProto.Builder proto = OnnxModel.read(original).proto().toBuilder();
        GraphProto.Builder graph = proto.getGraphBuilder();
        List<ValueInfoProto> inputs = List.copyOf(graph.getInputList());
        graph.clearInput();
        inputs.stream().filter(i -> i.getName().equals("input")).forEach(graph::addInput);
        graph.addInput(TensorInfo.floatTensor("state_batch_first", -1, 2, 128).proto());
        graph.addInitializer(TensorProtos.int64s("sr", new long[0], new long[] {16000}));
        graph.addNode(0, Node.of("state_to_batch_axis_1", "Transpose", Node.DEFAULT_DOMAIN,
                List.of("state_batch_first"), List.of("state"), List.of(Attributes.ints("perm", 1, 0, 2))).toProto());
        OnnxModel.of(proto.build()).write(file);
        return file;
    }

    private static float[] audio(Random r, int n) {
        float[] chunk = new float[n];
        double f = 100 + 900 * r.nextDouble();
        for (int i = 0; i < n; i++) {
            chunk[i] = (float) (0.3 * Math.sin(2 * Math.PI * f * i / 16000) + 0.02 * r.nextGaussian());
        }
        return chunk;
    }

    @Test
    void theBranchThatRunsIsQuantizedAndTheOtherSaysWhyNot() throws Exception {
        Path original = CACHE.resolve("silero-vad-v5.onnx");
        assumeTrue(Files.isRegularFile(original), "corpus model " + original.toAbsolutePath()
                + " is absent: run models/corpus/fetch.sh");
        Path model = batchFirst(original, dir.resolve("silero-batch-first.onnx"));
        Random r = new Random(1);
        int samples = 16;
        float[] audio = new float[samples * 512];
        float[] state = new float[samples * 2 * 128];
        for (int s = 0; s < samples; s++) {
            System.arraycopy(audio(r, 512), 0, audio, s * 512, 512);
            for (int i = 0; i < 256; i++) {
                state[s * 256 + i] = (float) (0.1 * r.nextGaussian());
            }
        }
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("input", TestFiles.npyFloats(dir.resolve("input.npy"), new int[] {samples, 512}, audio));
        files.put("state_batch_first", TestFiles.npyFloats(dir.resolve("state.npy"), new int[] {samples, 2, 128},
                state));
        Path out = dir.resolve("silero-int8.onnx");
        QuantizationResult result;
        try (OnnxRuntimeQuantizer q = new OnnxRuntimeQuantizer()) {
            result = q.quantize(QuantizationRequest.builder().model(model).output(out)
                    .config(QuantizationConfig.builder().build())
                    .calibrationData(NpyInputsDataset.openNpy(files, null)).batchSize(4).build());
        }

        List<NodeDecision> convs = result.decisions().stream().filter(d -> d.opType().equals("Conv")).toList();
        long quantized = convs.stream().filter(d -> d.action() == NodeDecision.Action.QUANTIZED).count();
        long notRun = convs.stream().filter(d -> d.action() == NodeDecision.Action.SKIPPED
                && d.reason().contains("did not run on the calibration data")).count();
        // Each branch holds the STFT Conv, four encoder Convs and the decoder's Conv.
        assertEquals(convs.size() / 2, quantized, convs::toString);
        assertEquals(convs.size() / 2, notRun, convs::toString);
        assertTrue(result.warnings().stream().anyMatch(w -> w.contains("inside If/Loop/Scan subgraphs stay float32")),
                result.warnings()::toString);
        long int8 = countInt8(OnnxModel.read(out).proto().getGraph());
        assertTrue(int8 >= quantized, "int8 weights of the quantized Convs are in the file: " + int8);

        // The quantized model runs and gives probabilities; how close they are is printed, not judged:
        // static INT8 of the encoder moves them by up to 0.19 on these chunks (see docs/MODELS.md).
        RunnerOptions options = RunnerOptions.builder().intraOpThreads(1).build();
        double worst = 0;
        try (OrtRunner reference = OrtRunner.open(model, options); OrtRunner q = OrtRunner.open(out, options)) {
            for (int s = 0; s < samples; s++) {
                Map<String, FloatTensor> feeds = Map.of("input", new FloatTensor(new long[] {1, 512},
                        java.util.Arrays.copyOfRange(audio, s * 512, s * 512 + 512)),
                        "state_batch_first", new FloatTensor(new long[] {1, 2, 128},
                                java.util.Arrays.copyOfRange(state, s * 256, s * 256 + 256)));
                float p = reference.run(feeds).get("output").get(0);
                float pq = q.run(feeds).get("output").get(0);
                assertTrue(pq >= 0 && pq <= 1, "a probability: " + pq);
                worst = Math.max(worst, Math.abs(p - pq));
            }
        }
        System.out.println("[silero] static INT8 of the 16 kHz branch: worst |p - p_int8| = " + worst + " on the"
                + " calibration chunks; " + result.weights().orElseThrow());
    }

    private static long countInt8(GraphProto g) {
        long n = g.getInitializerList().stream().filter(t -> t.getDataType() == TensorProto.DataType.INT8_VALUE
                && t.getDimsCount() >= 2).count();
        for (var node : g.getNodeList()) {
            for (var a : node.getAttributeList()) {
                if (a.hasG()) {
                    n += countInt8(a.getG());
                }
            }
        }
        return n;
    }
}
