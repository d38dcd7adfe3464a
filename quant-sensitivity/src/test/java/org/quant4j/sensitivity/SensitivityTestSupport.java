package org.quant4j.sensitivity;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.junit.jupiter.api.Assumptions;
import org.quant4j.api.data.Dataset;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.Subset;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.HeInitializer;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.OnnxModel;

/** Models and data of the sensitivity tests. */
final class SensitivityTestSupport {

    /** Name of the layer {@link #brokenGemmModel} breaks. */
    static final String BROKEN = "classifier";

    private SensitivityTestSupport() {
    }

    /** Fashion-MNIST test images {@code from .. from + count}, skipping the test when the data is missing. */
    static Dataset fashionMnist(int from, int count) {
        List<Path> missing = FashionMnist.missingFiles(FashionMnist.directory());
        Assumptions.assumeTrue(missing.isEmpty(), "Fashion-MNIST is not installed (missing " + missing
                + "); install it with 'apt-get install dataset-fashion-mnist' or set -D"
                + FashionMnist.DIRECTORY_PROPERTY);
        return Subset.of(FashionMnist.test(), IntStream.range(from, from + count).toArray());
    }

    /**
     * A CNN for {@code [N, 1, 28, 28]} whose classifier (the Gemm named {@value #BROKEN}) breaks in
     * INT8 while the float model is unaffected: the second conv's channel 7 has bias -1000, so after
     * its Relu it is always 0, and the classifier's weight for that feature is 500 for every class. In
     * float it multiplies zero; in INT8 it sets each class's per-channel weight scale to 500/127,
     * which rounds every other weight to zero, so that the logits lose their input.
     */
    static Path brokenGemmModel(Path dir) {
        HeInitializer init = new HeInitializer(7);
        GraphBuilder b = GraphBuilder.create("broken_gemm");
        String x = b.input("input", -1, 1, 28, 28);
        String c1 = b.relu(b.conv(x, init.convWeights(8, 1, 3, 3), init.uniform(-0.1f, 0.1f, 8), ConvOptions.of(1, 1)));
        float[] bias2 = init.uniform(-0.1f, 0.1f, 8).data();
        bias2[7] = -1000f;
        String c2 = b.relu(b.conv(c1, init.convWeights(8, 8, 3, 3), new FloatTensor(new long[] {8}, bias2),
                ConvOptions.of(1, 1)));
        String pooled = b.flatten(b.globalAveragePool(c2), 1);
        float[] w = init.denseWeights(10, 8).data();
        for (int k = 0; k < 10; k++) {
            w[k * 8 + 7] = 500f;
        }
        String logits = b.gemm(pooled, new FloatTensor(new long[] {10, 8}, w), init.uniform(-0.1f, 0.1f, 10), true);
        b.output(logits, "logits");
        ModelProto proto = b.build();
        ModelProto.Builder m = proto.toBuilder();
        for (int i = 0; i < m.getGraph().getNodeCount(); i++) {
            if (m.getGraph().getNode(i).getOpType().equals("Gemm")) {
                m.getGraphBuilder().setNode(i, m.getGraph().getNode(i).toBuilder().setName(BROKEN));
            }
        }
        Path file = dir.resolve("broken-gemm.onnx");
        OnnxModel.of(m.build()).write(file);
        return file;
    }
}
