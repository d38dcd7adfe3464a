package org.quant4j.qat.simulate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quant4j.api.QuantParams;
import org.quant4j.api.QuantScheme;
import org.quant4j.onnx.quantize.Int16Pairing;
import org.quant4j.api.TensorRange;
import org.quant4j.qat.train.TorchRuntime;

class FakeQuantTest {

    private static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = TorchRuntime.engine(1).newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void activationRoundsThenAddsTheZeroPointThenSaturates() {
        QuantParams p = new QuantParams(new float[] {0.5f}, new int[] {10}, QuantScheme.UINT8_ASYMMETRIC);
        NDArray x = manager.create(new float[] {-6f, 0.26f, 1.0f, 0.75f, 200f});
        // -6/0.5 = -12, +10 = -2 -> 0 -> (0-10)*0.5 = -5; 0.52 -> 1 -> 11 -> 0.5; 2 -> 12 -> 1.0;
        // 1.5 -> 2 (half to even) -> 1.0; 400 + 10 -> 255 -> 122.5
        assertArrayEquals(new float[] {-5f, 0.5f, 1.0f, 1.0f, 122.5f}, FakeQuant.activation(x, p).toFloatArray());
    }

    @Test
    void straightThroughEstimatorPassesTheGradientUnchanged() {
        QuantParams p = new QuantParams(new float[] {0.1f}, new int[] {0}, QuantScheme.INT8_SYMMETRIC);
        NDArray x = manager.create(new float[] {0.04f, 0.26f, -3f, 100f});
        x.setRequiresGradient(true);
        try (GradientCollector c = Engine.getEngine(TorchRuntime.ENGINE).newGradientCollector()) {
            NDArray y = FakeQuant.activation(x, p).mul(manager.create(new float[] {1, 2, 3, 4}));
            c.backward(y.sum());
        }
        // y = w * fq(x) with gradient dy/dx = w: rounding and saturation are invisible to the backward pass.
        assertArrayEquals(new float[] {1, 2, 3, 4}, x.getGradient().toFloatArray());
    }

    @Test
    void weightsGetOneSymmetricScalePerChannel() {
        NDArray w = manager.create(new float[] {1f, -0.5f, 0.25f, 0.011f, 0.02f, -0.005f, 0f, 0f, 0f}, new Shape(3, 3));
        float[] q = FakeQuant.weight(w, 0, QuantScheme.int8WeightsPerChannel(0)).toFloatArray();
        float s0 = 1f / 127;
        float s1 = 0.02f / 127;
        // -0.5 / (1/127) = -63.5 rounds half to even to -64; 0.25 * 127 = 31.75 -> 32; 0.011 / (0.02/127) = 69.85 -> 70
        assertEquals(1f, q[0], 1e-6);
        assertEquals(-64 * s0, q[1], 1e-6);
        assertEquals(32 * s0, q[2], 1e-6);
        assertEquals(70 * s1, q[3], 1e-8);
        assertEquals(0.02f, q[4], 1e-8);
        assertEquals(-32 * s1, q[5], 1e-8);
        // An all-zero channel stays zero (scale 1, as QuantParams gives it).
        assertArrayEquals(new float[] {0, 0, 0}, new float[] {q[6], q[7], q[8]});
    }

    @Test
    void perChannelAlongAnotherAxisUsesThatAxis() {
        // Columns are the channels: column 0 spans 1.0, column 1 spans 0.1.
        NDArray w = manager.create(new float[] {1f, 0.1f, 0.3f, 0.03f}, new Shape(2, 2));
        float[] q = FakeQuant.weight(w, 1, QuantScheme.int8WeightsPerChannel(1)).toFloatArray();
        assertEquals(Math.round(0.3f * 127) / 127f, q[2], 1e-6);
        assertEquals(Math.round(0.03f / (0.1f / 127)) * (0.1f / 127), q[3], 1e-7);
    }

