package org.quant4j.api.data;

import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;

/**
 * The batch size a model accepts. Exported models often fix the batch dimension (a classifier head
 * exported with a batch of 1, a detector with 8): feeding them the default batch of 32 fails. Every
 * place that batches data for a model asks here, or the model's {@link BatchLayout}, instead of
 * trusting the caller's batch size.
 */
public final class BatchSizes {

    private BatchSizes() {
    }

    /**
     * The fixed batch of a model whose data inputs have {@code inputShapes} (-1 or 0 for a dynamic
     * dimension, no dimension names): the smallest fixed size of a batch axis as
     * {@link BatchLayout} decides them; empty when every batch axis is dynamic.
     *
     * @param inputShapes the declared shape of each data input
     * @return the fixed batch size, or empty
     */
    public static OptionalInt fixedBatch(Collection<long[]> inputShapes) {
        return BatchLayout.ofShapes(List.copyOf(inputShapes)).fixedBatch();
    }

    /**
     * The batch size to run a model with: {@code requested} when its batch axes are dynamic, else
     * its fixed batch (smaller or larger than {@code requested}: the model takes nothing else).
     *
     * @param requested the batch size asked for, &gt; 0
     * @param inputShapes the declared shape of each data input
     * @return the batch size to use
     * @throws IllegalArgumentException when {@code requested} is not positive
     */
    public static int forModel(int requested, Collection<long[]> inputShapes) {
        if (requested <= 0) {
            throw new IllegalArgumentException("Batch size must be > 0, got " + requested);
        }
        return fixedBatch(inputShapes).orElse(requested);
    }
}
