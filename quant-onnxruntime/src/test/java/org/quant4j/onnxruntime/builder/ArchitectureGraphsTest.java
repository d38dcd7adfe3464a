package org.quant4j.onnx.builder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

class ArchitectureGraphsTest {

    private static float[] logitsOf(ModelProto proto) {
        float[] image = new float[3 * 224 * 224];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) random.nextDouble();
        }
        try (OrtRunner runner = OrtRunner.open(OnnxModel.of(proto), RunnerOptions.defaults())) {
            FloatTensor out = runner.run(Map.of(ReferenceGraphs.INPUT, new FloatTensor(new long[] {1, 3, 224, 224},
                    image))).get(ReferenceGraphs.OUTPUT);
            assertArrayEquals(new long[] {1, 1000}, out.shape());
            float[] v = out.data();
            for (float f : v) {
                assertTrue(Float.isFinite(f), "non-finite logit");
            }
            return v;
        }
    }

    @Test
    void resNet50RunsOn224ImagesTo1000Classes() {
        logitsOf(ArchitectureGraphs.resNet50(1));
    }

    @Test
    void efficientNetB0RunsOn224ImagesTo1000Classes() {
        logitsOf(ArchitectureGraphs.efficientNetB0(1));
    }

    @Test
    void sameSeedGivesTheSameModelAndAnotherSeedAnother() {
        assertEquals(ArchitectureGraphs.efficientNetB0(5), ArchitectureGraphs.efficientNetB0(5));
        assertTrue(!ArchitectureGraphs.efficientNetB0(5).equals(ArchitectureGraphs.efficientNetB0(6)));
    }

    @Test
    void graphsHaveTheirLayerCounts() {
        assertEquals(53, count(ArchitectureGraphs.resNet50(1), "Conv"));
        assertEquals(20, count(ArchitectureGraphs.resNet18(1), "Conv"));
        ModelProto vgg = ArchitectureGraphs.vgg16(1);
        assertEquals(13, count(vgg, "Conv"));
        assertEquals(3, count(vgg, "Gemm"));
        ModelProto efficientNet = ArchitectureGraphs.efficientNetB0(1);
        // 16 MBConv blocks: 16 depthwise, 15 expansions, 16 projections, 32 SE convolutions, stem and head.
        assertEquals(81, count(efficientNet, "Conv"));
        assertEquals(9, count(efficientNet, "Add"));
    }

    private static long count(ModelProto proto, String op) {
        return proto.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(op)).count();
    }
}
