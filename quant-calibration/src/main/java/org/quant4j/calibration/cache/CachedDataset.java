package org.quant4j.calibration.cache;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Objects;

import org.quant4j.api.data.Dataset;
import org.quant4j.calibration.data.MappedRecords;

/**
 * Preprocessed samples read back from a {@link CalibrationCache} file. The float data is
 * memory-mapped, so opening it costs no heap beyond the labels; its fingerprint is the fingerprint
 * of the dataset it was built from. Thread-safe.
 */
public final class CachedDataset implements Dataset {

    private final Path file;
    private final String fingerprint;
    private final int[] sampleShape;
    private final int numClasses;
    private final int[] labels;
    private final MappedRecords data;

    CachedDataset(Path file, String fingerprint, int[] sampleShape, int numClasses, int[] labels, MappedRecords data) {
        this.file = file;
        this.fingerprint = fingerprint;
        this.sampleShape = sampleShape.clone();
        this.numClasses = numClasses;
        this.labels = labels;
        this.data = data;
    }

    /** The cache file behind this dataset. */
    public Path file() {
        return file;
    }

    @Override
    public int size() {
        return data.count();
    }

    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public void read(int index, float[] dest, int offset) {
        data.record(index, ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(dest, offset, data.recordBytes() / Float.BYTES);
    }

    @Override
    public int label(int index) {
        Objects.checkIndex(index, data.count());
        return labels == null ? -1 : labels[index];
    }

    /** The fingerprint of the dataset this entry was built from. */
    @Override
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "CachedDataset[" + file + ", " + data.count() + " samples]";
    }
}
