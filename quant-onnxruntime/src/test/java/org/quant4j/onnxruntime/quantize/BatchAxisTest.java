package org.quant4j.onnxruntime.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.data.ElementType;
import org.quant4j.api.data.InputSpec;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.data.SampleShapes;
import org.quant4j.api.data.Tensor;
import org.quant4j.api.data.UnlabelledNamedData;
import org.quant4j.api.evaluate.FidelityRequest;
import org.quant4j.api.evaluate.FidelityResult;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnxruntime.runtime.OrtEvaluator;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.slf4j.LoggerFactory;

/**
 * A stateful model as silero-vad declares one: {@code x [N, 8]}, a state {@code [2, N, 8]} whose
 * batch axis is the second, and a scalar int64 {@code sr}. It computes {@code y = x W1},
 * {@code out = y * sr / 16000} and {@code stateN = (state + y) W2} ({@code [2, N, 8]}). Static
 * INT8, FP16 and the fidelity evaluation run it on batches of 16 samples; every check compares
 * with ONNX Runtime running the float model on one sample at a time, where no batch axis has to be
 * found.
 */
class BatchAxisTest {

    private static final int N = 40;
    private static final RunnerOptions ONE_THREAD = RunnerOptions.builder().intraOpThreads(1).build();

    @TempDir
    Path dir;

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    private Path statefulModel() {
        GraphBuilder b = GraphBuilder.create("stateful");
        String x = b.input("x", -1, 8);
        String state = b.input("state", 2, -1, 8);
        b.graph().addInput(new TensorInfo(ValueInfoProto.newBuilder().setName("sr").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.INT64_VALUE)
                        .setShape(TensorShapeProto.newBuilder()))).build()));
        String y = b.matMul(x, new FloatTensor(new long[] {8, 8}, random(64, 1)));
        String rate = b.op("Cast", List.of("sr"), Attributes.integer("to", TensorProto.DataType.FLOAT_VALUE));
        String scale = b.op("Div", List.of(rate, b.initializer("hz", new FloatTensor(new long[0], new float[] {16000f}))));
        String out = b.mul(y, scale);
        String next = b.matMul(b.add(state, y), new FloatTensor(new long[] {8, 8}, random(64, 2)));
        b.graph().renameTensor(out, "out");
        b.graph().renameTensor(next, "stateN");
        b.graph().addOutput(TensorInfo.floatTensor("out", -1, 8));
        b.graph().addOutput(TensorInfo.floatTensor("stateN", 2, -1, 8));
        Path path = dir.resolve("stateful.onnx");
        b.buildModel().write(path);
        return path;
    }

    /** Sample i: x, a state [2, 8] (the batch axis left out) and sr = 16000. */
    private static final class StatefulData extends UnlabelledNamedData {
        private final int size;

        StatefulData(int size) {
            this.size = size;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public List<InputSpec> inputs() {
            return List.of(new InputSpec("x", ElementType.FLOAT32, new int[] {8}),
                    new InputSpec("state", ElementType.FLOAT32, new int[] {2, 8}),
                    new InputSpec("sr", ElementType.INT64, new int[0]));
        }

        static Map<String, Tensor> sample(int i, boolean batchOfOne) {
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("x", Tensor.ofFloats(random(8, 100 + i), batchOfOne ? new long[] {1, 8} : new long[] {8}));
            t.put("state", Tensor.ofFloats(random(16, 10_000 + i), batchOfOne ? new long[] {2, 1, 8}
                    : new long[] {2, 8}));
            t.put("sr", Tensor.ofLongs(new long[] {16000}));
            return t;
        }

        @Override
        public NamedBatch namedBatch(int[] indices, String singleInput) {
            float[] x = new float[indices.length * 8];
            float[] state = new float[indices.length * 16];
            long[] sr = new long[indices.length];
            for (int i = 0; i < indices.length; i++) {
                Map<String, Tensor> s = sample(indices[i], false);
                s.get("x").floats().get(x, i * 8, 8);
                s.get("state").floats().get(state, i * 16, 16);
                sr[i] = 16000;
            }
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("x", Tensor.ofFloats(x, indices.length, 8));
            t.put("state", Tensor.ofFloats(state, indices.length, 2, 8));
            t.put("sr", Tensor.ofLongs(sr, indices.length));
            return new NamedBatch(t, indices.length, Optional.empty());
        }
    }

    /** Outputs of {@code model} run on one sample at a time: out [8] and stateN [2, 8] of each sample. */
    private static float[][] perSample(Path model, String output) {
        float[][] values = new float[N][];
        try (OrtRunner runner = OrtRunner.open(model, ONE_THREAD)) {
            for (int i = 0; i < N; i++) {
                values[i] = runner.run(new NamedBatch(StatefulData.sample(i, true), 1, Optional.empty(),
                        Map.of("state", 1, "sr", -1))).get(output).data();
            }
        }
        return values;
    }

    private static double sqnr(float[][] reference, float[][] actual) {
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < reference.length; i++) {
            for (int j = 0; j < reference[i].length; j++) {
                double d = reference[i][j] - actual[i][j];
                signal += reference[i][j] * (double) reference[i][j];
                noise += d * d;
            }
        }
        return 10 * Math.log10(signal / noise);
    }

    @Test
    void aStateWithItsBatchOnTheSecondAxisQuantizesAndKeepsFidelity() {
        Path model = statefulModel();
        Dataset data = new StatefulData(N);

        // The batched float model gives each sample the outputs it has alone.
        float[][] outAlone = perSample(model, "out");
        float[][] stateAlone = perSample(model, "stateN");
        try (OrtRunner runner = OrtRunner.open(model, ONE_THREAD)) {
            NamedBatch batch = runner.batches(data, 16).next();
            assertArrayEquals(new long[] {2, 16, 8}, batch.tensor("state").shape());
            var outputs = runner.run(batch);
            assertArrayEquals(new long[] {2, 16, 8}, outputs.get("stateN").shape());
            for (int i = 0; i < 16; i++) {
                for (int r = 0; r < 2; r++) {
                    for (int c = 0; c < 8; c++) {
                        assertEquals(stateAlone[i][r * 8 + c], outputs.get("stateN").get((r * 16 + i) * 8 + c), 1e-5);
                    }
                }
            }
        }

        Path int8 = dir.resolve("stateful-int8.onnx");
        Path fp16 = dir.resolve("stateful-fp16.onnx");
        QuantizationResult staticResult;
        try (OnnxRuntimeQuantizer q = new OnnxRuntimeQuantizer()) {
            staticResult = q.quantize(org.quant4j.api.quantize.QuantizationRequest.builder().model(model).output(int8)
                    .config(QuantizationConfig.builder().build()).calibrationData(data).batchSize(16).build());
            q.quantize(org.quant4j.api.quantize.QuantizationRequest.builder().model(model).output(fp16)
                    .config(QuantizationConfig.builder().mode(QuantizationMode.FP16).build()).calibrationData(data)
                    .batchSize(16).build());
        }
        assertEquals(2, staticResult.weights().orElseThrow().converted(), "both MatMul weights in int8");
        SampleShapes shapes = staticResult.calibrationShapes().orElseThrow();
        assertEquals(1, shapes.groups().size());
        assertEquals(N, shapes.samples());

        double int8State = sqnr(stateAlone, perSample(int8, "stateN"));
        double int8Out = sqnr(outAlone, perSample(int8, "out"));
        double fp16State = sqnr(stateAlone, perSample(fp16, "stateN"));
        LoggerFactory.getLogger(BatchAxisTest.class).info("Stateful model, SQNR against the float model per sample:"
                + " INT8 stateN {} dB, out {} dB; FP16 stateN {} dB", int8State, int8Out, fp16State);
        assertTrue(int8State > 25 && int8Out > 25, "INT8 SQNR " + int8State + " / " + int8Out + " dB");
        assertTrue(fp16State > 50, "FP16 SQNR " + fp16State + " dB");

        // The fidelity evaluation batches the data (16 at a time) and must find what the per-sample runs find.
        FidelityResult fidelity;
        try (OrtEvaluator evaluator = new OrtEvaluator()) {
            fidelity = evaluator.fidelity(FidelityRequest.builder().model(int8).reference(model).data(data)
                    .batchSize(16).threads(1).bootstrapResamples(50).build());
        }
        assertEquals(N, fidelity.samples());
        assertArrayEquals(new long[] {2, 8}, fidelity.output("stateN").sampleShape(), "the batch axis moved out");
        assertEquals(int8State, fidelity.output("stateN").sqnrDb().estimate(), 0.05);
        assertEquals(int8Out, fidelity.output("out").sqnrDb().estimate(), 0.05);
    }
}
