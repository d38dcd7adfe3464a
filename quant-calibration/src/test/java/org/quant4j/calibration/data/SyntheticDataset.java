package org.quant4j.calibration.data;

import java.util.concurrent.atomic.AtomicInteger;

import org.quant4j.api.data.Dataset;

/**
 * Test dataset whose element {@code j} of sample {@code i} is {@code i * 1000 + j}, with given
 * labels (or none), a fixed fingerprint, and a count of {@link #read} calls.
 */
public final class SyntheticDataset implements Dataset {

    private final int[] shape;
    private final int[] labels;
    private final int size;
    private final int numClasses;
    private final String fingerprint;
    private final AtomicInteger reads = new AtomicInteger();

    private SyntheticDataset(int size, int[] shape, int[] labels, int numClasses, String fingerprint) {
        this.size = size;
        this.shape = shape.clone();
        this.labels = labels;
        this.numClasses = numClasses;
        this.fingerprint = fingerprint;
    }

    /** Labelled samples; the number of classes is the largest label + 1. */
    public static SyntheticDataset labelled(int[] labels, int[] shape, String fingerprint) {
        int max = -1;
        for (int label : labels) {
            max = Math.max(max, label);
        }
        return new SyntheticDataset(labels.length, shape, labels.clone(), max + 1, fingerprint);
    }

    /** Unlabelled samples. */
    public static SyntheticDataset unlabelled(int size, int[] shape, String fingerprint) {
        return new SyntheticDataset(size, shape, null, 0, fingerprint);
    }

    /** The value {@link #read} writes for element {@code element} of sample {@code sample}. */
    public static float value(int sample, int element) {
        return sample * 1000f + element;
    }

    /** Number of {@link #read} calls so far. */
    public int reads() {
        return reads.get();
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int[] sampleShape() {
        return shape.clone();
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public void read(int index, float[] dest, int offset) {
        reads.incrementAndGet();
        for (int j = 0; j < sampleElements(); j++) {
            dest[offset + j] = value(index, j);
        }
    }

    @Override
    public int label(int index) {
        return labels == null ? -1 : labels[index];
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }
}