    @Test
    void weightsQuantizeAsQuantParamsForChannelsSays() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        int channels = 4;
        int per = 18;
        float[] w = new float[channels * per];
        double[] mins = new double[channels];
        double[] maxs = new double[channels];
        for (int c = 0; c < channels; c++) {
            double spread = Math.pow(10, -c);
            for (int i = 0; i < per; i++) {
                float v = (float) ((random.nextDouble() * 2 - 1) * spread);
                w[c * per + i] = v;
                mins[c] = Math.min(mins[c], v);
                maxs[c] = Math.max(maxs[c], v);
            }
        }
        QuantScheme scheme = QuantScheme.int8WeightsPerChannel(0);
        QuantParams p = QuantParams.forChannels(new org.quant4j.api.ChannelRanges(0, mins, maxs), scheme);
        float[] q = FakeQuant.weight(manager.create(w, new Shape(channels, 2, 3, 3)), 0, scheme).toFloatArray();
        for (int i = 0; i < w.length; i++) {
            int c = i / per;
            assertEquals(p.dequantize(p.quantize(w[i], c), c), q[i], 1e-6f * Math.abs(w[i]) + 1e-12f, "weight " + i);
        }
    }

    /**
     * The portable target's pair-limited weight ranges on the engine equal the exported ones
     * ({@link Int16Pairing#limitPairSums} then {@link QuantParams#forChannels}), for a Conv with an
     * odd channel count (pairs cross kernel positions) and for both layouts of a 2-D weight.
     */
    @Test
    void pairLimitedWeightsMatchTheExportedPortableRanges() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        long[][] shapes = {{8, 3, 3, 3}, {6, 10}, {10, 6}};
        Int16Pairing[] pairings = {Int16Pairing.CONV, Int16Pairing.ROWS, Int16Pairing.COLUMNS};
        for (int t = 0; t < 3; t++) {
            long[] dims = shapes[t];
            Int16Pairing pairing = pairings[t];
            int axis = pairing == Int16Pairing.COLUMNS ? 1 : 0;
            int n = (int) java.util.Arrays.stream(dims).reduce(1, (a, b) -> a * b);
            float[] w = new float[n];
            for (int i = 0; i < n; i++) {
                w[i] = (float) (random.nextDouble() * 2 - 1);
            }
            int[] intDims = java.util.Arrays.stream(dims).mapToInt(d -> (int) d).toArray();
            QuantScheme scheme = QuantScheme.int8WeightsPerChannel(axis);
            org.quant4j.api.ChannelRanges plain = org.quant4j.calibration.method.PerChannelMinMax.compute(w, intDims,
                    axis, true);
            org.quant4j.api.ChannelRanges ranges = pairing.limitPairSums(plain, w, dims);
            QuantParams p = QuantParams.forChannels(ranges, scheme);
            float[] q = FakeQuant.weight(manager.create(w, new Shape(dims)), axis, scheme, java.util.Optional.of(pairing))
                    .toFloatArray();
            int channels = pairing.channels(dims);
            int k = pairing.k(dims);
            boolean widened = false;
            for (int c = 0; c < channels; c++) {
                widened |= ranges.channel(c).max() > plain.channel(c).max() * 1.001;
                for (int i = 0; i < k; i++) {
                    int index = pairing.index(dims, c, i);
                    assertEquals(p.dequantize(p.quantize(w[index], c), c), q[index], 1e-6f, pairing + " weight " + index);
                }
                // No pair of levels leaves [-128, 128]: 255 * 128 fits int16.
                for (int i = 0; i < k; i += 2) {
                    int a = p.quantize(w[pairing.index(dims, c, i)], c);
                    int b = i + 1 < k ? p.quantize(w[pairing.index(dims, c, i + 1)], c) : 0;
                    assertTrue(Math.max(a, 0) + Math.max(b, 0) <= 128 && Math.min(a, 0) + Math.min(b, 0) >= -128,
                            pairing + " channel " + c + " pair " + i + ": " + a + ", " + b);
                }
            }
            assertTrue(widened, pairing + ": some channel's range was widened by its pairs");
        }
    }

    @Test
    void learnedScaleExportsTheParametersItStartedFromForEveryScheme() {
        TensorRange initial = new TensorRange(-2, 3);
        for (QuantScheme scheme : new QuantScheme[] {QuantScheme.UINT8_ASYMMETRIC, QuantScheme.INT8_SYMMETRIC}) {
            ActivationQuantizer q = new ActivationQuantizer("a", java.util.List.of("t"), initial, scheme,
                    RangeMode.LEARNED_SCALE, 0.01, manager);
            assertEquals(QuantParams.forRange(initial, scheme), q.params(), scheme.toString());
        }
    }

    @Test
    void learnedScaleMatchesFixedScaleForwardAndGetsAGradient() {
        QuantParams p = new QuantParams(new float[] {0.25f}, new int[] {3}, QuantScheme.UINT8_ASYMMETRIC);
        NDArray x = manager.create(new float[] {-0.3f, 0.1f, 0.6f, 70f});
        NDArray scale = manager.create(new float[] {0.25f}, new Shape(1));
        scale.setRequiresGradient(true);
        NDArray y;
        try (GradientCollector c = Engine.getEngine(TorchRuntime.ENGINE).newGradientCollector()) {
            y = FakeQuant.learnedScale(x, scale, 3, QuantScheme.UINT8_ASYMMETRIC, 1.0);
            c.backward(y.sum());
        }
        assertArrayEquals(FakeQuant.quantizeDequantize(x, p).toFloatArray(), y.toFloatArray(), 1e-6f);
        // LSQ: d y / d s = round(x/s) - x/s inside the range, qmax - z or qmin - z when saturated; here
        // (-1 - (-1.2)) + (0 - 0.4) + (2 - 2.4) + (255 - 3) = 251.4
        assertEquals(251.4f, scale.getGradient().getFloat(0), 1e-3f);
    }
}
