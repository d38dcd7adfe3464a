package org.quant4j.calibration.data;

/**
 * Bilinear resizing of CHW float planes with antialiasing, as PIL and torchvision resize images: a
 * triangle filter whose support widens by the scale factor when shrinking, so every source pixel
 * contributes; pixel centres sit at {@code i + 0.5}; edge windows are cut and renormalised.
 * Intermediate values stay in float (PIL rounds to 8 bits between the two passes).
 */
final class BilinearResampler {

    private BilinearResampler() {
    }

    /** Resizes {@code channels} planes of {@code inH x inW} values to {@code outH x outW}. */
    static float[] resize(float[] src, int channels, int inH, int inW, int outH, int outW) {
        Kernel kx = Kernel.of(inW, outW);
        Kernel ky = Kernel.of(inH, outH);
        float[] rows = new float[channels * inH * outW];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < inH; y++) {
                int in = (c * inH + y) * inW;
                int out = (c * inH + y) * outW;
                for (int x = 0; x < outW; x++) {
                    float[] w = kx.weights[x];
                    int start = in + kx.start[x];
                    float sum = 0f;
                    for (int k = 0; k < w.length; k++) {
                        sum += src[start + k] * w[k];
                    }
                    rows[out + x] = sum;
                }
            }
        }
        float[] dst = new float[channels * outH * outW];
        for (int c = 0; c < channels; c++) {
            int plane = c * inH * outW;
            for (int y = 0; y < outH; y++) {
                float[] w = ky.weights[y];
                int out = (c * outH + y) * outW;
                for (int k = 0; k < w.length; k++) {
                    int in = plane + (ky.start[y] + k) * outW;
                    float wk = w[k];
                    for (int x = 0; x < outW; x++) {
                        dst[out + x] += rows[in + x] * wk;
                    }
                }
            }
        }
        return dst;
    }

    /** For each output index, the first contributing input index and the normalised weights. */
    private static final class Kernel {
        final int[] start;
        final float[][] weights;

        private Kernel(int[] start, float[][] weights) {
            this.start = start;
            this.weights = weights;
        }

        static Kernel of(int in, int out) {
            double scale = (double) in / out;
            double support = Math.max(scale, 1.0);
            int[] start = new int[out];
            float[][] weights = new float[out][];
            for (int o = 0; o < out; o++) {
                double center = (o + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(center - support));
                int hi = Math.min(in - 1, (int) Math.ceil(center + support));
                double[] w = new double[hi - lo + 1];
                double sum = 0;
                for (int i = lo; i <= hi; i++) {
                    w[i - lo] = Math.max(0.0, 1.0 - Math.abs((i + 0.5 - center) / support));
                    sum += w[i - lo];
                }
                start[o] = lo;
                weights[o] = new float[w.length];
                for (int k = 0; k < w.length; k++) {
                    weights[o][k] = (float) (w[k] / sum);
                }
            }
            return new Kernel(start, weights);
        }
    }
}
