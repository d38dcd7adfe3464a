package org.quant4j.onnx.builder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quant4j.onnxruntime.OrtTestSupport;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.TensorProtos;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;

class ReferenceGraphsTest {

    private static List<String> ops(ModelProto m) {
        return m.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    }

    private static void assertFinite(FloatTensor t) {
        for (int i = 0; i < t.size(); i++) {
            assertTrue(Float.isFinite(t.get(i)), "value " + i + " is " + t.get(i));
        }
    }

    @Test
    void smallCnnIsConvBnReluTwiceWithResidualAndRunsInOrt() {
        ModelProto m = ReferenceGraphs.smallCnn(3);
        assertEquals(List.of("Conv", "BatchNormalization", "Relu", "Conv", "BatchNormalization", "Relu", "Add",
                "GlobalAveragePool", "Flatten", "Gemm"), ops(m));
        FloatTensor logits = OrtTestSupport.run(m, OrtTestSupport.random(1, 3, 1, 28, 28), OptimizationLevel.ALL)
                .get(ReferenceGraphs.OUTPUT);
        assertArrayEquals(new long[] {3, 10}, logits.shape());
        assertFinite(logits);
    }

    @Test
    void mlpAndLstmRunInOrt() {
        FloatTensor mlp = OrtTestSupport.run(ReferenceGraphs.mlp(1), OrtTestSupport.random(2, 2, 1, 28, 28),
                OptimizationLevel.ALL).get(ReferenceGraphs.OUTPUT);
        assertArrayEquals(new long[] {2, 10}, mlp.shape());
        assertFinite(mlp);
        assertTrue(ops(ReferenceGraphs.mlp(1)).containsAll(List.of("MatMul", "Add", "Dropout", "Gemm")));

        FloatTensor lstm = OrtTestSupport.run(ReferenceGraphs.lstm(1), OrtTestSupport.random(3, 8, 5, 16),
                OptimizationLevel.ALL).get(ReferenceGraphs.OUTPUT);
        assertArrayEquals(new long[] {5, 10}, lstm.shape());
        assertFinite(lstm);
    }

    @Test
    void sameSeedGivesIdenticalBytesAndAnotherSeedDoesNot() {
        assertArrayEquals(ReferenceGraphs.smallCnn(11).toByteArray(), ReferenceGraphs.smallCnn(11).toByteArray());
        assertNotEquals(ReferenceGraphs.smallCnn(11), ReferenceGraphs.smallCnn(12));
    }

    @Test
    void heInitialisationHasTheHeVarianceAndBounds() {
        FloatTensor w = new HeInitializer(5).convWeights(64, 32, 3, 3);
        double bound = Math.sqrt(6.0 / (32 * 9));
        double sumSq = 0;
        for (int i = 0; i < w.size(); i++) {
            assertTrue(Math.abs(w.get(i)) <= bound);
            sumSq += w.get(i) * (double) w.get(i);
        }
        // Var of U(-b, b) is b^2 / 3 = 2 / fanIn; 18432 samples put the estimate within a few percent.
        assertEquals(2.0 / (32 * 9), sumSq / w.size(), 0.05 * 2.0 / (32 * 9));
    }

    @Test
    void resNet18HasTheTorchvisionStructureAndRunsInOrt() {
        ModelProto m = ReferenceGraphs.resNet18(1);
        Map<String, Long> counts = ops(m).stream()
                .collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting()));
        assertEquals(Map.of("Add", 8L, "BatchNormalization", 20L, "Conv", 20L, "Flatten", 1L, "Gemm", 1L,
                "GlobalAveragePool", 1L, "MaxPool", 1L, "Relu", 17L), counts);

        // torchvision's resnet18 has 11,689,512 parameters; BN running means and variances are buffers.
        Set<String> buffers = m.getGraph().getInitializerList().stream().map(TensorProto::getName)
                .filter(n -> n.endsWith("_mean") || n.endsWith("_var")).collect(Collectors.toSet());
        long params = m.getGraph().getInitializerList().stream().filter(t -> !buffers.contains(t.getName()))
                .mapToLong(t -> FloatTensor.elementCount(TensorProtos.dims(t))).sum();
        assertEquals(11_689_512L, params);

        FloatTensor logits = OrtTestSupport.run(m, OrtTestSupport.random(4, 1, 3, 224, 224), OptimizationLevel.ALL)
                .get(ReferenceGraphs.OUTPUT);
        assertArrayEquals(new long[] {1, 1000}, logits.shape());
        assertFinite(logits);
    }
}
