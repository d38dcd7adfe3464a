package org.quant4j.onnx.quantize;

import java.util.LinkedHashMap;
import java.util.Map;
import org.quant4j.api.TensorRange;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;

/**
 * Tiny graphs and hand-set calibrated ranges for the tests of the QDQ planning steps:
 * {@code x -> Conv -> c -> Relu -> r -> MaxPool -> m -> Flatten -> f -> Gemm -> y}.
 */
final class QdqTestGraphs {

    /** The chain's tensors, by role. */
    record Chain(Graph graph, String x, String c, String r, String m, String f, String y) {

        /** Ranges as a calibration would report them: the Relu output is the Conv output clipped at 0. */
        Map<String, TensorRange> observed() {
            Map<String, TensorRange> ranges = new LinkedHashMap<>();
            ranges.put(x, new TensorRange(0, 1));
            ranges.put(c, new TensorRange(-2, 3));
            ranges.put(r, new TensorRange(0, 3));
            ranges.put(m, new TensorRange(0, 3));
            ranges.put(f, new TensorRange(0, 2.5));
            ranges.put(y, new TensorRange(-1, 1));
            return ranges;
        }

        /** The name of the only node of type {@code opType}. */
        String node(String opType) {
            return nodeOf(graph, opType);
        }
    }

    private QdqTestGraphs() {
    }

    static Chain chain() {
        GraphBuilder b = GraphBuilder.create("chain");
        String x = b.input("x", 1, 1, 4, 4);
        String c = b.conv(x, new FloatTensor(new long[] {2, 1, 1, 1}, new float[] {0.5f, -1f}),
                FloatTensor.vector(new float[] {0.1f, 0.2f}), ConvOptions.of(1, 0));
        String r = b.relu(c);
        String m = b.maxPool(r, 2, 2, 0);
        String f = b.flatten(m, 1);
        String y = b.gemm(f, new FloatTensor(new long[] {3, 8}, new float[24]),
                FloatTensor.vector(new float[] {0f, 0f, 0f}), true);
        b.output(y);
        return new Chain(b.graph(), x, c, r, m, f, y);
    }

    static String nodeOf(Graph graph, String opType) {
        return graph.nodes().stream().filter(n -> n.opType().equals(opType)).map(Node::name)
                .reduce((a, b) -> {
                    throw new IllegalArgumentException("more than one " + opType);
                }).orElseThrow();
    }

    /** The decision of node {@code name} among {@code decisions}. */
    static NodeDecision decision(Iterable<NodeDecision> decisions, String name) {
        for (NodeDecision d : decisions) {
            if (d != null && d.nodeName().equals(name)) {
                return d;
            }
        }
        throw new AssertionError("no decision for " + name);
    }
}
