package org.quant4j.onnxruntime;

import java.util.Arrays;
import org.quant4j.api.data.Dataset;

/**
 * Samples given as arrays, one row per sample (NaN and infinities allowed), with optional labels.
 *
 * @param rows        the samples, each of {@code sampleShape}'s element count
 * @param labels      one label per row, or null for unlabelled samples
 * @param sampleShape shape of one sample
 * @param numClasses  number of classes, 0 when unlabelled
 */
public record ArrayDataset(float[][] rows, int[] labels, int[] sampleShape, int numClasses) implements Dataset {

    /** Unlabelled samples of {@code sampleShape}. */
    public static ArrayDataset unlabelled(float[][] rows, int... sampleShape) {
        return new ArrayDataset(rows, null, sampleShape, 0);
    }

    @Override
    public int size() {
        return rows.length;
    }

    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public void read(int index, float[] dest, int offset) {
        System.arraycopy(rows[index], 0, dest, offset, rows[index].length);
    }

    @Override
    public int label(int index) {
        return labels == null ? -1 : labels[index];
    }

    @Override
    public String fingerprint() {
        return "arrays-" + rows.length + "-" + Arrays.deepHashCode(rows);
    }
}
