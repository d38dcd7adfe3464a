package org.quant4j.calibration.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.quant4j.calibration.data.UniformNoiseDataset;

class SubsetTest {

    private static final UniformNoiseDataset DATA = new UniformNoiseDataset(10, new int[] {2}, 1, 0, 1);

    @Test
    void complementHoldsTheOtherIndicesInOrder() {
        Subset chosen = Subset.of(DATA, new int[] {7, 2, 5});
        Subset rest = Subset.complement(DATA, chosen);
        assertArrayEquals(new int[] {0, 1, 3, 4, 6, 8, 9}, rest.indices());
        float[] a = new float[2];
        float[] b = new float[2];
        rest.read(2, a, 0);
        DATA.read(3, b, 0);
        assertArrayEquals(b, a);
    }

    @Test
    void complementOfEverythingIsEmptyAndOfNothingIsEverything() {
        assertEquals(0, Subset.complement(DATA, Subset.of(DATA, IntStream.range(0, 10).toArray())).size());
        assertArrayEquals(IntStream.range(0, 10).toArray(), Subset.complement(DATA, Subset.of(DATA, new int[0]))
                .indices());
    }

    @Test
    void complementNeedsASubsetOfTheSameParent() {
        UniformNoiseDataset other = new UniformNoiseDataset(10, new int[] {2}, 2, 0, 1);
        assertThrows(IllegalArgumentException.class, () -> Subset.complement(DATA, Subset.of(other, new int[] {1})));
    }
}
