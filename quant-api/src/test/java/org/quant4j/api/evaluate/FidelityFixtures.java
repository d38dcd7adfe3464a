package org.quant4j.api.evaluate;

import java.util.SplittableRandom;

/** Seeded test vectors for fidelity tests: a reference output and scaled copies of it. */
public final class FidelityFixtures {

    private FidelityFixtures() {
    }

    /** {@code n} values uniform in [-1, 1) from {@code seed}. */
    public static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** {@code v} times {@code factor}, element by element. */
    public static float[] scaled(float[] v, double factor) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] * factor);
        }
        return out;
    }
}
