package org.quant4j.api.data;

/**
 * A test dataset small enough to check by hand: sample {@code i} has shape {@code [1, 2]} and
 * values {@code {i, 10 + i}}; its label is {@code i % classes}, or -1 when {@code classes} is 0.
 */
public record TinyDataset(int size, int classes) implements Dataset {

    @Override
    public int[] sampleShape() {
        return new int[] {1, 2};
    }

    @Override
    public int numClasses() {
        return classes;
    }

    @Override
    public void read(int index, float[] dest, int offset) {
        dest[offset] = index;
        dest[offset + 1] = 10 + index;
    }

    @Override
    public int label(int index) {
        return classes == 0 ? -1 : index % classes;
    }

    @Override
    public String fingerprint() {
        return "tiny-" + size + "-" + classes;
    }
}
