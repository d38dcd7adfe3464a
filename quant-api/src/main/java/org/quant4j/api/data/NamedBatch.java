package org.quant4j.api.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A batch of samples for a model with named inputs: one {@link Tensor} per input, each with the
 * samples on its batch axis (the first unless {@code batchAxes} says otherwise; none for an input
 * fed once for the whole batch), and optional class labels. Datasets make batches with the samples
 * on the first axis; {@link ModelBatches} moves them to the model's batch axes. The tensors share
 * their arrays as {@link Batch} does.
 *
 * @param tensors   the tensor of each input by name, in input order
 * @param size      number of samples N, the size of every tensor's batch axis
 * @param labels    one label per sample, or empty for unlabelled data
 * @param batchAxes the batch axis of the inputs whose axis is not the first, by name
 *                  ({@link BatchLayout#NONE}: the input has none)
 */
public record NamedBatch(Map<String, Tensor> tensors, int size, Optional<int[]> labels,
        Map<String, Integer> batchAxes) {

    /**
     * Copies the map of tensors and checks that every batched tensor holds {@code size} samples on its
     * batch axis.
     *
     * @param tensors   the tensor of each input by name, in input order; at least one
     * @param size      number of samples N, &gt;= 0
     * @param labels    one label per sample, or empty; null is taken as empty
     * @param batchAxes the batch axis of the inputs whose axis is not the first; null for none
     * @throws IllegalArgumentException when there is no tensor, a tensor's batch axis does not hold
     *     {@code size} samples, or the labels are not one per sample
     */
    public NamedBatch {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(tensors, "tensors")));
        labels = labels == null ? Optional.empty() : labels;
        batchAxes = Map.copyOf(batchAxes == null ? Map.of() : batchAxes);
        if (size < 0 || tensors.isEmpty()) {
            throw new IllegalArgumentException("A batch needs at least one tensor and size >= 0, got " + tensors.size()
                    + " tensors and size " + size);
        }
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            long[] shape = e.getValue().shape();
            int axis = batchAxes.getOrDefault(e.getKey(), 0);
            if (axis != BatchLayout.NONE && (axis >= shape.length || shape[axis] != size)) {
                throw new IllegalArgumentException("Tensor '" + e.getKey() + "' of a batch of " + size + " samples has"
                        + " shape " + java.util.Arrays.toString(shape) + "; its dimension " + axis
                        + " must be the sample count");
            }
        }
        if (labels.isPresent() && labels.get().length != size) {
            throw new IllegalArgumentException("Batch of " + size + " samples has " + labels.get().length + " labels");
        }
    }

    /**
     * A batch with the samples on the first axis of every tensor.
     *
     * @param tensors the tensor of each input by name, in input order; at least one
     * @param size    number of samples N, the first dimension of every tensor
     * @param labels  one label per sample, or empty for unlabelled data
     */
    public NamedBatch(Map<String, Tensor> tensors, int size, Optional<int[]> labels) {
        this(tensors, size, labels, Map.of());
    }

    /**
     * The batch axis of input {@code input}: 0 unless {@link #batchAxes()} says otherwise.
     *
     * @param input an input name
     * @return the axis holding the samples, or {@link BatchLayout#NONE}
     */
    public int batchAxis(String input) {
        return batchAxes.getOrDefault(input, 0);
    }

    /**
     * The float batch {@code batch} as the one float32 input {@code input}; the data array is
     * shared, not copied.
     *
     * @param input the model input's name
     * @param batch the float samples, with their labels if any
     * @return the batch of one tensor
     */
    public static NamedBatch of(String input, Batch batch) {
        return new NamedBatch(Map.of(input, Tensor.ofFloats(batch.data(), batch.shape())), batch.size(),
                batch.labels());
    }

    /**
     * The tensor of {@code input}.
     *
     * @param input an input name
     * @return its tensor
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
        return "NamedBatch[size=" + size + ", tensors=" + tensors + (batchAxes.isEmpty() ? "" : ", batch axes " + batchAxes)
                + ", labelled=" + labels.isPresent() + "]";
    }
}
