package org.quant4j.qat.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Objects;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;

/**
 * Labelled images of one shape held in Java arrays, so that a training epoch gathers its batches
 * without re-reading the dataset. Fashion-MNIST's 60,000 training images take 188 MB as floats.
 * Immutable.
 */
public final class InMemoryImages {

    private final float[] pixels;
    private final int[] labels;
    private final int[] sampleShape;
    private final int sampleElements;
    private final int numClasses;

    private InMemoryImages(float[] pixels, int[] labels, int[] sampleShape, int numClasses) {
        this.pixels = pixels;
        this.labels = labels;
        this.sampleShape = sampleShape;
        this.sampleElements = Math.toIntExact((long) sampleShape[0] * sampleShape[1] * sampleShape[2]);
        this.numClasses = numClasses;
    }

    /**
     * Reads every sample of {@code dataset}.
     *
     * @throws InvalidInputException when the samples are not CHW images or a label is missing
     */
    public static InMemoryImages of(Dataset dataset) {
        Objects.requireNonNull(dataset, "dataset");
        int[] shape = dataset.sampleShape();
        if (shape.length != 3) {
            throw new InvalidInputException("Training needs images of shape [C, H, W], but " + dataset + " has samples of"
                    + " shape " + Arrays.toString(shape));
        }
        int n = dataset.size();
        int per = dataset.sampleElements();
        float[] pixels = new float[Math.multiplyExact(n, per)];
        int[] labels = new int[n];
        int classes = dataset.numClasses();
        for (int i = 0; i < n; i++) {
            dataset.read(i, pixels, i * per);
            labels[i] = dataset.label(i);
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new InvalidInputException("Sample " + i + " of " + dataset + " has label " + labels[i]
                        + ", outside 0.." + (classes - 1) + "; training needs every sample labelled");
            }
        }
        return new InMemoryImages(pixels, labels, shape.clone(), classes);
    }

    /** Number of images. */
    public int size() {
        return labels.length;
    }

    /** Shape of one image, {@code [C, H, W]}. */
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    /** Number of classes. */
    public int numClasses() {
        return numClasses;
    }

    /** Label of image {@code i}. */
    public int label(int i) {
        return labels[i];
    }

    /** The images at {@code indices[from..to)} as an NCHW float32 array of {@code manager}. */
    public NDArray images(NDManager manager, int[] indices, int from, int to) {
        int count = to - from;
        float[] batch = new float[count * sampleElements];
        for (int i = 0; i < count; i++) {
            System.arraycopy(pixels, indices[from + i] * sampleElements, batch, i * sampleElements, sampleElements);
        }
        return manager.create(batch, new Shape(count, sampleShape[0], sampleShape[1], sampleShape[2]));
    }

    /** The labels at {@code indices[from..to)} as an int32 vector of {@code manager}. */
    public NDArray labels(NDManager manager, int[] indices, int from, int to) {
        int[] batch = new int[to - from];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = labels[indices[from + i]];
        }
        return manager.create(batch);
    }

    /** The indices {@code 0..size-1} in order. */
    public int[] allIndices() {
        int[] all = new int[size()];
        Arrays.setAll(all, i -> i);
        return all;
    }
}
