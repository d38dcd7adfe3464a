package org.quant4j.qat.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchAugmenterTest {

    private static final int N = 64;
    private static final int C = 2;
    private static final int H = 5;
    private static final int W = 6;

    @BeforeAll
    static void engine() {
        TorchRuntime.engine(2);
    }

    /** Distinct positive values, so every pixel can be traced. */
    private static float[] images() {
        float[] v = new float[N * C * H * W];
        for (int i = 0; i < v.length; i++) {
            v[i] = i + 1;
        }
        return v;
    }

    private static float[] run(BatchAugmenter augmenter, long seed) {
        try (NDManager m = NDManager.newBaseManager(TorchRuntime.ENGINE)) {
            NDArray x = m.create(images(), new Shape(N, C, H, W));
            NDArray y = augmenter.apply(x, new SplittableRandom(seed));
            assertEquals(new Shape(N, C, H, W), y.getShape());
            return y.toFloatArray();
        }
    }

    @Test
    void noPaddingNoFlipIsTheIdentity() {
        assertArrayEquals(images(), run(BatchAugmenter.NONE, 1));
    }

    @Test
    void flipGivesEachImageOrItsMirrorAndBothOccur() {
        float[] in = images();
        float[] out = run(new BatchAugmenter(0, true), 3);
        int flipped = 0;
        for (int b = 0; b < N; b++) {
            boolean same = true;
            boolean mirror = true;
            for (int c = 0; c < C; c++) {
                for (int i = 0; i < H; i++) {
                    for (int j = 0; j < W; j++) {
                        float o = out[((b * C + c) * H + i) * W + j];
                        same &= o == in[((b * C + c) * H + i) * W + j];
                        mirror &= o == in[((b * C + c) * H + i) * W + (W - 1 - j)];
                    }
                }
            }
            assertTrue(same || mirror, "image " + b + " is neither itself nor its mirror");
            flipped += mirror ? 1 : 0;
        }
        assertTrue(flipped > 0 && flipped < N, flipped + " of " + N + " flipped");
    }

    @Test
    void cropIsAShiftWithinThePaddingFilledWithZerosSameForAllChannels() {
        int pad = 2;
        float[] in = images();
        float[] out = run(new BatchAugmenter(pad, false), 5);
        Set<String> shifts = new HashSet<>();
        for (int b = 0; b < N; b++) {
            String found = null;
            for (int dy = -pad; dy <= pad && found == null; dy++) {
                for (int dx = -pad; dx <= pad && found == null; dx++) {
                    if (isShift(in, out, b, dy, dx)) {
                        found = dy + "," + dx;
                    }
                }
            }
            assertTrue(found != null, "image " + b + " is not a shift of its input by at most " + pad);
            shifts.add(found);
        }
        assertTrue(shifts.size() > 5, "offsets vary: " + shifts);
    }

    /** Whether output image b is input image b read at (i + dy, j + dx), zero outside. */
    private static boolean isShift(float[] in, float[] out, int b, int dy, int dx) {
        for (int c = 0; c < C; c++) {
            for (int i = 0; i < H; i++) {
                for (int j = 0; j < W; j++) {
                    int si = i + dy;
                    int sj = j + dx;
                    float expected = si < 0 || si >= H || sj < 0 || sj >= W ? 0 : in[((b * C + c) * H + si) * W + sj];
                    if (out[((b * C + c) * H + i) * W + j] != expected) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    @Test
    void sameSeedSameAugmentation() {
        BatchAugmenter a = new BatchAugmenter(3, true);
        assertArrayEquals(run(a, 11), run(a, 11));
    }
}
