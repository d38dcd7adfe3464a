package org.quant4j.bench;

import java.util.SplittableRandom;
import org.quant4j.api.data.Dataset;

/**
 * Seeded synthetic images for speed benchmarks, where only shapes matter: values uniform in
 * [-2, 2] (the span of ImageNet-normalised pixels), generated on demand so memory stays flat.
 */
final class RandomImages implements Dataset {

    private final int size;
    private final int[] shape;
    private final long seed;

    RandomImages(int size, int[] shape, long seed) {
        this.size = size;
        this.shape = shape.clone();
        this.seed = seed;
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
        return 0;
    }

    @Override
    public void read(int index, float[] dest, int offset) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index);
        int n = sampleElements();
        for (int i = 0; i < n; i++) {
            dest[offset + i] = (float) (random.nextDouble() * 4 - 2);
        }
    }

    @Override
    public int label(int index) {
        return -1;
    }

    @Override
    public String fingerprint() {
        return "random-images:" + size + ":" + java.util.Arrays.toString(shape) + ":" + seed;
    }
}
