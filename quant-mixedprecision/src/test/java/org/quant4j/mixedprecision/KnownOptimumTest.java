package org.quant4j.mixedprecision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.data.Dataset;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.HeInitializer;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.sensitivity.SensitivityRequest;

/**
 * A model whose optimum is known: its classifier must stay float (INT8 destroys it), its large
 * convolution loses nothing in INT8 and is several times faster there; every search must find
 * "convolution INT8, classifier float".
 */
class KnownOptimumTest {

    static final String CONV = "big_conv";
    static final String CLASSIFIER = "classifier";

    @TempDir
    Path dir;

    @Test
    void greedyAndKnapsackFindTheOptimum() {
        MixedPrecisionResult r = search(EnumSet.of(SearchMethod.GREEDY, SearchMethod.DP));
        assertEquals(2, r.searches().size());
        for (SearchOutcome o : r.searches()) {
            assertOptimum(o);
        }
        assertOptimumResult(r);
    }

    @Test
    void evolutionaryFindsTheOptimumUnseeded() {
        MixedPrecisionResult r = search(EnumSet.of(SearchMethod.EVOLUTIONARY));
        assertOptimum(r.searches().get(0));
        assertOptimumResult(r);
    }

    private MixedPrecisionResult search(Set<SearchMethod> searches) {
        Path model = model(dir);
        Path out = dir.resolve("mixed.onnx");
        MixedPrecisionResult r = MixedPrecision.run(MixedPrecisionRequest.builder().model(model).output(out)
                .calibration(noise(64, 1)).validation(noise(200, 2)).test(noise(200, 3))
                .metric(SensitivityRequest.Metric.AGREEMENT).maxDrop(0.01).searches(searches).threads(2)
                .population(6).generations(3).evolutionSamples(200).profileRuns(8).seed(7).build());
        assertTrue(Files.isRegularFile(out));
        // Delivered compacted, as the quantizer writes its models: none of the quantizer's long generated names.
        List<String> names = OnnxModel.read(out).graph().nodes().stream().map(Node::name).toList();
        assertTrue(names.stream().noneMatch(n -> n.endsWith("_QuantizeLinear") || n.endsWith("_DequantizeLinear")),
                names.toString());
        return r;
    }

    private static void assertOptimum(SearchOutcome o) {
        Assignment a = o.chosen().assignment();
        assertEquals(LayerChoice.FLOAT, a.of(CLASSIFIER), o.method() + ": " + a);
        assertNotEquals(LayerChoice.FLOAT, a.of(CONV), o.method() + ": " + a);
        assertTrue(o.withinBudget(), o.toString());
    }

    private static void assertOptimumResult(MixedPrecisionResult r) {
        // Independent check of the premise: every layer in INT8 breaks the agreement, on both splits.
        assertTrue(r.int8().validationDrop().estimate() > 0.2, r.int8().toString());
        assertTrue(r.int8().testDrop().estimate() > 0.2, r.int8().toString());
        assertTrue(r.best().testDrop().estimate() <= 0.02, r.best().toString());
        LayerCost classifier = r.layers().stream().filter(c -> c.layer().equals(CLASSIFIER)).findFirst().orElseThrow();
        assertTrue(classifier.drop(LayerChoice.INT8_PER_CHANNEL) > 0.2, classifier.toString());
        LayerCost conv = r.layers().stream().filter(c -> c.layer().equals(CONV)).findFirst().orElseThrow();
        assertEquals(0.0, conv.drop(LayerChoice.INT8_PER_CHANNEL), 0.01, conv.toString());
        // ONNX Runtime runs float16 no faster than float32: no layer is offered it.
        assertTrue(r.layers().stream().noneMatch(c -> c.choices().contains(LayerChoice.FP16)), r.layers().toString());
        assertTrue(MixedPrecisionJson.of(r).contains("\"" + CLASSIFIER + "\" : {\n      \"choice\" : \"float\""),
                MixedPrecisionJson.of(r));
    }

    private static Dataset noise(int n, long seed) {
        return new UniformNoiseDataset(n, new int[] {32, 28, 28}, seed, 0f, 1f);
    }

    /**
     * The model's layers (described at {@link #model}) added to {@code b}, reading {@code x}
     * [N, 32, 28, 28]; returns the logits.
     */
    static String layers(GraphBuilder b, String x, HeInitializer init) {
        float[] bias = init.uniform(-0.1f, 0.1f, 64).data();
        bias[63] = -1000f;
        String c = b.relu(b.conv(x, init.convWeights(64, 32, 3, 3), new FloatTensor(new long[] {64}, bias),
                ConvOptions.of(1, 1)));
        String pooled = b.flatten(b.globalAveragePool(c), 1);
        float[] w = init.denseWeights(10, 64).data();
        for (int k = 0; k < 10; k++) {
            w[k * 64 + 63] = 500f;
        }
        return b.gemm(pooled, new FloatTensor(new long[] {10, 64}, w), init.uniform(-0.1f, 0.1f, 10), true);
    }

    /**
     * Conv 32 to 64 channels, 3x3, on 28x28 (its INT8 form loses nothing and runs several times
     * faster than float on ONNX Runtime's CPU kernels), Relu, global average pool, and a Gemm
     * classifier that INT8 destroys: channel 63 of the conv has bias -1000, so after the Relu it is
     * always 0, and the classifier's weight for it is 500 in every class; in float it multiplies
     * zero, in INT8 it sets each class's weight scale to 500/127 and every other weight rounds to 0.
     */
    static Path model(Path dir) {
        HeInitializer init = new HeInitializer(11);
        GraphBuilder b = GraphBuilder.create("known_optimum");
        String x = b.input("input", -1, 32, 28, 28);
        b.output(layers(b, x, init), "logits");
        ModelProto.Builder m = b.build().toBuilder();
        for (int i = 0; i < m.getGraph().getNodeCount(); i++) {
            String op = m.getGraph().getNode(i).getOpType();
            if (op.equals("Gemm") || op.equals("Conv")) {
                m.getGraphBuilder().setNode(i, m.getGraph().getNode(i).toBuilder()
                        .setName(op.equals("Gemm") ? CLASSIFIER : CONV));
            }
        }
        Path file = dir.resolve("known-optimum.onnx");
        OnnxModel.of(m.build()).write(file);
        return file;
    }
}
