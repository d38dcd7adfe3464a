package org.quant4j.onnx.saturation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorOverride;
import org.quant4j.api.TensorRange;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.platform.CpuFeatures;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.Subset;
import org.quant4j.onnxruntime.saturation.DataSaturation;
import org.quant4j.onnxruntime.ArrayDataset;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.quantize.OnnxRuntimeQuantizer;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class SaturationAnalysisTest {

    private static final Logger LOG = LoggerFactory.getLogger(SaturationAnalysisTest.class);
    private static final RunnerOptions ONE_THREAD = RunnerOptions.builder().intraOpThreads(1).build();

    @TempDir
    Path dir;

    private Path quantize(Path model, String name, KernelTarget target, Dataset data, QuantizationConfig.Builder b) {
        return result(model, name, target, data, b).output();
    }

    private QuantizationResult result(Path model, String name, KernelTarget target, Dataset data,
            QuantizationConfig.Builder b) {
        try (OnnxRuntimeQuantizer q = new OnnxRuntimeQuantizer()) {
            return q.quantize(QuantizationRequest.builder().model(model).output(dir.resolve(name))
                    .config(b.kernelTarget(target).build()).calibrationData(data).batchSize(64).build());
        }
    }

    private static Dataset fashionMnist(int from, int count) {
        List<Path> missing = FashionMnist.missingFiles(FashionMnist.directory());
        Assumptions.assumeTrue(missing.isEmpty(), "Fashion-MNIST is not installed (missing " + missing
                + "); install it with 'apt-get install dataset-fashion-mnist'");
        return Subset.of(FashionMnist.test(), IntStream.range(from, from + count).toArray());
    }

    /**
     * Writes the Conv of {@link #handBuiltConvSaturatesExactlyWherePredicted}: two input channels, 1x1,
     * weights (1.0, 1.0) and (1.0, 0.0), input {@code [N, 2, 2, 2]}; with the vnni target channel 0 can
     * saturate on AVX2.
     */
    public static Path writePairConv(Path file) {
        GraphBuilder b = GraphBuilder.create("pair");
        String x = b.input("input", -1, 2, 2, 2);
        b.output(b.conv(x, new FloatTensor(new long[] {2, 2, 1, 1}, new float[] {1f, 1f, 1f, 0f}), null,
                ConvOptions.DEFAULT), "out");
        OnnxModel.of(b.build()).write(file);
        return file;
    }

    /**
     * One Conv of two input channels, 1x1: output channel 0 has weights (1.0, 1.0), channel 1 has
     * (1.0, 0.0). With the vnni target both 1.0s become 127; an input of 255 in both channels makes
     * channel 0's pair 255 * 254 = 64770: saturated. Channel 1's pair is 255 * 127: fine.
     */
    @Test
    void handBuiltConvSaturatesExactlyWherePredicted() {
        Path model = writePairConv(dir.resolve("pair.onnx"));
        // Inputs fixed to [0, 2.55]: level = value * 100. Sample 0 is all 2.55 (level 255); sample 1 all 1.0 (100).
        float[][] samples = new float[2][8];
        java.util.Arrays.fill(samples[0], 2.55f);
        java.util.Arrays.fill(samples[1], 1f);
        Dataset data = ArrayDataset.unlabelled(samples, 2, 2, 2);
        QuantizationConfig.Builder config = QuantizationConfig.builder()
                .tensorOverride("input", TensorOverride.withRange(new TensorRange(0, 2.55)));

        Path vnni = quantize(model, "vnni.onnx", KernelTarget.VNNI, data, config);
        SaturationReport weights = SaturationAnalysis.ofWeights(OnnxModel.read(vnni).graph());
        LayerSaturation conv = weights.layers().get(0);
        assertEquals(255 * 254, conv.worstPairSum());
        assertEquals(1, conv.channelsAtRisk());
        assertFalse(weights.portable());

        LayerSaturation.Observed seen = DataSaturation.onData(OnnxModel.read(vnni), data, 2, ONE_THREAD)
                .layers().get(0).observed().orElseThrow();
        // 2 samples x 4 pixels x 2 channels = 16 outputs of one pair each; only channel 0 of sample 0 saturates.
        assertEquals(16, seen.outputs());
        assertEquals(16, seen.pairs());
        assertEquals(4, seen.saturatedPairs());
        assertEquals(4, seen.affectedOutputs());

        Path portable = quantize(model, "portable.onnx", KernelTarget.PORTABLE, data, config);
        SaturationReport p = DataSaturation.onData(OnnxModel.read(portable), data, 2, ONE_THREAD);
        assertEquals(255 * 128, p.layers().get(0).worstPairSum());
        assertTrue(p.portable());
        assertEquals(0, p.layers().get(0).observed().orElseThrow().saturatedPairs());
    }

    /**
     * The emulation against the real kernel. Full-range Convs of several shapes, most of whose
     * pairs saturate with bright inputs, run on ONNX Runtime's integer kernels on this machine and,
     * as the reference, with its optimisations off (Q/DQ computed in float). With VNNI the integer
     * output is exact; on AVX2 without VNNI it is off by what the analysis predicts: pairs of input
     * channels at one kernel position, pairs across kernel positions when a group has an odd
     * number of input channels (one channel: rows pair), and nothing for a one-channel Conv, which
     * runs on the depthwise kernel. (All agreed within 0.001 on an emulated AVX2-only EPYC.)
     */
    @Test
    void emulationPredictsWhatOnnxRuntimeComputesOnThisCpu() {
        CpuFeatures cpu = CpuFeatures.host();
        Assumptions.assumeTrue(cpu.known() && cpu.arch().equals("x86-64"),
                "needs an x86-64 CPU whose features can be read; this one is " + cpu.summary());
        boolean vnni = cpu.int8AccumulatesIn32Bits();
        // {input channels, kernel height, kernel width, output channels, input size}
        int[][] cases = {{2, 1, 1, 1, 1}, {1, 3, 3, 8, 6}, {1, 2, 1, 2, 2}, {3, 3, 3, 8, 6}, {8, 3, 3, 8, 6},
            {1, 3, 3, 1, 6}};
        for (int[] c : cases) {
            int cin = c[0];
            int cout = c[3];
            int size = c[4];
            SplittableRandom r = new SplittableRandom(1);
            float[] w = new float[cout * cin * c[1] * c[2]];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (0.5 + r.nextDouble());
            }
            GraphBuilder b = GraphBuilder.create("conv");
            String x = b.input("input", -1, cin, size, size);
            b.output(b.conv(x, new FloatTensor(new long[] {cout, cin, c[1], c[2]}, w), null, ConvOptions.DEFAULT),
                    "out");
            Path model = dir.resolve("conv.onnx");
            OnnxModel.of(b.build()).write(model);
            float[] in = new float[cin * size * size];
            for (int i = 0; i < in.length; i++) {
                in[i] = r.nextDouble() < 0.8 ? 2.55f : 0.5f;
            }
            Dataset data = ArrayDataset.unlabelled(new float[][] {in}, cin, size, size);
            Path q = quantize(model, "q-" + java.util.Arrays.toString(c) + ".onnx", KernelTarget.VNNI, data,
                    QuantizationConfig.builder()
                            .tensorOverride("input", TensorOverride.withRange(new TensorRange(0, 2.55))));
            double runtime = relativeDifference(run(q, data, OptimizationLevel.ALL),
                    run(q, data, OptimizationLevel.DISABLED));
            double predicted = DataSaturation.onData(OnnxModel.read(q), data, 1, ONE_THREAD).layers().get(0)
                    .observed().orElseThrow().relativeError();
            LOG.info("Conv {} on {}: ONNX Runtime integer vs float {}, AVX2 emulation {}", java.util.Arrays.toString(c),
                    cpu.int8Kind(), runtime, predicted);
            assertEquals(vnni ? 0 : predicted, runtime, 0.01, "Conv " + java.util.Arrays.toString(c) + " on "
                    + cpu.summary());
            if (c[0] == 1 && c[3] == 1) {
                assertEquals(0, predicted, "a one-channel Conv runs on the depthwise kernel");
            } else {
                assertTrue(predicted > 0.1, "the case saturates on AVX2: " + predicted);
            }
        }
    }

    private static float[] run(Path model, Dataset data, OptimizationLevel level) {
        try (OrtRunner runner = OrtRunner.open(model, RunnerOptions.builder().intraOpThreads(1).optimization(level)
                .build())) {
            return runner.run(data.batches(1).next()).get("out").data();
        }
    }

    private static double relativeDifference(float[] actual, float[] reference) {
        double diff = 0;
        double magnitude = 0;
        for (int i = 0; i < actual.length; i++) {
            diff += Math.abs(actual[i] - reference[i]);
            magnitude += Math.abs(reference[i]);
        }
        return diff / magnitude;
    }

    /** The depthwise Conv runs on a kernel that adds in int32: never at risk, whatever its weights. */
    @Test
    void depthwiseConvolutionIsPortableEvenWithFullRangeWeights() {
        GraphBuilder b = GraphBuilder.create("dw");
        String x = b.input("input", -1, 2, 2, 2);
        b.output(b.conv(x, new FloatTensor(new long[] {2, 1, 2, 1}, new float[] {1f, 1f, -1f, -1f}), null,
                ConvOptions.DEFAULT.withGroup(2)), "out");
        Path model = dir.resolve("dw.onnx");
        OnnxModel.of(b.build()).write(model);
        Dataset data = ArrayDataset.unlabelled(new float[][] {new float[8]}, 2, 2, 2);
        Path vnni = quantize(model, "vnni.onnx", KernelTarget.VNNI, data, QuantizationConfig.builder()
                .tensorOverride("input", TensorOverride.withRange(new TensorRange(0, 2.55))));
        SaturationReport r = SaturationAnalysis.ofWeights(OnnxModel.read(vnni).graph());
        assertFalse(r.layers().get(0).pairsInInt16());
        assertTrue(r.layers().get(0).worstPairSum() > 32767, "full-range weights");
        assertEquals(0, r.layers().get(0).channelsAtRisk(), "but the depthwise kernel does not pair them");
        assertTrue(r.portable());
    }

    /** A 1-D Conv is read by its weights (kernel positions, then channels) even though data is not observed. */
    @Test
    void oneDimensionalConvIsAnalysedByItsWeights() {
        GraphBuilder b = GraphBuilder.create("conv1d");
        String x = b.input("input", -1, 2, 4);
        String w = b.initializer("W", new FloatTensor(new long[] {1, 2, 1}, new float[] {1f, 1f}));
        b.graph().addNode(org.quant4j.onnx.graph.Node.of("Conv", "Conv", List.of(x, w), List.of("out")));
        b.output("out");
        Path model = dir.resolve("conv1d.onnx");
        OnnxModel.of(b.build()).write(model);
        Dataset data = ArrayDataset.unlabelled(new float[][] {{2.55f, 2.55f, 2.55f, 2.55f, 2.55f, 2.55f, 2.55f, 2.55f}},
                2, 4);
        QuantizationConfig.Builder config = QuantizationConfig.builder()
                .tensorOverride("input", TensorOverride.withRange(new TensorRange(0, 2.55)));
        SaturationReport vnni = DataSaturation.onData(
                OnnxModel.read(quantize(model, "vnni.onnx", KernelTarget.VNNI, data, config)), data, 1, ONE_THREAD);
        assertEquals(1, vnni.layers().size());
        assertEquals(255 * 254, vnni.layers().get(0).worstPairSum(), "the two channels of one position pair");
        assertFalse(vnni.portable());
        assertTrue(vnni.layers().get(0).observed().isEmpty());
        assertTrue(SaturationAnalysis.ofWeights(OnnxModel.read(
                quantize(model, "portable.onnx", KernelTarget.PORTABLE, data, config)).graph()).portable());
    }

    /** Dynamic models are read by their int8 weights: MatMulInteger pairs along K, LSTM along its input features. */
    @Test
    void dynamicModelsAreAnalysedByTheirWeights() {
        for (var graph : List.of(ReferenceGraphs.mlp(3), ReferenceGraphs.lstm(5))) {
            Path model = dir.resolve("dynamic.onnx");
            OnnxModel.of(graph).write(model);
            for (KernelTarget target : KernelTarget.values()) {
                if (target == KernelTarget.HOST) {
                    continue;
                }
                Path out = dir.resolve("dynamic-" + target.id() + ".onnx");
                QuantizationResult r;
                try (OnnxRuntimeQuantizer q = new OnnxRuntimeQuantizer()) {
                    r = q.quantize(QuantizationRequest.builder().model(model).output(out).overwriteOutput(true)
                            .config(QuantizationConfig.builder().mode(org.quant4j.api.QuantizationMode.DYNAMIC)
                                    .kernelTarget(target).build()).build());
                }
                SaturationReport report = SaturationAnalysis.ofWeights(OnnxModel.read(out).graph());
                assertFalse(report.layers().isEmpty(), graph.getGraph().getName());
                assertTrue(report.layers().stream().allMatch(l -> l.opType().equals("MatMulInteger")
                        || l.opType().equals("DynamicQuantizeLSTM")), report.toString());
                assertEquals(target == KernelTarget.PORTABLE, report.portable(), target + " " + report);
                assertEquals(target == KernelTarget.PORTABLE, r.warnings().isEmpty(), r.warnings().toString());
            }
        }
    }

    /**
     * The small CNN on Fashion-MNIST: with full-range weights its Convs and Gemm are at risk and
     * saturate on real images; the portable model cannot saturate anywhere.
     */
    @Test
    void fullRangeSmallCnnSaturatesOnFashionMnistAndThePortableOneCannot() {
        Path model = dir.resolve("cnn.onnx");
        OnnxModel.of(ReferenceGraphs.smallCnn(7)).write(model);
        Dataset calibration = fashionMnist(0, 256);
        Dataset heldOut = fashionMnist(5000, 32);
        QuantizationResult vnniResult = result(model, "vnni.onnx", KernelTarget.VNNI, calibration,
                QuantizationConfig.builder());
        QuantizationResult portableResult = result(model, "portable.onnx", KernelTarget.PORTABLE, calibration,
                QuantizationConfig.builder());
        Path vnni = vnniResult.output();
        Path portable = portableResult.output();
        // The quantizer says so itself: a warning for the vnni model, none for the portable one.
        assertEquals(1, vnniResult.warnings().size(), vnniResult.warnings().toString());
        assertTrue(vnniResult.warnings().get(0).startsWith("3 of 3 integer layers can saturate"),
                vnniResult.warnings().get(0));
        assertTrue(vnniResult.warnings().get(0).contains("on 16 calibration samples"), vnniResult.warnings().get(0));
        assertEquals(List.of(), portableResult.warnings());

        SaturationReport full = DataSaturation.onData(OnnxModel.read(vnni), heldOut, 32, ONE_THREAD);
        SaturationReport seven = DataSaturation.onData(OnnxModel.read(portable), heldOut, 32, ONE_THREAD);
        for (LayerSaturation l : full.layers()) {
            LayerSaturation.Observed o = l.observed().orElseThrow();
            LOG.info("vnni {} {}: worst pair {}, {}/{} channels at risk, {} of {} pairs saturated ({} of outputs)",
                    l.opType(), l.node(), l.worstPairSum(), l.channelsAtRisk(), l.channels(), o.saturatedPairs(),
                    o.pairs(), String.format("%.4f", o.affectedOutputRate()));
        }
        assertEquals(32, full.samples());
        assertFalse(full.portable());
        assertFalse(full.saturatedOnData().isEmpty(), "full-range weights saturate on real images");
        assertTrue(seven.portable());
        assertTrue(seven.saturatedOnData().isEmpty());
        assertEquals(full.layers().size(), seven.layers().size());
    }
}
