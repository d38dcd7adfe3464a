package org.quant4j.onnxruntime.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Batch;
import org.quant4j.onnx.opset.OpsetConverter;
import org.quant4j.onnxruntime.OrtTestSupport;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.HeInitializer;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.OnnxModel;

class OrtRunnerTest {

    @TempDir
    Path dir;

    private Path write(String name, OnnxModel model) {
        Path file = dir.resolve(name);
        model.write(file);
        return file;
    }

    private static Batch batch(int n, int... sampleShape) {
        return new Batch(new float[Math.toIntExact(n * Batch.sampleElements(sampleShape))], n, sampleShape,
                Optional.empty());
    }

    @Test
    void runReturnsFloatOutputsByName() {
        Path model = write("mlp.onnx", OnnxModel.of(ReferenceGraphs.mlp(1)));
        try (OrtRunner runner = OrtRunner.open(model, RunnerOptions.builder().intraOpThreads(1).build())) {
            assertEquals(List.of(ReferenceGraphs.INPUT), runner.inputNames());
            assertEquals(List.of(ReferenceGraphs.OUTPUT), runner.outputNames());
            assertArrayEquals(new long[] {-1, 1, 28, 28}, runner.inputShape(ReferenceGraphs.INPUT));
            Map<String, FloatTensor> out = runner.run(batch(5, 1, 28, 28));
            assertArrayEquals(new long[] {5, 10}, out.get(ReferenceGraphs.OUTPUT).shape());
        }
    }

    @Test
    void reusedInputBuffersGiveEachRunItsOwnInput() {
        OnnxModel model = OnnxModel.of(ReferenceGraphs.smallCnn(3));
        FloatTensor big = OrtTestSupport.random(1, 3, 1, 28, 28);
        FloatTensor small = OrtTestSupport.random(2, 1, 1, 28, 28);
        float[] expected;
        try (OrtRunner fresh = OrtRunner.open(model, RunnerOptions.builder().intraOpThreads(1).build())) {
            expected = fresh.run(Map.of(ReferenceGraphs.INPUT, small)).get(ReferenceGraphs.OUTPUT).data();
        }
        try (OrtRunner runner = OrtRunner.open(model, RunnerOptions.builder().intraOpThreads(1).build())) {
            runner.run(Map.of(ReferenceGraphs.INPUT, big));
            // The smaller input goes through the larger buffer the first run left in the pool.
            assertArrayEquals(expected, runner.run(Map.of(ReferenceGraphs.INPUT, small)).get(ReferenceGraphs.OUTPUT)
                    .data());
        }
    }

    @Test
    void wrongInputShapeNamesExpectedAndActualShapes() {
        Path model = write("cnn.onnx", OnnxModel.of(ReferenceGraphs.smallCnn(1)));
        try (OrtRunner runner = OrtRunner.open(model, RunnerOptions.defaults())) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> runner.run(batch(2, 3, 32, 32)));
            assertTrue(e.getMessage().contains("expects shape [N, 1, 28, 28], got [2, 3, 32, 32]"), e.getMessage());
            e = assertThrows(InvalidInputException.class, () -> runner.run(batch(2, 784)));
            assertTrue(e.getMessage().contains("got [2, 784]"), e.getMessage());
            e = assertThrows(InvalidInputException.class,
                    () -> runner.run(Map.of("image", FloatTensor.filled(0, 1, 1, 28, 28))));
            assertTrue(e.getMessage().contains("no input 'image'") && e.getMessage().contains("[input]"),
                    e.getMessage());
        }
    }

    @Test
    void closingTwiceIsHarmlessAndUseAfterCloseFails() {
        OrtRunner runner = OrtRunner.open(OnnxModel.of(ReferenceGraphs.mlp(1)), RunnerOptions.defaults());
        runner.close();
        runner.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> runner.run(batch(1, 1, 28, 28)));
        assertTrue(e.getMessage().contains("OrtRunner") && e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, runner::inputNames);
    }

    @Test
    void missingModelAndOptimisedPathOverInputAreRejected() {
        assertThrows(InvalidInputException.class,
                () -> OrtRunner.open(dir.resolve("missing.onnx"), RunnerOptions.defaults()));
        Path model = write("m.onnx", OnnxModel.of(ReferenceGraphs.mlp(1)));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> OrtRunner.open(model,
                RunnerOptions.builder().optimizedModelPath(model).build()));
        assertTrue(e.getMessage().contains("never overwritten"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> RunnerOptions.builder().intraOpThreads(-1).build());
    }

    @Test
    void optimisedModelIsWrittenWhereAsked() {
        Path model = write("m.onnx", OnnxModel.of(ReferenceGraphs.smallCnn(1)));
        Path optimized = dir.resolve("opt.onnx");
        OrtRunner.open(model, RunnerOptions.builder().optimization(OptimizationLevel.BASIC)
                .optimizedModelPath(optimized).build()).close();
        assertTrue(Files.isRegularFile(optimized));
        assertTrue(OnnxModel.read(optimized).graph().nodes().stream().noneMatch(n -> n.is("BatchNormalization")));
    }

    @Test
    void multiInputModelNeedsNamedInputs() {
        GraphBuilder b = GraphBuilder.create("two");
        b.output(b.add(b.input("a", -1, 2), b.input("b", -1, 2)), "sum");
        try (OrtRunner runner = OrtRunner.open(b.buildModel(), RunnerOptions.defaults())) {
            assertThrows(InvalidInputException.class, () -> runner.run(batch(1, 2)));
            Map<String, FloatTensor> out = runner.run(Map.of("a", new FloatTensor(new long[] {1, 2}, new float[] {1, 2}),
                    "b", new FloatTensor(new long[] {1, 2}, new float[] {10, 20})));
            assertArrayEquals(new float[] {11, 22}, out.get("sum").data());
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> runner.run(Map.of("a", FloatTensor.filled(0, 1, 2))));
            assertTrue(e.getMessage().contains("needs input 'b'"), e.getMessage());
        }
    }

    @Test
    void opset11ConvReluGemmModelIsUpgradedTo13AndStillRuns() {
        HeInitializer init = new HeInitializer(2);
        GraphBuilder b = GraphBuilder.create("old", 11);
        String x = b.input("x", -1, 3, 4, 4);
        String features = b.flatten(b.relu(b.conv(x, init.convWeights(4, 3, 3, 3), init.uniform(-1, 1, 4),
                ConvOptions.of(1, 1))), 1);
        b.output(b.gemm(features, init.denseWeights(5, 64), init.uniform(-1, 1, 5), true), "y");
        OnnxModel original = b.buildModel();
        assertEquals(11, original.opset());

        Graph g = original.graph();
        OpsetConverter.requireAtLeast(g, 13);
        OnnxModel upgraded = g.toModel();
        assertEquals(13, upgraded.opset());
        FloatTensor in = OrtTestSupport.random(9, 2, 3, 4, 4);
        assertArrayEquals(OrtTestSupport.runOnly(original.proto(), in).data(),
                OrtTestSupport.runOnly(upgraded.proto(), in).data());
    }
}
