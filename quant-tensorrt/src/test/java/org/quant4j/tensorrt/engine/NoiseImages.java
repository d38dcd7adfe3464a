package org.quant4j.tensorrt.engine;

import java.util.SplittableRandom;
import org.quant4j.api.data.Dataset;

/** {@code size} seeded noise images {@code [1, 28, 28]} in [0, 1), labelled {@code i % 10}. */
record NoiseImages(int size, long seed) implements Dataset {

    @Override
    public int[] sampleShape() {
        return new int[] {1, 28, 28};
    }

    @Override
    public int numClasses() {
        return 10;
    }

    @Override
    public void read(int index, float[] dest, int offset) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index);
        for (int i = 0; i < 28 * 28; i++) {
            dest[offset + i] = (float) random.nextDouble();
        }
    }

    @Override
    public int label(int index) {
        return index % 10;
    }

    @Override
    public String fingerprint() {
        return "noise-" + size + "-" + seed;
    }
}
