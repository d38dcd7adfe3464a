package org.quant4j.api.data;

/**
 * A base for test datasets of unlabelled named samples: a subclass gives {@link #size()},
 * {@link #inputs()} and {@link #namedBatch}; the float-sample accessors throw, as for every dataset
 * of named inputs.
 */
public abstract class UnlabelledNamedData implements Dataset {

    @Override
    public int[] sampleShape() {
        throw new UnsupportedOperationException("named inputs");
    }

    @Override
    public void read(int index, float[] dest, int offset) {
        throw new UnsupportedOperationException("named inputs");
    }

    @Override
    public int numClasses() {
        return 0;
    }

    @Override
    public int label(int index) {
        return -1;
    }

    @Override
    public String fingerprint() {
        return getClass().getSimpleName() + "-" + size();
    }
}
