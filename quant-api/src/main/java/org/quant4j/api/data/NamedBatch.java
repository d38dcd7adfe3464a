package org.quant4j.api.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A batch of samples for a model with named inputs: one {@link Tensor} per input, each with the
 * samples on its first axis, and optional class labels. The tensors share their arrays as
 * {@link Batch} does.
 *
 * @param tensors the tensor of each input by name, in input order
 * @param size    number of samples N, the first dimension of every tensor
 * @param labels  one label per sample, or empty for unlabelled data
 */
public record NamedBatch(Map<String, Tensor> tensors, int size, Optional<int[]> labels) {

    public NamedBatch {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(tensors, "tensors")));
        labels = labels == null ? Optional.empty() : labels;
        if (size < 0 || tensors.isEmpty()) {
            throw new IllegalArgumentException("A batch needs at least one tensor and size >= 0, got " + tensors.size()
                    + " tensors and size " + size);
        }
        tensors.forEach((name, t) -> {
            long[] shape = t.shape();
            if (shape.length == 0 || shape[0] != size) {
                throw new IllegalArgumentException("Tensor '" + name + "' of a batch of " + size + " samples has shape "
                        + java.util.Arrays.toString(shape) + "; its first dimension must be the sample count");
            }
        });
        if (labels.isPresent() && labels.get().length != size) {
            throw new IllegalArgumentException("Batch of " + size + " samples has " + labels.get().length + " labels");
        }
    }

    /**
     * The float batch {@code batch} as the one float32 input {@code input}; the data array is
     * shared, not copied.
     */
    public static NamedBatch of(String input, Batch batch) {
        return new NamedBatch(Map.of(input, Tensor.ofFloats(batch.data(), batch.shape())), batch.size(),
                batch.labels());
    }

    /**
     * The tensor of {@code input}.
     *
     * @throws IllegalArgumentException when the batch has no such input
     */
    public Tensor tensor(String input) {
        Tensor t = tensors.get(input);
        if (t == null) {
            throw new IllegalArgumentException("The batch has no input '" + input + "'; it has " + tensors.keySet());
        }
        return t;
    }

    @Override
    public String toString() {
        return "NamedBatch[size=" + size + ", tensors=" + tensors + ", labelled=" + labels.isPresent() + "]";
    }
}
