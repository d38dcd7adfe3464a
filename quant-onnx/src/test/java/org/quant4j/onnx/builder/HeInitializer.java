package org.quant4j.onnx.builder;

import java.util.SplittableRandom;
import org.quant4j.onnx.graph.FloatTensor;

/**
 * Seeded random weights. He (Kaiming) initialisation uses the uniform form
 * {@code U(-sqrt(6 / fanIn), sqrt(6 / fanIn))}, whose variance is He's {@code 2 / fanIn}; it needs
 * only {@link SplittableRandom#nextDouble()} and a square root, both exactly specified, so a seed
 * gives the same weights on every machine. Not thread-safe: each call advances one random stream.
 */
public final class HeInitializer {

    private final SplittableRandom random;

    public HeInitializer(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** He-uniform values of the given shape for a layer with {@code fanIn} inputs per output. */
    public FloatTensor he(long fanIn, long... shape) {
        if (fanIn <= 0) {
            throw new IllegalArgumentException("fanIn must be > 0, got " + fanIn);
        }
        double bound = Math.sqrt(6.0 / fanIn);
        return uniform((float) -bound, (float) bound, shape);
    }

    /** Convolution weights {@code [out, in, kh, kw]} (fan-in {@code in * kh * kw}). */
    public FloatTensor convWeights(int out, int in, int kh, int kw) {
        return he((long) in * kh * kw, out, in, kh, kw);
    }

    /** Fully connected weights {@code [out, in]}, as Gemm with {@code transB = 1} expects. */
    public FloatTensor denseWeights(int out, int in) {
        return he(in, out, in);
    }

    /** Values drawn uniformly from {@code [lo, hi)}. */
    public FloatTensor uniform(float lo, float hi, long... shape) {
        if (!(hi > lo)) {
            throw new IllegalArgumentException("Need lo < hi, got [" + lo + ", " + hi + ")");
        }
        float[] v = new float[Math.toIntExact(FloatTensor.elementCount(shape))];
        double width = (double) hi - lo;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (lo + width * random.nextDouble());
        }
        return new FloatTensor(shape, v);
    }

    /**
     * Plausible trained batch-norm statistics for {@code channels} channels, so that folding them
     * changes the weights: scale in [0.5, 1.5), bias and mean in [-0.1, 0.1), variance in [0.5, 1.5).
     */
    public BatchNormParams batchNorm(int channels) {
        return new BatchNormParams(uniform(0.5f, 1.5f, channels), uniform(-0.1f, 0.1f, channels),
                uniform(-0.1f, 0.1f, channels), uniform(0.5f, 1.5f, channels));
    }
}
