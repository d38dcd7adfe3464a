package org.quant4j.api.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DatasetTest {

    private static List<Batch> all(Iterator<Batch> it) {
        List<Batch> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void batchesCoverTheDatasetInOrderWithAPartialLastBatch() {
        List<Batch> batches = all(new TinyDataset(5, 3).batches(2));
        assertEquals(3, batches.size());

        assertEquals(2, batches.get(0).size());
        assertArrayEquals(new float[] {0, 10, 1, 11}, batches.get(0).data());
        assertArrayEquals(new int[] {0, 1}, batches.get(0).labels().orElseThrow());
        assertArrayEquals(new long[] {2, 1, 2}, batches.get(0).shape());

        assertArrayEquals(new float[] {2, 12, 3, 13}, batches.get(1).data());
        assertArrayEquals(new int[] {2, 0}, batches.get(1).labels().orElseThrow());

        Batch last = batches.get(2);
        assertEquals(1, last.size());
        assertArrayEquals(new float[] {4, 14}, last.data());
        assertArrayEquals(new int[] {1}, last.labels().orElseThrow());
        assertArrayEquals(new long[] {1, 1, 2}, last.shape());
        assertArrayEquals(new int[] {1, 2}, last.sampleShape());
    }

    @Test
    void batchLargerThanTheDatasetGivesOneBatch() {
        List<Batch> batches = all(new TinyDataset(3, 2).batches(100));
        assertEquals(1, batches.size());
        assertEquals(3, batches.get(0).size());
    }

    @Test
    void unlabelledDataHasNoLabels() {
        List<Batch> batches = all(new TinyDataset(2, 0).batches(2));
        assertTrue(batches.get(0).labels().isEmpty());
    }

    @Test
    void emptyDatasetHasNoBatchesAndNextThrows() {
        Iterator<Batch> it = new TinyDataset(0, 2).batches(4);
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void iteratorThrowsAfterTheLastBatch() {
        Iterator<Batch> it = new TinyDataset(1, 2).batches(4);
        it.next();
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void batchSizeMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new TinyDataset(3, 2).batches(0));
    }

    @Test
    void sampleElementsIsTheProductOfTheShape() {
        assertEquals(2, new TinyDataset(1, 0).sampleElements());
        assertEquals(784, Batch.sampleElements(new int[] {1, 28, 28}));
        assertThrows(IllegalArgumentException.class, () -> Batch.sampleElements(new int[] {1, 0}));
    }

    @Test
    void batchValidatesItsSizes() {
        assertThrows(IllegalArgumentException.class,
                () -> new Batch(new float[3], 2, new int[] {2}, Optional.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> new Batch(new float[4], 2, new int[] {2}, Optional.of(new int[3])));
        assertThrows(IllegalArgumentException.class,
                () -> new Batch(new float[0], -1, new int[] {2}, Optional.empty()));
        assertTrue(new Batch(new float[4], 2, new int[] {2}, null).labels().isEmpty());
    }

    @Test
    void batchCopiesItsShape() {
        int[] shape = {2};
        Batch b = new Batch(new float[4], 2, shape, Optional.empty());
        shape[0] = 4;
        b.sampleShape()[0] = 4;
        assertArrayEquals(new int[] {2}, b.sampleShape());
    }
}
