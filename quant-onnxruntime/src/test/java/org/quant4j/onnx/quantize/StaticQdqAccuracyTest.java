package org.quant4j.onnx.quantize;

import org.quant4j.onnxruntime.quantize.QuantizationTestSupport;
import org.quant4j.calibration.data.UniformNoiseDataset;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.onnxruntime.quantize.QuantizationTestSupport.assertCount;
import static org.quant4j.onnxruntime.quantize.QuantizationTestSupport.optimizedOps;
import static org.quant4j.onnxruntime.quantize.QuantizationTestSupport.quantize;
import static org.quant4j.onnxruntime.quantize.QuantizationTestSupport.sqnr;
import static org.quant4j.onnxruntime.quantize.QuantizationTestSupport.write;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;
import org.quant4j.onnxruntime.runtime.OptimizedOps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accuracy of static QDQ quantization, as the signal-to-quantization-noise ratio of the model
 * outputs against the float model on held-out samples (never the calibration samples).
 */
class StaticQdqAccuracyTest {

    private static final Logger LOG = LoggerFactory.getLogger(StaticQdqAccuracyTest.class);

    @TempDir
    Path dir;

    /**
     * Every calibrator but entropy keeps the logits above 20 dB. Entropy (KL divergence) is reported
     * only: on Fashion-MNIST's black background the first Conv writes its bias, a constant, into
     * about a third of the outputs of five of its channels, and the KL threshold of that Relu output
     * settles just above the largest such spike (about 0.15 against a maximum near 2), clipping the
     * informative values.
     */
    @Test
    void smallCnnKeepsItsLogitsAbove20DbWithEveryCalibratorButEntropy() {
        Dataset calibration = QuantizationTestSupport.fashionMnist(0, 256);
        Dataset heldOut = QuantizationTestSupport.fashionMnist(5000, 512);
        Path model = write(ReferenceGraphs.smallCnn(7), dir.resolve("cnn.onnx"));
        Map<String, Double> table = new LinkedHashMap<>();
        for (CalibrationMethod method : CalibrationMethod.builtIns()) {
            for (boolean perChannel : new boolean[] {true, false}) {
                QuantizationConfig config = QuantizationConfig.builder().calibrationMethod(method)
                        .perChannel(perChannel).build();
                Path out = dir.resolve(method.id() + "-" + perChannel + ".onnx");
                quantize(model, out, config, calibration);
                table.put(method.id() + (perChannel ? " per-channel" : " per-tensor"), sqnr(model, out, heldOut));
            }
        }
        StringBuilder report = new StringBuilder("smallCnn logits SQNR on 512 held-out Fashion-MNIST images"
                + " (calibrated on 256 others), uint8 activations:");
        table.forEach((k, v) -> report.append(String.format(java.util.Locale.ROOT, "%n  %-32s %6.2f dB", k, v)));
        LOG.info("{}", report);
        // Portable weights (7-bit where ONNX Runtime pairs products in int16) keep this on every CPU kind.
        assertTrue(table.get("minmax per-channel") >= 30, report.toString());
        assertTrue(table.get("minmax per-tensor") >= 30, report.toString());
        table.entrySet().stream().filter(e -> !e.getKey().startsWith("entropy"))
                .forEach(e -> assertTrue(e.getValue() >= 20, e.getKey() + ": " + e.getValue() + " dB"));
    }

    /**
     * A depthwise Conv whose second channel reads values 100 times smaller and has weights 100
     * times larger, as BatchNormalization folding produces for a channel of small variance. Both
     * output channels have the same scale. One per-tensor weight scale is set by the large weights,
     * which leaves the small weights of the first channel about one integer level; per channel each
     * keeps 127 levels. The inputs are multiples of 1/255 in [0, 1], so the uint8 input quantization
     * is exact and only the weights decide.
     */
    @Test
    void perChannelWeightsBeatPerTensorWhenChannelScalesDiffer100Times() {
        GraphBuilder b = GraphBuilder.create("depthwise");
        String x = b.input("input", -1, 2, 8, 8);
        float[] w = new float[18];
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 18; i++) {
            w[i] = (float) ((2 * r.nextDouble() - 1) * (i < 9 ? 0.8 : 80));
        }
        b.output(b.conv(x, new FloatTensor(new long[] {2, 1, 3, 3}, w), null, ConvOptions.of(1, 1).withGroup(2)),
                "out");
        Path model = write(b.build(), dir.resolve("depthwise.onnx"));
        Dataset calibration = new GridLevels(256, 1);
        Dataset heldOut = new GridLevels(256, 2);
        Map<Boolean, Double> sqnr = new LinkedHashMap<>();
        for (boolean perChannel : new boolean[] {true, false}) {
            Path out = dir.resolve("depthwise-" + perChannel + ".onnx");
            quantize(model, out, QuantizationConfig.builder().perChannel(perChannel).build(), calibration);
            sqnr.put(perChannel, sqnr(model, out, heldOut));
        }
        LOG.info(String.format(java.util.Locale.ROOT, "Depthwise Conv with channel scales 100x apart: SQNR per-channel"
                + " %.2f dB, per-tensor %.2f dB", sqnr.get(true), sqnr.get(false)));
        assertTrue(sqnr.get(true) >= sqnr.get(false) + 15, sqnr.toString());
        assertTrue(sqnr.get(true) >= 30, sqnr.toString());
    }

    @Test
    void resNet18RunsEveryConvAsQLinearConv() {
        Path model = write(ReferenceGraphs.resNet18(5, 10, 32), dir.resolve("resnet18.onnx"));
        Path out = dir.resolve("resnet18-int8.onnx");
        Dataset calibration = new UniformNoiseDataset(64, new int[] {3, 32, 32}, 1, 0f, 1f);
        quantize(model, out, QuantizationConfig.builder().build(), calibration);
        OptimizedOps ops = optimizedOps(out, OptimizationLevel.EXTENDED);
        double db = sqnr(model, out, new UniformNoiseDataset(64, new int[] {3, 32, 32}, 2, 0f, 1f));
        LOG.info(String.format(java.util.Locale.ROOT, "ResNet-18 (32x32, 10 classes, random weights), ONNX Runtime"
                + " EXTENDED: %s; logits SQNR %.2f dB on 64 held-out random images", ops.counts(), db));
        assertCount(ops, 20, "QLinearConv");
        assertCount(ops, 0, "Conv", "FusedConv");
        assertCount(ops, 1, "QGemm");
        assertCount(ops, 8, "QLinearAdd");
        assertCount(ops, 1, "MaxPool");
        assertCount(ops, 1, "DequantizeLinear");
        assertTrue(db >= 15, db + " dB");
    }

    /**
     * Two-channel images whose values are multiples of 1/255: the first channel spans [0, 1] (and
     * reaches both ends), the second only [0, 2/255].
     */
    private record GridLevels(int size, long seed) implements Dataset {

        @Override
        public int[] sampleShape() {
            return new int[] {2, 8, 8};
        }

        @Override
        public int numClasses() {
            return 0;
        }

        @Override
        public void read(int index, float[] dest, int offset) {
            SplittableRandom r = new SplittableRandom(seed * 7919 + index);
            for (int i = 0; i < 64; i++) {
                dest[offset + i] = i == 0 ? 1f : r.nextInt(256) / 255f;
                dest[offset + 64 + i] = r.nextInt(3) / 255f;
            }
        }

        @Override
        public int label(int index) {
            return -1;
        }

        @Override
        public String fingerprint() {
            return "grid-levels-" + size + "-" + seed;
        }
    }
}
