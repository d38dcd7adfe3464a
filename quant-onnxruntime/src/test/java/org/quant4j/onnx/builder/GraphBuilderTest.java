package org.quant4j.onnx.builder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quant4j.onnxruntime.OrtTestSupport.runOnly;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quant4j.onnxruntime.OrtTestSupport;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;

class GraphBuilderTest {

    private static final float EPS = 1e-6f;

    private static FloatTensor t(long[] shape, float... values) {
        return new FloatTensor(shape, values);
    }

    @Test
    void buildsAVersion8ModelAtOpset13ProducedByQuant4j() {
        GraphBuilder b = GraphBuilder.create("m");
        b.output(b.relu(b.input("x", -1, 2)), "y");
        ModelProto m = b.build();
        assertEquals(8, m.getIrVersion());
        assertEquals("quant4j", m.getProducerName());
        assertEquals(13, m.getOpsetImport(0).getVersion());
        assertEquals("", m.getOpsetImport(0).getDomain());
        assertEquals("N", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals("y", m.getGraph().getOutput(0).getName());
    }

    @Test
    void convWithBiasThenReluMatchesHandComputedValues() {
        GraphBuilder b = GraphBuilder.create("conv");
        String x = b.input("x", 1, 1, 3, 3);
        // A 2x2 kernel of ones sums each 2x2 window of 1..9: 12, 16, 24, 28; the bias subtracts 14.
        b.output(b.relu(b.conv(x, FloatTensor.filled(1, 1, 1, 2, 2), FloatTensor.vector(-14), ConvOptions.DEFAULT)));
        FloatTensor y = runOnly(b.build(), t(new long[] {1, 1, 3, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9));
        assertArrayEquals(new long[] {1, 1, 2, 2}, y.shape());
        assertArrayEquals(new float[] {0, 2, 10, 14}, y.data(), EPS);
    }

    @Test
    void stridedPaddedGroupedConvHasTheOnnxOutputShape() {
        GraphBuilder b = GraphBuilder.create("conv");
        String x = b.input("x", 2, 4, 9, 9);
        b.output(b.conv(x, FloatTensor.filled(1, 6, 2, 3, 3), null, ConvOptions.of(2, 1).withGroup(2)));
        // floor((9 + 2*1 - 3) / 2) + 1 = 5
        assertArrayEquals(new long[] {2, 6, 5, 5}, runOnly(b.build(), FloatTensor.filled(1, 2, 4, 9, 9)).shape());
    }

    @Test
    void batchNormUsesRunningStatistics() {
        GraphBuilder b = GraphBuilder.create("bn");
        String x = b.input("x", 1, 1, 1, 1);
        b.output(b.batchNorm(x, FloatTensor.vector(3), FloatTensor.vector(0.5f), FloatTensor.vector(1),
                FloatTensor.vector(3), 1f));
        // 3 * (2 - 1) / sqrt(3 + 1) + 0.5 = 2
        assertArrayEquals(new float[] {2}, runOnly(b.build(), t(new long[] {1, 1, 1, 1}, 2)).data(), EPS);
    }

    @Test
    void gemmWithTransposedWeightsAddsBias() {
        GraphBuilder b = GraphBuilder.create("gemm");
        String x = b.input("x", -1, 2);
        b.output(b.gemm(x, t(new long[] {3, 2}, 1, 0, 0, 1, 1, 1), FloatTensor.vector(0.5f, 0.5f, 0.5f), true));
        assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f}, runOnly(b.build(), t(new long[] {1, 2}, 1, 2)).data(), EPS);
    }

    @Test
    void matMulAndConstantAddMatchHandComputedValues() {
        GraphBuilder b = GraphBuilder.create("mm");
        String x = b.input("x", -1, 2);
        b.output(b.add(b.matMul(x, t(new long[] {2, 2}, 1, 2, 3, 4)), FloatTensor.vector(10, 20)));
        // [1, 1] x [[1, 2], [3, 4]] = [4, 6]
        assertArrayEquals(new float[] {14, 26}, runOnly(b.build(), t(new long[] {1, 2}, 1, 1)).data(), EPS);
    }

    @Test
    void activationsMatchTheirDefinitions() {
        GraphBuilder b = GraphBuilder.create("act");
        String x = b.input("x", 3);
        b.output(b.silu(x), "silu");
        b.output(b.clip(x, 0, 1), "clip");
        b.output(b.sigmoid(x), "sigmoid");
        Map<String, FloatTensor> out = OrtTestSupport.run(b.build(), FloatTensor.vector(-1, 0, 2),
                OptimizationLevel.DISABLED);
        double s1 = 1 / (1 + Math.exp(1));
        double s2 = 1 / (1 + Math.exp(-2));
        assertArrayEquals(new float[] {(float) -s1, 0, (float) (2 * s2)}, out.get("silu").data(), EPS);
        assertArrayEquals(new float[] {0, 0, 1}, out.get("clip").data(), EPS);
        assertArrayEquals(new float[] {(float) s1, 0.5f, (float) s2}, out.get("sigmoid").data(), EPS);
    }

