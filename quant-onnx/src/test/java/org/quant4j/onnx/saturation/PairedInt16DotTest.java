package org.quant4j.onnx.saturation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairedInt16DotTest {

    @Test
    void fullRangeWeightsSaturateAPairOfLargeActivations() {
        int[] a = {255, 255, 10, 20};
        int[] w = {127, 127, 3, -4};
        PairedInt16Dot.Dot dot = PairedInt16Dot.avx2(a, 0, w, 0, 4);
        // Pair 0: 255 * 127 * 2 = 64770 clamps to 32767; pair 1: 30 - 80 = -50.
        assertEquals(32767 - 50, dot.value());
        assertEquals(1, dot.saturated());
        assertEquals(2, dot.pairs());
        assertEquals(64770 - 50, PairedInt16Dot.exact(a, 0, w, 0, 4));
    }

    @Test
    void negativePairsClampAtMinus32768() {
        PairedInt16Dot.Dot dot = PairedInt16Dot.avx2(new int[] {255, 255}, 0, new int[] {-128, -127}, 0, 2);
        assertEquals(-32768, dot.value());
        assertEquals(1, dot.saturated());
    }

    @Test
    void sevenBitWeightsNeverSaturate() {
        PairedInt16Dot.Dot dot = PairedInt16Dot.avx2(new int[] {255, 255, 255}, 0, new int[] {64, 64, -64}, 0, 3);
        assertEquals(255 * 64, dot.value());
        assertEquals(0, dot.saturated());
        assertEquals(2, dot.pairs(), "an odd K pads the last pair with a zero");
        assertFalse(PairedInt16Dot.pairCanSaturate(64, 64));
        assertFalse(PairedInt16Dot.pairCanSaturate(-64, -64));
        assertTrue(PairedInt16Dot.pairCanSaturate(65, 64));
    }

    @Test
    void pairsStartAtEvenIndices() {
        // (0, 1) and (2, 3): the large weights 1 and 2 are in different pairs, so nothing saturates.
        int[] a = {255, 255, 255, 255};
        int[] w = {0, 127, 127, 0};
        assertEquals(0, PairedInt16Dot.avx2(a, 0, w, 0, 4).saturated());
        assertEquals(1, PairedInt16Dot.avx2(a, 1, w, 1, 2).saturated(), "from offset 1 they pair");
    }

    /** The prediction from the weights agrees with an exhaustive search over every pair of uint8 inputs. */
    @Test
    void predictionMatchesExhaustiveEmulation() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            int w1 = r.nextInt(-128, 128);
            int w2 = r.nextInt(-128, 128);
            boolean saturates = false;
            for (int a1 = 0; a1 < 256 && !saturates; a1 += 1) {
                for (int a2 = 0; a2 < 256; a2++) {
                    if (PairedInt16Dot.avx2(new int[] {a1, a2}, 0, new int[] {w1, w2}, 0, 2).saturated() > 0) {
                        saturates = true;
                        break;
                    }
                }
            }
            assertEquals(saturates, PairedInt16Dot.pairCanSaturate(w1, w2), "weights " + w1 + ", " + w2);
        }
    }
}
