package org.quant4j.mixedprecision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.data.Batch;
import org.quant4j.api.data.Dataset;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.HeInitializer;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.quant4j.sensitivity.SensitivityRequest;

/**
 * Layers inside an If branch are layers of the search, as the quantizer quantizes them: the known
 * optimum of {@link KnownOptimumTest} (a convolution that loses nothing in INT8, a classifier that
 * INT8 destroys) sits in the then-branch of an If, and the main graph holds no quantizable node. The
 * else-branch never runs on the data, so its Gemm has no calibrated range and is no layer.
 */
class SubgraphLayersTest {

    @TempDir
    Path dir;

    @Test
    void layersInsideAnIfBranchAreFoundAndTheirAssignmentIsApplied() {
        Branches names = new Branches();
        Path model = model(dir, names);
        Path out = dir.resolve("mixed.onnx");
        MixedPrecisionResult r = MixedPrecision.run(MixedPrecisionRequest.builder().model(model).output(out)
                .calibration(noise(64, 1)).validation(noise(200, 2)).test(noise(200, 3))
                .metric(SensitivityRequest.Metric.AGREEMENT).maxDrop(0.01)
                .searches(EnumSet.of(SearchMethod.GREEDY, SearchMethod.DP)).threads(2).profileRuns(8).seed(7)
                .build());

        // Found: the layers of the branch that runs (the pool has an integer kernel too), not the Gemm of
        // the branch that never does.
        List<String> layers = r.layers().stream().map(LayerCost::layer).toList();
        assertEquals(List.of(names.conv, names.pool, names.classifier), layers, "layers of the search");
        for (SearchOutcome o : r.searches()) {
            assertEquals(LayerChoice.FLOAT, o.chosen().assignment().of(names.classifier), o.toString());
            assertTrue(o.chosen().assignment().of(names.conv) != LayerChoice.FLOAT, o.toString());
            assertTrue(o.withinBudget(), o.toString());
        }

        // Applied: in the written model the branch's convolution reads a DequantizeLinear weight, its
        // classifier the float weight, and the never-run Gemm stays float.
        Graph written = OnnxModel.read(out).graph();
        assertTrue(written.nodes().stream().noneMatch(n -> n.opType().equals("DequantizeLinear")),
                "the main graph has nothing to quantize");
        Graph then = branch(written, "then_branch");
        assertTrue(readsDequantized(then, then.node(names.conv).orElseThrow(), 1), "conv weight INT8");
        assertFalse(readsDequantized(then, then.node(names.classifier).orElseThrow(), 1), "classifier weight float");
        assertTrue(then.isInitializer(then.node(names.classifier).orElseThrow().input(1)));
        Graph otherwise = branch(written, "else_branch");
        assertFalse(readsDequantized(otherwise, otherwise.node(names.unused).orElseThrow(), 0), "else Gemm float");

        // Against ONNX Runtime running the float model on unseen samples: the mixed model keeps the
        // argmax, the full INT8 model (the same branch, every layer INT8) does not.
        assertTrue(agreement(model, out, noise(128, 4)) >= 0.98, "mixed model against the float model");
        assertTrue(r.int8().testDrop().estimate() > 0.2, r.int8().toString());
        assertTrue(r.best().testDrop().estimate() <= 0.02, r.best().toString());
    }

    /** Node names of the model's branches. */
    static final class Branches {
        String conv;
        String pool;
        String classifier;
        String unused;
    }

    /** The subgraph held by attribute {@code attribute} of the model's If node. */
    private static Graph branch(Graph main, String attribute) {
        return main.nestedSubgraphs().stream().filter(g -> g.ownerAttribute().equals(Optional.of(attribute)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + attribute));
    }

    /** Whether input {@code index} of {@code n} is the output of a DequantizeLinear node of {@code g}. */
    private static boolean readsDequantized(Graph g, Node n, int index) {
        return g.producer(n.input(index)).map(p -> p.opType().equals("DequantizeLinear")).orElse(false);
    }

    private static double agreement(Path floatModel, Path mixed, Dataset data) {
        RunnerOptions options = RunnerOptions.builder().intraOpThreads(1).build();
        int same = 0;
        int n = 0;
        try (OrtRunner reference = OrtRunner.open(floatModel, options);
                OrtRunner candidate = OrtRunner.open(mixed, options)) {
            String name = reference.outputNames().get(0);
            Iterator<Batch> batches = data.batches(32);
            while (batches.hasNext()) {
                Batch batch = batches.next();
                FloatTensor y = reference.run(batch).get(name);
                FloatTensor yq = candidate.run(batch).get(name);
                int classes = (int) y.shape()[1];
                for (int s = 0; s < y.shape()[0]; s++) {
                    same += argmax(y, s, classes) == argmax(yq, s, classes) ? 1 : 0;
                    n++;
                }
            }
        }
        return (double) same / n;
    }

    private static int argmax(FloatTensor t, int sample, int classes) {
        int best = 0;
        for (int k = 1; k < classes; k++) {
            if (t.get(sample * classes + k) > t.get(sample * classes + best)) {
                best = k;
            }
        }
        return best;
    }

    private static Dataset noise(int n, long seed) {
        return new UniformNoiseDataset(n, new int[] {32, 28, 28}, seed, 0f, 1f);
    }

    /**
     * x [N, 32, 28, 28] -> If(max(x) > -1): then {@link KnownOptimumTest#model}'s layers (Conv 32 to 64
     * whose channel 63 is always 0 after the Relu, pool, a Gemm classifier whose weight for that channel
     * is 500); else pool and a Gemm, which the data never reaches.
     */
    static Path model(Path dir, Branches names) {
        HeInitializer init = new HeInitializer(11);
        GraphBuilder b = GraphBuilder.create("if_known_optimum");
        String x = b.input("input", -1, 32, 28, 28);
        String max = b.op("ReduceMax", List.of(x), Attributes.integer("keepdims", 0));
        String cond = b.op("Greater", List.of(max, b.initializer("minus_one", FloatTensor.scalar(-1f))));

        GraphBuilder then = b.subgraph("then");
        then.output(KnownOptimumTest.layers(then, x, init));
        names.conv = nameOf(then.graph(), "Conv");
        names.pool = nameOf(then.graph(), "GlobalAveragePool");
        names.classifier = nameOf(then.graph(), "Gemm");

        GraphBuilder otherwise = b.subgraph("else");
        String pooledX = otherwise.flatten(otherwise.globalAveragePool(x), 1);
        otherwise.output(otherwise.gemm(pooledX, init.denseWeights(10, 32), init.uniform(-0.1f, 0.1f, 10), true));
        names.unused = nameOf(otherwise.graph(), "Gemm");

        b.output(b.ifElse(cond, then, otherwise).get(0), "logits");
        Path file = dir.resolve("if-known-optimum.onnx");
        OnnxModel.of(b.build()).write(file);
        return file;
    }

    private static String nameOf(Graph g, String opType) {
        return g.nodes().stream().filter(n -> n.opType().equals(opType)).map(Node::name).findFirst().orElseThrow();
    }
}
