package org.quant4j.calibration.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;
import org.quant4j.api.ChannelRanges;
import org.quant4j.api.InvalidInputException;

class PerChannelMinMaxTest {

    // Shape [2, 3], row-major:
    //   row 0:  1  -2   3
    //   row 1: -4   5  -6
    private static final float[] DATA = {1, -2, 3, -4, 5, -6};
    private static final int[] SHAPE = {2, 3};

    @Test
    void rangesAlongTheFirstAxisAreRows() {
        ChannelRanges r = PerChannelMinMax.compute(DATA, SHAPE, 0, false);
        assertEquals(0, r.axis());
        assertArrayEquals(new double[] {-2, -6}, r.mins());
        assertArrayEquals(new double[] {3, 5}, r.maxs());
    }

    @Test
    void rangesAlongTheLastAxisAreColumns() {
        ChannelRanges r = PerChannelMinMax.compute(DATA, SHAPE, 1, false);
        assertArrayEquals(new double[] {-4, -2, -6}, r.mins());
        assertArrayEquals(new double[] {1, 5, 3}, r.maxs());
        assertEquals(r, PerChannelMinMax.compute(DATA, SHAPE, -1, false));
    }

    @Test
    void aBufferIsReadInPlaceFromItsPosition() {
        // The values as a read-only little-endian view after two leading values, as a weight's bytes are read.
        ByteBuffer bytes = ByteBuffer.allocate((DATA.length + 2) * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putFloat(100).putFloat(-100);
        for (float v : DATA) {
            bytes.putFloat(v);
        }
        FloatBuffer view = bytes.flip().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        view.position(2);
        for (int axis = 0; axis < 2; axis++) {
            assertEquals(PerChannelMinMax.compute(DATA, SHAPE, axis, false),
                    PerChannelMinMax.compute(view, SHAPE, axis, false));
            assertEquals(PerChannelMinMax.compute(DATA, SHAPE, axis, true),
                    PerChannelMinMax.compute(view, SHAPE, axis, true));
        }
        assertEquals(2, view.position(), "the buffer is not moved");
    }

    @Test
    void middleAxisOfARank3Tensor() {
        // Shape [2, 2, 2]: channel c of axis 1 holds indices {0,1,4,5} (c = 0) and {2,3,6,7} (c = 1).
        float[] data = {0, 1, 10, 11, -5, 2, 12, -13};
        ChannelRanges r = PerChannelMinMax.compute(data, new int[] {2, 2, 2}, 1, false);
        assertArrayEquals(new double[] {-5, -13}, r.mins());
        assertArrayEquals(new double[] {2, 12}, r.maxs());
    }

    @Test
    void symmetricRangesUseEachChannelsLargestMagnitude() {
        ChannelRanges r = PerChannelMinMax.compute(DATA, SHAPE, 0, true);
        assertArrayEquals(new double[] {-3, -6}, r.mins());
        assertArrayEquals(new double[] {3, 6}, r.maxs());
    }

    @Test
    void nonFiniteWeightNamesChannelAndIndex() {
        float[] data = DATA.clone();
        data[4] = Float.NaN;
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> PerChannelMinMax.compute(data, SHAPE, 1, false));
        assertTrue(e.getMessage().contains("flat index 4"), e.getMessage());
        assertTrue(e.getMessage().contains("channel 1"), e.getMessage());
    }

    @Test
    void rejectsBadAxisAndShape() {
        assertThrows(InvalidInputException.class, () -> PerChannelMinMax.compute(DATA, SHAPE, 2, false));
        assertThrows(InvalidInputException.class, () -> PerChannelMinMax.compute(DATA, SHAPE, -3, false));
        assertThrows(InvalidInputException.class, () -> PerChannelMinMax.compute(DATA, new int[] {4, 2}, 0, false));
        assertThrows(InvalidInputException.class, () -> PerChannelMinMax.compute(new float[0], new int[] {0, 3}, 0, false));
        assertThrows(InvalidInputException.class, () -> PerChannelMinMax.compute(DATA, new int[0], 0, false));
    }
}
