package org.quant4j.tensorrt.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.TinyDataset;

class CalibrationFeedTest {

    /** Records every upload, copying the values as a GPU copy would. */
    static final class RecordingBuffers implements DeviceBuffers {
        final List<String> inputs = new ArrayList<>();
        final List<float[]> values = new ArrayList<>();

        @Override
        public void upload(String input, FloatBuffer v) {
            float[] copy = new float[v.remaining()];
            v.duplicate().get(copy);
            inputs.add(input);
            values.add(copy);
        }
    }

    @Test
    void tenSamplesInBatchesOfFourGiveTwoFullBatchesInOrderAndLeaveTwoOut() {
        // TinyDataset sample i is {i, 10 + i}.
        CalibrationFeed feed = new CalibrationFeed(new TinyDataset(10, 0), List.of(new FeedInput("x", 2)), 4);
        RecordingBuffers gpu = new RecordingBuffers();
        assertTrue(feed.next(gpu));
        assertTrue(feed.next(gpu));
        assertFalse(feed.next(gpu));
        assertFalse(feed.next(gpu), "an ended feed stays ended");
        assertEquals(List.of("x", "x"), gpu.inputs);
        assertArrayEquals(new float[] {0, 10, 1, 11, 2, 12, 3, 13}, gpu.values.get(0));
        assertArrayEquals(new float[] {4, 14, 5, 15, 6, 16, 7, 17}, gpu.values.get(1));
        assertEquals(2, feed.batchesFed());
        assertEquals(8, feed.samplesFed());
        assertEquals(2, feed.samplesLeftOut());
    }

    @Test
    void aDatasetThatDividesEvenlyLeavesNothingOut() {
        CalibrationFeed feed = new CalibrationFeed(new TinyDataset(6, 0), List.of(new FeedInput("x", 2)), 3);
        RecordingBuffers gpu = new RecordingBuffers();
        while (feed.next(gpu)) {
            // drain
        }
        assertEquals(2, feed.batchesFed());
        assertEquals(0, feed.samplesLeftOut());
        assertArrayEquals(new float[] {3, 13, 4, 14, 5, 15}, gpu.values.get(1));
    }

    @Test
    void samplesOfAnotherSizeThanTheInputAreRefusedBeforeAnyUpload() {
        CalibrationFeed feed = new CalibrationFeed(new TinyDataset(8, 0), List.of(new FeedInput("x", 3)), 4);
        RecordingBuffers gpu = new RecordingBuffers();
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> feed.next(gpu));
        assertTrue(e.getMessage().contains("gives input 'x' 2 values per sample, but the network takes 3"),
                e.getMessage());
        assertEquals(List.of(), gpu.inputs);
    }

    @Test
    void lessThanOneBatchOfDataIsAnError() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new CalibrationFeed(new TinyDataset(3, 0), List.of(new FeedInput("x", 2)), 4));
        assertTrue(e.getMessage().contains("at least one full batch of 4 samples, but the data holds 3"),
                e.getMessage());
    }

    @Test
    void inputsNeedANameAndAFixedSize() {
        assertThrows(InvalidInputException.class, () -> new FeedInput(" ", 2));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new FeedInput("x", -1));
        assertTrue(e.getMessage().contains("export the model with static dimensions"), e.getMessage());
    }
}
