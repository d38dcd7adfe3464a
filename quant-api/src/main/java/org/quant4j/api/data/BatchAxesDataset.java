package org.quant4j.api.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A dataset with chosen batch axes ({@link Dataset#withBatchAxes}); everything else is its parent's. */
final class BatchAxesDataset implements Dataset {

    private final Dataset parent;
    private final Map<String, Integer> axes;

    BatchAxesDataset(Dataset parent, Map<String, Integer> axes) {
        this.parent = Objects.requireNonNull(parent, "parent");
        Map<String, Integer> merged = new LinkedHashMap<>(parent.batchAxes());
        merged.putAll(axes);
        merged.forEach((name, axis) -> {
            if (axis < BatchLayout.NONE) {
                throw new IllegalArgumentException("Batch axis of input '" + name + "' must be >= 0 or NONE, got "
                        + axis);
            }
        });
        this.axes = Collections.unmodifiableMap(merged);
    }

    @Override
    public Map<String, Integer> batchAxes() {
        return axes;
    }

    @Override
    public int size() {
        return parent.size();
    }

    @Override
    public int[] sampleShape() {
        return parent.sampleShape();
    }

    @Override
    public int numClasses() {
        return parent.numClasses();
    }

    @Override
    public void read(int index, float[] dest, int offset) {
        parent.read(index, dest, offset);
    }

    @Override
    public int label(int index) {
        return parent.label(index);
    }

    @Override
    public String fingerprint() {
        return parent.fingerprint();
    }

    @Override
    public List<InputSpec> inputs() {
        return parent.inputs();
    }

    @Override
    public SampleShapes sampleShapes() {
        return parent.sampleShapes();
    }

    @Override
    public int shapeGroup(int index) {
        return parent.shapeGroup(index);
    }

    @Override
    public NamedBatch namedBatch(int[] indices, String singleInput) {
        return parent.namedBatch(indices, singleInput);
    }

    @Override
    public String toString() {
        return parent + " with batch axes " + axes;
    }
}