    @Test
    void poolingMatchesHandComputedValues() {
        float[] ramp = new float[16];
        for (int i = 0; i < 16; i++) {
            ramp[i] = i;
        }
        GraphBuilder b = GraphBuilder.create("pool");
        String x = b.input("x", 1, 1, 4, 4);
        b.output(b.maxPool(x, 2, 2, 0), "max");
        b.output(b.averagePool(x, 2, 2, 0), "avg");
        b.output(b.flatten(b.globalAveragePool(x), 1), "gap");
        Map<String, FloatTensor> out = OrtTestSupport.run(b.build(), t(new long[] {1, 1, 4, 4}, ramp),
                OptimizationLevel.DISABLED);
        assertArrayEquals(new float[] {5, 7, 13, 15}, out.get("max").data(), EPS);
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, out.get("avg").data(), EPS);
        assertArrayEquals(new long[] {1, 1}, out.get("gap").shape());
        assertArrayEquals(new float[] {7.5f}, out.get("gap").data(), EPS);
    }

    @Test
    void shapeOpsSoftmaxAndPassThroughsBehaveAsSpecified() {
        GraphBuilder b = GraphBuilder.create("shape");
        String x = b.input("x", 1, 2);
        b.output(b.softmax(x, -1), "softmax");
        b.output(b.concat(1, x, b.identity(x), b.dropout(x, 0.5f)), "concat");
        b.output(b.reshape(x, 2, -1), "reshaped");
        Map<String, FloatTensor> out = OrtTestSupport.run(b.build(), t(new long[] {1, 2}, 0, (float) Math.log(3)),
                OptimizationLevel.DISABLED);
        assertArrayEquals(new float[] {0.25f, 0.75f}, out.get("softmax").data(), EPS);
        assertArrayEquals(new long[] {1, 6}, out.get("concat").shape());
        assertArrayEquals(new long[] {2, 1}, out.get("reshaped").shape());
    }

    @Test
    void lstmFollowsTheOnnxGateOrder() {
        GraphBuilder b = GraphBuilder.create("lstm");
        String x = b.input("x", 2, 1, 1);
        // Only the cell-candidate gate (c, the 4th of i, o, f, c) gets a bias of 1: i = f = o = 1/2, c~ = tanh(1).
        float[] bias = new float[8];
        bias[3] = 1;
        LstmOutputs o = b.lstm(x, FloatTensor.filled(0, 1, 4, 1), FloatTensor.filled(0, 1, 4, 1),
                t(new long[] {1, 8}, bias), 1);
        b.output(o.y(), "y");
        b.output(o.yH(), "h");
        b.output(o.yC(), "c");
        Map<String, FloatTensor> out = OrtTestSupport.run(b.build(), FloatTensor.filled(0, 2, 1, 1),
                OptimizationLevel.DISABLED);
        double c1 = 0.5 * Math.tanh(1);
        double c2 = 0.5 * c1 + 0.5 * Math.tanh(1);
        assertArrayEquals(new long[] {2, 1, 1, 1}, out.get("y").shape());
        assertArrayEquals(new float[] {(float) (0.5 * Math.tanh(c1)), (float) (0.5 * Math.tanh(c2))},
                out.get("y").data(), EPS);
        assertArrayEquals(new float[] {(float) (0.5 * Math.tanh(c2))}, out.get("h").data(), EPS);
        assertArrayEquals(new float[] {(float) c2}, out.get("c").data(), EPS);
    }

    @Test
    void opset11BuilderWritesOpset11Forms() {
        GraphBuilder b = GraphBuilder.create("old", 11);
        String x = b.input("x", 3);
        b.output(b.dropout(b.clip(x, -1, 1), 0.2f));
        ModelProto m = b.build();
        assertEquals(3, m.getGraph().getNode(0).getInputCount());
        assertEquals("ratio", m.getGraph().getNode(1).getAttribute(0).getName());
        assertArrayEquals(new float[] {-1, 0.5f, 1}, runOnly(m, FloatTensor.vector(-3, 0.5f, 3)).data(), EPS);
    }

    @Test
    void invalidShapesAreRejectedWithTheExpectedShape() {
        GraphBuilder b = GraphBuilder.create("bad");
        String x = b.input("x", 1, 3, 8, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.conv(x, FloatTensor.filled(1, 4, 3, 3, 3), FloatTensor.vector(1, 2), ConvOptions.DEFAULT));
        assertEquals("Conv bias must be [4], got FloatTensor[2]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.lstm(x, FloatTensor.filled(0, 1, 4, 1),
                FloatTensor.filled(0, 1, 4, 2), null, 1));
    }
}
