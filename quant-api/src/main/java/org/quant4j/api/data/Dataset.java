package org.quant4j.api.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Random-access samples, already preprocessed to float tensors of one shape. Quantizers stream a
 * dataset through {@link #batches(int)}, so memory is bounded by one batch, not by the dataset.
 */
public interface Dataset {

    /** Number of samples. */
    int size();

    /** Shape of one sample, e.g. {@code [1, 28, 28]} (CHW). */
    int[] sampleShape();

    /** Number of classes, or 0 when the data is unlabelled. */
    int numClasses();

    /** Writes sample {@code index} into {@code dest} starting at {@code offset}. */
    void read(int index, float[] dest, int offset);

    /** Class label of sample {@code index}; -1 when the data is unlabelled. */
    int label(int index);

    /**
     * A stable text that changes whenever the samples change (files, transform, selection); used
     * to key caches and recorded in provenance.
     */
    String fingerprint();

    /** Number of floats in one sample. */
    default int sampleElements() {
        return Math.toIntExact(Batch.sampleElements(sampleShape()));
    }

    /** Consecutive batches of at most {@code batchSize} samples, in index order. */
    default Iterator<Batch> batches(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("Batch size must be > 0, got " + batchSize);
        }
        final int n = size();
        final int per = sampleElements();
        final int[] shape = sampleShape();
        final boolean labelled = numClasses() > 0;
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < n;
            }

            @Override
            public Batch next() {
                if (next >= n) {
                    throw new NoSuchElementException();
                }
                int count = Math.min(batchSize, n - next);
                float[] data = new float[Math.multiplyExact(count, per)];
                int[] labels = labelled ? new int[count] : null;
                for (int i = 0; i < count; i++) {
                    read(next + i, data, i * per);
                    if (labelled) {
                        labels[i] = label(next + i);
                    }
                }
                next += count;
                return new Batch(data, count, shape, Optional.ofNullable(labels));
            }
        };
    }
}
