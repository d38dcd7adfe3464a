package org.quant4j.sensitivity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.quant4j.onnx.graph.FloatTensor;

class WeightErrorsTest {

    @Test
    void sqnrPerChannelFromWeightsAndScales() {
        // Two output channels (axis 0) of two values each; scale 0.5 and 1.
        // Channel 0: w = 1.2, -0.4 -> levels 2, -1 -> 1.0, -0.5; errors 0.2, 0.1; SQNR = 10 log10(1.6 / 0.05).
        // Channel 1: w = 3, 1 -> levels 3, 1, exact -> +inf.
        FloatTensor w = new FloatTensor(new long[] {2, 2}, new float[] {1.2f, -0.4f, 3f, 1f});
        double[] db = WeightErrors.sqnr(w, new int[] {2, -1, 3, 1}, new float[] {0.5f, 1f}, new int[] {0}, 0);
        assertEquals(10 * Math.log10(1.6 / 0.05), db[0], 1e-5);
        assertEquals(Double.POSITIVE_INFINITY, db[1]);
    }

    @Test
    void channelsAlongAxisOneAndPerTensor() {
        // Shape [2, 2], axis 1: channel 0 holds elements 0 and 2, channel 1 elements 1 and 3.
        FloatTensor w = new FloatTensor(new long[] {2, 2}, new float[] {1f, 2f, 3f, 4.5f});
        double[] db = WeightErrors.sqnr(w, new int[] {1, 2, 3, 4}, new float[] {1f, 1f}, new int[] {0}, 1);
        assertEquals(Double.POSITIVE_INFINITY, db[0]);
        assertEquals(10 * Math.log10((4 + 20.25) / 0.25), db[1], 1e-9);
        double[] perTensor = WeightErrors.sqnr(w, new int[] {1, 2, 3, 4}, new float[] {1f}, new int[] {0}, 0);
        assertArrayEquals(new double[] {10 * Math.log10((1 + 4 + 9 + 20.25) / 0.25)}, perTensor, 1e-9);
    }
}
