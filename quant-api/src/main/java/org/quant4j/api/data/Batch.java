package org.quant4j.api.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A batch of samples as one NCHW (or N x sampleShape) float array, with optional class labels.
 * The arrays are shared, not copied, so that batches cost no extra memory: do not modify them
 * after handing a batch over.
 *
 * @param data        {@code size * prod(sampleShape)} floats, sample after sample
 * @param size        number of samples N
 * @param sampleShape shape of one sample, e.g. {@code [1, 28, 28]}
 * @param labels      one label per sample, or empty for unlabelled data
 */
public record Batch(float[] data, int size, int[] sampleShape, Optional<int[]> labels) {

    /**
     * Checks that the data holds {@code size} samples of {@code sampleShape}, with one label each if
     * labelled, and copies the shape; the data and labels are shared.
     *
     * @param data        {@code size * prod(sampleShape)} floats, sample after sample
     * @param size        number of samples N, &gt;= 0
     * @param sampleShape shape of one sample, every dimension &gt; 0
     * @param labels      one label per sample, or empty; null is taken as empty
     * @throws IllegalArgumentException when the sizes do not agree
     */
    public Batch {
        Objects.requireNonNull(data, "data");
        sampleShape = sampleShape.clone();
        labels = labels == null ? Optional.empty() : labels;
        long per = sampleElements(sampleShape);
        if (size < 0 || (long) size * per != data.length) {
            throw new IllegalArgumentException("Batch of " + size + " samples of shape " + Arrays.toString(sampleShape)
                    + " needs " + ((long) size * per) + " floats, got " + data.length);
        }
        if (labels.isPresent() && labels.get().length != size) {
            throw new IllegalArgumentException("Batch of " + size + " samples has " + labels.get().length + " labels");
        }
    }

    /**
     * Number of elements of one sample of this shape.
     *
     * @param sampleShape the dimensions, each &gt; 0
     * @return their product
     */
    public static long sampleElements(int[] sampleShape) {
        long n = 1;
        for (int d : sampleShape) {
            if (d <= 0) {
                throw new IllegalArgumentException("Sample dimensions must be > 0, got " + Arrays.toString(sampleShape));
            }
            n *= d;
        }
        return n;
    }

    /**
     * Full shape {@code [N, ...sampleShape]} as ONNX Runtime wants it.
     *
     * @return a new array {@code [size, sampleShape...]}
     */
    public long[] shape() {
        long[] s = new long[sampleShape.length + 1];
        s[0] = size;
        for (int i = 0; i < sampleShape.length; i++) {
            s[i + 1] = sampleShape[i];
        }
        return s;
    }

    /**
     * Shape of one sample.
     *
     * @return a copy of the shape, e.g. {@code [1, 28, 28]}
     */
    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public String toString() {
        return "Batch[size=" + size + ", sampleShape=" + Arrays.toString(sampleShape) + ", labelled=" + labels.isPresent() + "]";
    }
}
