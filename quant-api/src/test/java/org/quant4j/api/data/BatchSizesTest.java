package org.quant4j.api.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class BatchSizesTest {

    @Test
    void aDynamicBatchDimensionTakesTheRequestedSize() {
        assertEquals(32, BatchSizes.forModel(32, List.of(new long[] {-1, 1, 28, 28})));
        assertEquals(OptionalInt.empty(), BatchSizes.fixedBatch(List.of(new long[] {-1, 3}, new long[] {0, 7})));
    }

    @Test
    void aFixedBatchWinsWhetherSmallerOrLarger() {
        assertEquals(1, BatchSizes.forModel(32, List.of(new long[] {1, 16, 96})));
        assertEquals(8, BatchSizes.forModel(4, List.of(new long[] {8, 3, 64, 64})));
        assertEquals(OptionalInt.of(2), BatchSizes.fixedBatch(List.of(new long[] {2, 5}, new long[] {4})),
                "the smallest first dimension when every input fixes it");
        assertEquals(OptionalInt.empty(), BatchSizes.fixedBatch(List.of(new long[] {-1, 64}, new long[] {2, -1, 128})),
                "beside a dynamic batch, a recurrent state [layers, N, hidden] does not fix the batch");
    }

    @Test
    void aScalarInputHasNoBatchDimension() {
        assertEquals(1, BatchSizes.forModel(32, List.of(new long[] {1, 64}, new long[0])),
                "the scalar is fed unbatched; the other input fixes a batch of 1");
        assertEquals(32, BatchSizes.forModel(32, List.of(new long[] {-1, 64}, new long[0])));
        assertThrows(IllegalArgumentException.class, () -> BatchSizes.forModel(0, List.of()));
    }
}
