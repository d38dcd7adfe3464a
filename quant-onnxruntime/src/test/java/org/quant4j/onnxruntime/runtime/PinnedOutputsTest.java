package org.quant4j.onnxruntime.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Batch;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.onnxruntime.OrtTestSupport;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.OnnxModel;

class PinnedOutputsTest {

    /** input [N, 1, 2, 2] -> Conv 1x1 computing 3x + 1 -> "affine"; Relu of it -> "relu". */
    private static OnnxModel affineRelu() {
        GraphBuilder b = GraphBuilder.create("affine_relu");
        String x = b.input("input", -1, 1, 2, 2);
        String conv = b.conv(x, FloatTensor.filled(3f, 1, 1, 1, 1), FloatTensor.vector(1f), ConvOptions.DEFAULT);
        String affine = b.output(conv, "affine");
        b.output(b.relu(affine), "relu");
        return b.graph().toModel();
    }

    private static Batch batch(float... values) {
        return new Batch(values, values.length / 4, new int[] {1, 2, 2}, Optional.empty());
    }

    private static float[] values(FloatBuffer buffer) {
        float[] v = new float[buffer.remaining()];
        buffer.get(v);
        return v;
    }

    @Test
    void everyBatchGetsItsOwnValuesThroughReusedBuffers() {
        try (OrtRunner runner = OrtRunner.open(affineRelu(), RunnerOptions.builder().intraOpThreads(1).build());
                PinnedOutputs pinned = runner.pinnedOutputs()) {
            Map<String, FloatBuffer> first = pinned.run(batch(0, 1, -1, 2, 0.5f, -2, 3, -0.5f));
            assertEquals(List.of("affine", "relu"), List.copyOf(first.keySet()));
            assertArrayEquals(new float[] {1, 4, -2, 7, 2.5f, -5, 10, -0.5f}, values(first.get("affine")));
            assertArrayEquals(new float[] {1, 4, 0, 7, 2.5f, 0, 10, 0}, values(first.get("relu")));
            // Same shape again: ONNX Runtime writes into the pinned buffers.
            Map<String, FloatBuffer> second = pinned.run(batch(1, 1, 1, 1, -1, -1, -1, -1));
            assertArrayEquals(new float[] {4, 4, 4, 4, -2, -2, -2, -2}, values(second.get("affine")));
            assertArrayEquals(new float[] {4, 4, 4, 4, 0, 0, 0, 0}, values(second.get("relu")));
            // A smaller last batch gets buffers of its own shape.
            Map<String, FloatBuffer> last = pinned.run(batch(2, -3, 0, 1));
            assertArrayEquals(new float[] {7, -8, 1, 4}, values(last.get("affine")));
            assertArrayEquals(new float[] {7, 0, 1, 4}, values(last.get("relu")));
        }
    }

    @Test
    void outputSizesCountARunWithoutReplacingThePinnedBuffers() {
        try (OrtRunner runner = OrtRunner.open(affineRelu(), RunnerOptions.builder().intraOpThreads(1).build());
                PinnedOutputs pinned = runner.pinnedOutputs()) {
            Map<String, FloatBuffer> one = pinned.run(batch(0, 1, -1, 2));
            FloatBuffer held = one.get("affine");
            assertEquals(Map.of("affine", 12, "relu", 12), pinned.outputSizes(NamedBatch.of("input",
                    batch(0, 1, -1, 2, 0, 0, 0, 0, 5, 5, 5, 5))));
            // The counted run wrote nothing into the pinned buffers, which the next run of their shape fills.
            assertArrayEquals(new float[] {1, 4, -2, 7}, values(held.duplicate()));
            pinned.run(batch(1, 1, 1, 1));
            assertArrayEquals(new float[] {4, 4, 4, 4}, values(held.duplicate()),
                    "the same buffers are still pinned");
        }
    }

    @Test
    void pinnedOutputsEqualCopiedOutputsOfACnn() {
        OnnxModel model = OnnxModel.of(ReferenceGraphs.smallCnn(4));
        try (OrtRunner runner = OrtRunner.open(model, RunnerOptions.builder().intraOpThreads(1).build());
                PinnedOutputs pinned = runner.pinnedOutputs()) {
            for (long seed = 1; seed <= 3; seed++) {
                FloatTensor x = OrtTestSupport.random(seed, 2, 1, 28, 28);
                Batch b = new Batch(x.data(), 2, new int[] {1, 28, 28}, Optional.empty());
                FloatTensor expected = runner.run(b).get(ReferenceGraphs.OUTPUT);
                assertArrayEquals(expected.data(), values(pinned.run(b).get(ReferenceGraphs.OUTPUT)));
            }
        }
    }

    @Test
    void wrongShapeIsRejectedAndUseAfterCloseFails() {
        try (OrtRunner runner = OrtRunner.open(affineRelu(), RunnerOptions.defaults())) {
            PinnedOutputs pinned = runner.pinnedOutputs();
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> pinned.run(new Batch(new float[9], 1, new int[] {1, 3, 3}, Optional.empty())));
            assertTrue(e.getMessage().contains("got [1, 1, 3, 3]"), e.getMessage());
            pinned.close();
            pinned.close();
            IllegalStateException closed = assertThrows(IllegalStateException.class, () -> pinned.run(batch(0, 0, 0, 0)));
            assertTrue(closed.getMessage().contains("PinnedOutputs") && closed.getMessage().contains("closed"),
                    closed.getMessage());
        }
    }
}
