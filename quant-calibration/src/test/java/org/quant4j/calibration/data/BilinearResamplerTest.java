package org.quant4j.calibration.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class BilinearResamplerTest {

    @Test
    void halvingWidensTheTriangleFilterOverThreeSourcePixels() {
        // Scale 2, support 2. Output 0 is centred at 1.0: source centres 0.5, 1.5, 2.5 get weights
        // 0.75, 0.75, 0.25 (sum 1.75); output 1 at 3.0: centres 1.5, 2.5, 3.5 get 0.25, 0.75, 0.75.
        float[] out = BilinearResampler.resize(new float[] {0, 4, 8, 12}, 1, 1, 4, 1, 2);
        assertArrayEquals(new float[] {(4 * 0.75f + 8 * 0.25f) / 1.75f, (4 * 0.25f + 8 * 0.75f + 12 * 0.75f) / 1.75f},
                out, 1e-5f);
    }

    @Test
    void doublingIsHalfPixelBilinearWithClampedEdges() {
        // Output centres 0.25, 0.75, 1.25, 1.75 in source pixels; source centres 0.5 and 1.5.
        float[] out = BilinearResampler.resize(new float[] {10, 20}, 1, 1, 2, 1, 4);
        assertArrayEquals(new float[] {10, 12.5f, 17.5f, 20}, out, 1e-5f);
    }

    @Test
    void resizesBothAxesAndEveryChannel() {
        float[] src = {1, 1, 1, 1, 5, 5, 5, 5};
        float[] out = BilinearResampler.resize(src, 2, 2, 2, 3, 3);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 5, 5, 5, 5, 5, 5, 5, 5, 5}, out, 1e-5f);
    }

    @Test
    void sameSizeIsIdentity() {
        float[] src = {3, 1, 4, 1, 5, 9};
        assertArrayEquals(src, BilinearResampler.resize(src, 1, 2, 3, 2, 3), 1e-6f);
    }
}
