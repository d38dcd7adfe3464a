package org.quant4j.onnxruntime.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quant4j.api.data.Batch;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.quant4j.onnx.transform.TransformPipeline;

class ExtremaGraphTest {

    /** The small residual CNN, BN folded: Conv-Relu, Conv-Relu, Add, GlobalAveragePool, Flatten, Gemm. */
    private static Graph smallCnn() {
        Graph g = OnnxModel.of(ReferenceGraphs.smallCnn(4)).graph();
        List<NodeDecision> folded = TransformPipeline.inference().apply(g);
        assertEquals(false, folded.isEmpty());
        return g;
    }

    @Test
    void probesGiveTheExtremesAndShapeOfEveryTensor() {
        Graph g = smallCnn();
        List<String> tensors = new ArrayList<>();
        for (Node n : g.nodes()) {
            tensors.add(n.output(0));
        }
        ExtremaGraph extrema = ExtremaGraph.of(g, tensors);
        assertEquals(tensors, List.copyOf(extrema.probes().keySet()));
        // The source graph is not modified.
        assertEquals(tensors.size(), g.nodeCount());

        Graph all = g.toModel().graph();
        for (String t : tensors) {
            if (!all.isGraphOutput(t)) {
                all.addOutput(new TensorInfo(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName(t).build()));
            }
        }
        Iterator<Batch> it = new UniformNoiseDataset(6, new int[] {1, 28, 28}, 9, -1f, 1f).batches(6);
        Batch batch = it.next();
        try (OrtRunner values = OrtRunner.open(all.toModel(), RunnerOptions.defaults());
                OrtRunner reduced = OrtRunner.open(extrema.graph().toModel(), RunnerOptions.defaults())) {
            Map<String, FloatTensor> v = values.run(batch);
            Map<String, FloatTensor> r = reduced.run(batch);
            for (String t : tensors) {
                ExtremaGraph.Probe p = extrema.probes().get(t);
                FloatTensor x = v.get(t);
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                for (float f : x.data()) {
                    lo = Math.min(lo, f);
                    hi = Math.max(hi, f);
                }
                float tol = 1e-5f * (Math.abs(hi) + 1);
                assertEquals(hi, r.get(p.max()).get(0), tol, t);
                if (p.min() == null) {
                    assertEquals(true, lo >= 0, t + " was judged non-negative but holds " + lo);
                } else {
                    assertEquals(lo, r.get(p.min()).get(0), tol, t);
                }
                // Every shape of this graph is inferred, so no Shape node is needed for the counts.
                assertNull(p.shape(), t);
                assertEquals(x.size(), p.count(batch.size(), null), t);
            }
        }
        // Which tensors skip the minimum, and which take the cheap per-channel maximum first.
        List<String> ops = extrema.graph().nodes().stream().map(Node::opType).toList();
        for (String t : tensors) {
            String producer = g.producer(t).orElseThrow().opType();
            boolean nonNegative = !producer.equals("Conv") && !producer.equals("Gemm");
            ExtremaGraph.Probe p = extrema.probes().get(t);
            if (nonNegative) {
                assertNull(p.min(), t + " from " + producer);
            } else {
                assertNotNull(p.min(), t + " from " + producer);
            }
            boolean channelMax = extrema.graph().producer(extrema.graph().producer(p.max()).orElseThrow().input(0))
                    .map(n -> n.is("GlobalMaxPool")).orElse(false);
            assertEquals(nonNegative && !producer.equals("Flatten"), channelMax, t + " from " + producer);
        }
        assertEquals(4, ops.stream().filter("GlobalMaxPool"::equals).count());
        assertEquals(0, ops.stream().filter("Shape"::equals).count());
    }

    @Test
    void probesFollowTheModelDeepestFirstSoThatOnnxRuntimeRunsEachAsSoonAsItsTensorIsMade() {
        Graph g = smallCnn();
        List<Node> model = g.nodes();
        String first = model.get(0).output(0);
        String second = model.get(2).output(0);
        ExtremaGraph extrema = ExtremaGraph.of(g, List.of(first, second));
        List<Node> order = extrema.graph().nodes();
        // ONNX Runtime searches from the leaves, the last one first: the model's nodes, then a
        // ReduceMax on the model output (no model node is a leaf), then the deeper tensor's probe,
        // then the first tensor's, which is searched first and so runs right after its Conv.
        assertEquals(model.stream().map(Node::name).toList(),
                order.subList(0, model.size()).stream().map(Node::name).toList());
        List<Node> probes = order.subList(model.size(), order.size());
        assertEquals(List.of("ReduceMax"), probes.subList(0, 1).stream().map(Node::opType).toList());
        assertEquals(g.outputs().get(0).name(), probes.get(0).input(0));
        assertEquals(second, probes.get(1).input(0));
        assertEquals(first, probes.get(probes.size() - 1).input(0));
        assertEquals(List.of(first, second), List.copyOf(extrema.probes().keySet()), "observation order kept");
    }

    @Test
    void tensorsOfUninferableShapeAreCountedByShape() {
        // input [N, 1, 4, 4] -> Reshape to [N, 16] (not inferred) -> Relu.
        org.quant4j.onnx.builder.GraphBuilder b = org.quant4j.onnx.builder.GraphBuilder.create("reshape");
        String x = b.input("input", -1, 1, 4, 4);
        String flat = b.reshape(x, -1, 16);
        b.output(b.relu(flat), "out");
        Graph g = b.graph();
        ExtremaGraph extrema = ExtremaGraph.of(g, List.of(flat, "out"));
        Batch batch = new UniformNoiseDataset(3, new int[] {1, 4, 4}, 1, -1f, 1f).batches(3).next();
        try (OrtRunner reduced = OrtRunner.open(extrema.graph().toModel(), RunnerOptions.defaults())) {
            Map<String, FloatTensor> r = reduced.run(batch);
            for (String t : List.of(flat, "out")) {
                ExtremaGraph.Probe p = extrema.probes().get(t);
                assertNotNull(p.shape(), t);
                // The product of the shape [3, 16], one value whatever the rank.
                assertArrayEquals(new float[] {48}, r.get(p.shape()).data(), t);
                assertEquals(48, p.count(3, java.nio.FloatBuffer.wrap(r.get(p.shape()).data())), t);
            }
        }
    }
}
