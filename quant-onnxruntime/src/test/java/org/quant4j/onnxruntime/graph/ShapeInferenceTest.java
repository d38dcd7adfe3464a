package org.quant4j.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quant4j.api.data.Batch;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

class ShapeInferenceTest {

    /** Runs a batch with every node output as a graph output; ONNX Runtime's shapes are the truth. */
    private static void assertShapesMatchOnnxRuntime(Graph g, int[] sample, int batchSize, int expectedInferred) {
        Map<String, long[]> inferred = ShapeInference.infer(g);
        Graph all = g.toModel().graph();
        for (Node n : g.nodes()) {
            if (!all.isGraphOutput(n.output(0))) {
                all.addOutput(new TensorInfo(ValueInfoProto.newBuilder().setName(n.output(0)).build()));
            }
        }
        Batch batch = new UniformNoiseDataset(batchSize, sample, 3, -1f, 1f).batches(batchSize).next();
        int checked = 0;
        try (OrtRunner runner = OrtRunner.open(all.toModel(), RunnerOptions.defaults())) {
            Map<String, FloatTensor> out = runner.run(batch);
            for (Node n : g.nodes()) {
                long[] shape = inferred.get(n.output(0));
                if (shape == null) {
                    continue;
                }
                long[] actual = out.get(n.output(0)).shape();
                long[] expected = shape.clone();
                expected[0] = batchSize;
                assertArrayEquals(actual, expected, n.opType() + " '" + n.name() + "'");
                assertEquals(FloatTensor.elementCount(actual), batchSize * ShapeInference.valuesPerSample(shape));
                checked++;
            }
        }
        assertEquals(expectedInferred, checked, "tensors inferred");
    }

    @Test
    void everyShapeOfTheReferenceGraphsIsInferredAsOnnxRuntimeComputesIt() {
        Graph resnet = OnnxModel.of(ReferenceGraphs.resNet18(1, 10, 40)).graph();
        assertShapesMatchOnnxRuntime(resnet, new int[] {3, 40, 40}, 2, resnet.nodeCount());
        Graph cnn = OnnxModel.of(ReferenceGraphs.smallCnn(1)).graph();
        assertShapesMatchOnnxRuntime(cnn, new int[] {1, 28, 28}, 3, cnn.nodeCount());
        Graph mlp = OnnxModel.of(ReferenceGraphs.mlp(1)).graph();
        assertShapesMatchOnnxRuntime(mlp, new int[] {1, 28, 28}, 3, mlp.nodeCount());
    }

    @Test
    void paddingModesStridesAndBroadcastsFollowTheOnnxFormulas() {
        GraphBuilder b = GraphBuilder.create("modes");
        String x = b.input("input", -1, 2, 9, 7);
        FloatTensor w = FloatTensor.filled(0.1f, 3, 2, 3, 2);
        String same = b.op("Conv", List.of(x, b.initializer("w", w)), Attributes.ints("strides", 2, 3),
                Attributes.string("auto_pad", "SAME_UPPER"));
        String valid = b.op("MaxPool", List.of(same), Attributes.ints("kernel_shape", 2, 2),
                Attributes.string("auto_pad", "VALID"));
        String dilated = b.op("Conv", List.of(x, b.initializer("w2", w)), Attributes.ints("dilations", 2, 1),
                Attributes.ints("pads", 1, 0, 2, 1));
        String scaled = b.mul(dilated, b.initializer("scale", new FloatTensor(new long[] {3, 1, 1},
                new float[] {1, 2, 3})));
        valid = b.output(valid, "a");
        scaled = b.output(scaled, "b");
        Graph g = b.graph();
        Map<String, long[]> s = ShapeInference.infer(g);
        // SAME_UPPER: ceil(9 / 2) = 5, ceil(7 / 3) = 3; VALID 2x2 pool: 4, 2.
        assertArrayEquals(new long[] {-1, 3, 5, 3}, s.get(same));
        assertArrayEquals(new long[] {-1, 3, 4, 2}, s.get(valid));
        // Dilation 2 on a 3-tap kernel spans 5: 9 + 1 + 2 - 5 + 1 = 8; 7 + 0 + 1 - 2 + 1 = 7.
        assertArrayEquals(new long[] {-1, 3, 8, 7}, s.get(dilated));
        assertArrayEquals(new long[] {-1, 3, 8, 7}, s.get(scaled));
        assertShapesMatchOnnxRuntime(g, new int[] {2, 9, 7}, 2, 4);
    }

    @Test
    void whatTheRulesDoNotCoverIsLeftOutWithEverythingAfterIt() {
        GraphBuilder b = GraphBuilder.create("uncovered");
        String x = b.input("input", -1, 1, 6, 6);
        String conv = b.conv(x, FloatTensor.filled(1f, 2, 1, 3, 3), null, ConvOptions.DEFAULT);
        String reshaped = b.reshape(conv, -1, 32);
        String relu = b.relu(reshaped);
        String ceil = b.op("MaxPool", List.of(conv), Attributes.ints("kernel_shape", 3, 3),
                Attributes.ints("strides", 2, 2), Attributes.integer("ceil_mode", 1));
        String folded = b.flatten(conv, 2);
        relu = b.output(relu, "a");
        ceil = b.output(ceil, "b");
        folded = b.output(folded, "c");
        Map<String, long[]> s = ShapeInference.infer(b.graph());
        assertArrayEquals(new long[] {-1, 2, 4, 4}, s.get(conv));
        assertFalse(s.containsKey(reshaped));
        assertFalse(s.containsKey(relu));
        assertFalse(s.containsKey(ceil));
        assertFalse(s.containsKey(folded));

        GraphBuilder two = GraphBuilder.create("two_inputs");
        two.output(two.add(two.input("a", -1, 4), two.input("b", -1, 4)), "sum");
        assertTrue(ShapeInference.infer(two.graph()).isEmpty());
    }
}
