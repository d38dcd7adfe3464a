package org.quant4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ChannelRangesTest {

    @Test
    void inputArraysAreCopied() {
        double[] mins = {-1, -2};
        double[] maxs = {1, 2};
        ChannelRanges r = new ChannelRanges(0, mins, maxs);
        mins[0] = -100;
        maxs[1] = 100;
        assertEquals(new TensorRange(-1, 1), r.channel(0));
        assertEquals(new TensorRange(-2, 2), r.channel(1));
    }

    @Test
    void returnedArraysAreCopies() {
        ChannelRanges r = new ChannelRanges(1, new double[] {-1, -2}, new double[] {1, 2});
        r.mins()[0] = -100;
        r.maxs()[0] = 100;
        assertArrayEquals(new double[] {-1, -2}, r.mins());
        assertArrayEquals(new double[] {1, 2}, r.maxs());
        assertEquals(2, r.channels());
        assertEquals(1, r.axis());
    }

    @Test
    void invalidShapesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ChannelRanges(-1, new double[] {0}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new ChannelRanges(0, new double[] {0, 0}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new ChannelRanges(0, new double[0], new double[0]));
    }

    @Test
    void everyChannelIsValidated() {
        assertThrows(CalibrationException.class,
                () -> new ChannelRanges(0, new double[] {0, 3}, new double[] {1, 2}));
        assertThrows(CalibrationException.class,
                () -> new ChannelRanges(0, new double[] {0, Double.NaN}, new double[] {1, 2}));
    }

    @Test
    void equalityComparesContents() {
        ChannelRanges a = new ChannelRanges(0, new double[] {-1, -2}, new double[] {1, 2});
        ChannelRanges b = new ChannelRanges(0, new double[] {-1, -2}, new double[] {1, 2});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new ChannelRanges(1, new double[] {-1, -2}, new double[] {1, 2}));
        assertNotEquals(a, new ChannelRanges(0, new double[] {-1, -2}, new double[] {1, 3}));
    }
}
