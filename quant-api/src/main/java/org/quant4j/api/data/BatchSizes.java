package org.quant4j.api.data;

import java.util.Collection;
import java.util.OptionalInt;

/**
 * The batch size a model accepts. Exported models often fix the batch dimension (a classifier head
 * exported with a batch of 1, a detector with 8): feeding them the default batch of 32 fails. Every
 * place that batches data for a model asks here instead of trusting the caller's batch size.
 */
public final class BatchSizes {

    private BatchSizes() {
    }

    /**
     * The fixed batch of a model whose data inputs have {@code inputShapes} (-1 or 0 for a dynamic
     * dimension): the smallest first dimension when every input has rank 1 or more and a fixed first
     * dimension; empty when any first dimension is dynamic (then a fixed first dimension elsewhere is
     * not a batch, e.g. a recurrent state {@code [layers, N, hidden]}) or an input is a scalar.
     */
    public static OptionalInt fixedBatch(Collection<long[]> inputShapes) {
        long fixed = Long.MAX_VALUE;
        for (long[] shape : inputShapes) {
            if (shape == null || shape.length == 0 || shape[0] <= 0) {
                return OptionalInt.empty();
            }
            fixed = Math.min(fixed, shape[0]);
        }
        return fixed == Long.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of((int) Math.min(fixed, Integer.MAX_VALUE));
    }

    /**
     * The batch size to run a model with: {@code requested} when its batch dimension is dynamic,
     * else its fixed batch (smaller or larger than {@code requested}: the model takes nothing else).
     */
    public static int forModel(int requested, Collection<long[]> inputShapes) {
        if (requested <= 0) {
            throw new IllegalArgumentException("Batch size must be > 0, got " + requested);
        }
        return fixedBatch(inputShapes).orElse(requested);
    }
}
