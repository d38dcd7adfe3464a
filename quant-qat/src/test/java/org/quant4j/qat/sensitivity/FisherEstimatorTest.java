package org.quant4j.qat.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.calibration.ModelCalibrator;
import org.quant4j.api.calibration.ModelCalibrators;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.Subset;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.HeInitializer;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.quantize.ApiTensorCalibration;
import org.quant4j.onnx.quantize.TensorCalibration;
import org.quant4j.sensitivity.LayerSensitivity;
import org.quant4j.sensitivity.SensitivityAnalysis;
import org.quant4j.sensitivity.SensitivityRequest;
import org.quant4j.sensitivity.SensitivityResult;
import org.quant4j.sensitivity.gradient.GradientEstimate;
import org.quant4j.sensitivity.gradient.GradientEstimator;
import org.quant4j.sensitivity.gradient.GradientEstimators;
import org.quant4j.sensitivity.gradient.GradientObjective;
import org.quant4j.sensitivity.gradient.GradientRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class FisherEstimatorTest {

    private static final Logger LOG = LoggerFactory.getLogger(FisherEstimatorTest.class);

    /** Full 8-bit weights: each channel's scale is its largest magnitude over 127. */
    private static final QuantizationConfig VNNI = QuantizationConfig.builder().mode(QuantizationMode.STATIC)
            .perChannel(true).calibrationMethod(CalibrationMethod.MIN_MAX).kernelTarget(KernelTarget.VNNI).build();
    /** Portable weights: each channel's scale is at least its largest same-sign pair sum over 127. */
    private static final QuantizationConfig PORTABLE = VNNI.toBuilder().kernelTarget(KernelTarget.PORTABLE).build();

    /** y = W x + b, W [3, 4]; five labelled samples of four features. */
    private static final float[] W = {0.5f, -1.2f, 0.3f, 0.8f, -0.7f, 0.2f, 1.5f, -0.1f, 0.9f, 0.4f, -0.6f, 0.05f};
    private static final float[] B = {0.1f, -0.2f, 0.05f};
    private static final float[][] X = {{1, 0.5f, -0.3f, 2}, {-1, 1, 0.2f, 0.1f}, {0.3f, -0.8f, 1.1f, -0.5f},
        {2, 0.1f, 0.4f, 0.7f}, {-0.6f, -1.5f, 0.9f, 1.2f}};
    private static final int[] LABELS = {0, 2, 1, 0, 2};

    @TempDir
    Path dir;

    @Test
    void linearModelMatchesTheHandComputedFisher() {
        OnnxModel model = linearModel();
        Dataset data = new ArrayDataset(X, LABELS, 3);
        String gemm = Graph.of(model).nodes().get(0).name();
        // Output channels are the rows of W (transB = 1). VNNI: the largest magnitude of each row.
        double[] vnni = {1.2, 1.5, 0.9};
        // Portable: at least the largest sum of same-sign weights in a pair (0, 1), (2, 3) of the
        // row: row 2 [0.9, 0.4, -0.6, 0.05] has 0.9 + 0.4 = 1.3.
        double[] portable = {1.2, 1.5, 1.3};
        assertEquals(hand(vnni, false), estimate(model, data, gemm, GradientObjective.CROSS_ENTROPY, VNNI),
                hand(vnni, false) * 1e-4);
        assertEquals(hand(portable, false), estimate(model, data, gemm, GradientObjective.CROSS_ENTROPY, PORTABLE),
                hand(portable, false) * 1e-4);
        assertEquals(hand(vnni, true), estimate(model, data, gemm, GradientObjective.MSE_TO_FLOAT, VNNI),
                hand(vnni, true) * 1e-4);
    }

    @Test
    void klObjectiveAveragesToTheTrueFisher() {
        // Labels drawn from the model's softmax p: E[(p_k - [y = k])^2] = p_k (1 - p_k), so the
        // sampled estimate converges to the true Fisher; 400 draws per sample, 2,000 in all.
        int repeats = 400;
        float[][] x = new float[X.length * repeats][];
        for (int i = 0; i < x.length; i++) {
            x[i] = X[i % X.length];
        }
        OnnxModel model = linearModel();
        String gemm = Graph.of(model).nodes().get(0).name();
        double[] vnni = {1.2, 1.5, 0.9};
        double expected = 0;
        for (float[] sample : X) {
            double[] p = softmax(sample);
            for (int k = 0; k < 3; k++) {
                double delta = vnni[k] / 127;
                for (int j = 0; j < 4; j++) {
                    expected += p[k] * (1 - p[k]) * sample[j] * sample[j] * delta * delta / 12;
                }
            }
        }
        expected = 0.5 * expected / X.length;
        GradientEstimate g = estimate(model, new ArrayDataset(x, new int[x.length], 0), List.of(gemm),
                GradientObjective.KL_TO_FLOAT, VNNI);
        double kl = g.of(gemm).orElseThrow();
        LOG.info("KL Fisher estimate {} against the true Fisher {}", kl, expected);
        assertEquals(expected, kl, 0.08 * expected);
    }

    private static double[] softmax(float[] sample) {
        double[] z = new double[3];
        double sum = 0;
        for (int k = 0; k < 3; k++) {
            z[k] = B[k];
            for (int j = 0; j < 4; j++) {
                z[k] += W[k * 4 + j] * sample[j];
            }
        }
        double max = Math.max(z[0], Math.max(z[1], z[2]));
        for (int k = 0; k < 3; k++) {
            z[k] = Math.exp(z[k] - max);
            sum += z[k];
        }
        for (int k = 0; k < 3; k++) {
            z[k] /= sum;
        }
        return z;
    }

    /**
     * {@code 1/2 mean_i sum_kj (dL_i/dW_kj)^2 delta_k^2 / 12}, {@code delta_k = amax_k / 127}: for
     * cross-entropy {@code dL/dW_kj = (p_k - y_k) x_j}; for the output MSE's random-sign projection
     * {@code d(v'y)/dW_kj = v_k x_j}, whose square is {@code x_j^2} whatever the signs.
     */
    private static double hand(double[] amax, boolean outputMse) {
        double total = 0;
        for (int i = 0; i < X.length; i++) {
            double[] p = softmax(X[i]);
            for (int k = 0; k < 3; k++) {
                double r = outputMse ? 1 : p[k] - (LABELS[i] == k ? 1 : 0);
                double delta = amax[k] / 127;
                for (int j = 0; j < 4; j++) {
                    total += r * r * X[i][j] * X[i][j] * delta * delta / 12;
                }
            }
        }
        return 0.5 * total / X.length;
    }

    private static double estimate(OnnxModel model, Dataset data, String layer, GradientObjective objective,
            QuantizationConfig config) {
        GradientEstimate g = estimate(model, data, List.of(layer), objective, config);
        assertTrue(g.unsupported().isEmpty(), g.toString());
        assertEquals(X.length, g.samples());
        LOG.info("{} Fisher estimate ({}, {}): {}", layer, objective, config.kernelTarget(), g.of(layer));
        return g.of(layer).orElseThrow();
    }

    @Test
    void modelWithAnOpTheSimulationLacksGetsTheReason() {
        GraphBuilder b = GraphBuilder.create("softmax_head");
        String x = b.input("input", -1, 4);
        b.output(b.softmax(b.gemm(x, new FloatTensor(new long[] {3, 4}, W), new FloatTensor(new long[] {3}, B), true),
                1), "probabilities");
        OnnxModel model = OnnxModel.of(b.build());
        String gemm = Graph.of(model).nodes().get(0).name();
        GradientEstimate g = estimate(model, new ArrayDataset(X, LABELS, 3), List.of(gemm),
                GradientObjective.KL_TO_FLOAT, VNNI);
        assertTrue(g.perLayer().isEmpty());
        assertTrue(g.unsupported().orElseThrow().contains("Softmax"), g.toString());
    }

    @Test
    void brokenLayerRanksFirstByTheEstimateAndByOneOn() {
        List<Path> missing = FashionMnist.missingFiles(FashionMnist.directory());
        Assumptions.assumeTrue(missing.isEmpty(), "Fashion-MNIST is not installed (missing " + missing + ")");
        Path file = dir.resolve("broken-conv.onnx");
        OnnxModel.of(brokenConvModel()).write(file);
        Graph graph = OnnxModel.read(file).graph();
        String broken = graph.nodes().stream().filter(n -> n.is("Conv")).skip(1).findFirst().map(Node::name)
                .orElseThrow();
        Dataset test = FashionMnist.test();
        SensitivityResult r = SensitivityAnalysis.run(SensitivityRequest.builder().model(file)
                .calibration(Subset.of(FashionMnist.train(), IntStream.range(0, 64).toArray()))
                .evaluation(Subset.of(test, IntStream.range(1000, 1300).toArray()))
                .metric(SensitivityRequest.Metric.NOISE).tolerance(0.02).firstStage(100).oneOff(false)
                .tensorErrors(false).gradientEstimator("fisher").gradientSamples(64).threads(1).build());
        StringBuilder table = new StringBuilder();
        for (LayerSensitivity l : r.layers()) {
            table.append(String.format(Locale.ROOT, "%n%-10s %-5s one-on %s gradient %.3g", l.node(), l.opType(),
                    l.oneOn().map(s -> s.drop().toString()).orElse("-"), l.gradient().orElse(Double.NaN)));
        }
        LOG.info("Broken conv model:{}", table);
        assertEquals(broken, r.layers().get(0).node(), "one-on ranks the broken conv first:" + table);
        LayerSensitivity top = r.layers().stream().filter(l -> l.gradient().isPresent())
                .max(java.util.Comparator.comparingDouble(l -> l.gradient().getAsDouble())).orElseThrow();
        assertEquals(broken, top.node(), "the Fisher estimate ranks the broken conv first:" + table);
        GradientEstimate g = r.gradient().orElseThrow();
        assertEquals(GradientObjective.MSE_TO_FLOAT, g.objective());
        assertEquals(64, g.samples());
        assertTrue(r.correlations().containsKey(SensitivityResult.ONE_ON_GRADIENT), r.correlations().toString());
    }

    private static GradientEstimate estimate(OnnxModel model, Dataset data, List<String> layers,
            GradientObjective objective, QuantizationConfig config) {
        try (ModelCalibrator calibrator = ModelCalibrators.get("onnxruntime");
                GradientEstimator estimator = GradientEstimators.get("fisher")) {
            TensorCalibration calibration = new ApiTensorCalibration(calibrator, config, data, data.size(), 1,
                    ProgressListener.NONE);
            return estimator.estimate(new GradientRequest(model, config, calibration, data, layers, objective, 5, 1));
        }
    }

    private static OnnxModel linearModel() {
        GraphBuilder b = GraphBuilder.create("linear");
        String x = b.input("input", -1, 4);
        b.output(b.gemm(x, new FloatTensor(new long[] {3, 4}, W), new FloatTensor(new long[] {3}, B), true), "logits");
        return OnnxModel.of(b.build());
    }

    /**
     * A CNN for {@code [N, 1, 28, 28]} whose second conv breaks in INT8: the first conv's channel 7
     * has bias -1000, so after its Relu it is always 0, and the second conv's weight on that channel
     * is 40 at every position of every output channel. In float it multiplies zero; in INT8 it sets
     * each output channel's scale to 40/127, which rounds most other weights of the conv to zero.
     */
    private static ai.onnx.proto.OnnxMl.ModelProto brokenConvModel() {
        HeInitializer init = new HeInitializer(11);
        GraphBuilder b = GraphBuilder.create("broken_conv");
        String x = b.input("input", -1, 1, 28, 28);
        float[] bias1 = init.uniform(-0.1f, 0.1f, 8).data();
        bias1[7] = -1000f;
        String c1 = b.relu(b.conv(x, init.convWeights(8, 1, 3, 3), new FloatTensor(new long[] {8}, bias1),
                ConvOptions.of(1, 1)));
        float[] w2 = init.convWeights(8, 8, 3, 3).data();
        for (int o = 0; o < 8; o++) {
            for (int p = 0; p < 9; p++) {
                w2[(o * 8 + 7) * 9 + p] = 40f;
            }
        }
        String c2 = b.relu(b.conv(c1, new FloatTensor(new long[] {8, 8, 3, 3}, w2), init.uniform(-0.1f, 0.1f, 8),
                ConvOptions.of(1, 1)));
        String c3 = b.relu(b.conv(c2, init.convWeights(8, 8, 3, 3), init.uniform(-0.1f, 0.1f, 8),
                ConvOptions.of(1, 1)));
        String pooled = b.flatten(b.globalAveragePool(c3), 1);
        b.output(b.gemm(pooled, init.denseWeights(10, 8), init.uniform(-0.1f, 0.1f, 10), true), "logits");
        return b.build();
    }

    /** Samples held in memory. */
    private record ArrayDataset(float[][] samples, int[] labels, int numClasses) implements Dataset {
        @Override
        public int size() {
            return samples.length;
        }

        @Override
        public int[] sampleShape() {
            return new int[] {samples[0].length};
        }

        @Override
        public void read(int index, float[] dest, int offset) {
            System.arraycopy(samples[index], 0, dest, offset, samples[index].length);
        }

        @Override
        public int label(int index) {
            return labels[index];
        }

        @Override
        public String fingerprint() {
            return "array-" + samples.length;
        }
    }
}
