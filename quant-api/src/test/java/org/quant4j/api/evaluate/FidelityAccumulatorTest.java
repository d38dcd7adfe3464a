package org.quant4j.api.evaluate;

import static org.quant4j.api.evaluate.FidelityFixtures.random;
import static org.quant4j.api.evaluate.FidelityFixtures.scaled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quant4j.api.ModelException;
import org.quant4j.api.Provenance;
import org.quant4j.api.data.Tensor;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.api.stats.PercentileBootstrap;

class FidelityAccumulatorTest {

    private static final PercentileBootstrap BOOTSTRAP = new PercentileBootstrap(300, 0.95, 11);
    private static final Provenance NONE = Provenance.builder().build();

    private static Map<String, Tensor> outputs(Object... nameValuesShape) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValuesShape.length; i += 3) {
            m.put((String) nameValuesShape[i],
                    Tensor.ofFloats((float[]) nameValuesShape[i + 1], (long[]) nameValuesShape[i + 2]));
        }
        return m;
    }

    @Test
    void scaledOutputsHaveTheClosedFormSqnrAndErrors() {
        // Candidate = reference * (1 + e): noise = e * signal, so SQNR = -20 log10(e) exactly,
        // cosine 1, max and mean absolute error e times those of |reference|.
        float[] a = random(40 * 8, 1);
        float[] b = random(40 * 3 * 5, 2);
        long[] aShape = {40, 8};
        long[] bShape = {40, 3, 5};
        FidelityAccumulator acc = new FidelityAccumulator(-1, List.of());
        // Two batches of 20 samples each.
        for (int half = 0; half < 2; half++) {
            float[] ra = java.util.Arrays.copyOfRange(a, half * 160, half * 160 + 160);
            float[] rb = java.util.Arrays.copyOfRange(b, half * 300, half * 300 + 300);
            long[] as = {20, 8};
            long[] bs = {20, 3, 5};
            acc.add(outputs("a", ra, as, "b", rb, bs),
                    outputs("b", scaled(rb, 1.02), bs, "a", scaled(ra, 1.001), as, "extra", ra, as));
        }
        FidelityResult result = acc.result(BOOTSTRAP, NONE);
        assertEquals(40, result.samples());
        assertEquals(List.of("a", "b"), result.outputs().stream().map(OutputFidelity::name).toList());
        OutputFidelity fa = result.output("a");
        OutputFidelity fb = result.output("b");
        assertEquals(60.0, fa.sqnrDb().estimate(), 1e-3);
        assertEquals(-20 * Math.log10(0.02), fb.sqnrDb().estimate(), 1e-3);
        assertArrayEquals(new long[] {8}, fa.sampleShape());
        assertArrayEquals(new long[] {3, 5}, fb.sampleShape());
        assertEquals(1.0, fa.cosine().estimate(), 1e-9);
        double maxAbs = 0;
        double sumAbs = 0;
        for (float v : a) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
            sumAbs += Math.abs(v);
        }
        assertEquals(0.001 * maxAbs, fa.maxAbsError().estimate(), 1e-6);
        assertEquals(0.001 * sumAbs / a.length, fa.meanAbsError().estimate(), 1e-6);
        // A positive scale keeps every argmax.
        assertEquals(1.0, fb.argmaxAgreement().orElseThrow().estimate());
        assertEquals(1.0, fb.sequenceAgreement().orElseThrow().estimate());
        assertEquals(2, fb.argmaxAxis());
        assertTrue(fa.sqnrDb().contains(fa.sqnrDb().estimate()));
    }

    @Test
    void identicalOutputsHaveInfiniteSqnrAndFullAgreement() {
        float[] v = random(10 * 4, 3);
        long[] shape = {10, 4};
        FidelityAccumulator acc = new FidelityAccumulator(-1, List.of());
        acc.add(outputs("y", v, shape), outputs("y", v.clone(), shape));
        OutputFidelity f = acc.result(BOOTSTRAP, NONE).output("y");
        assertEquals(ConfidenceInterval.exactly(Double.POSITIVE_INFINITY, 0.95), f.sqnrDb());
        assertEquals(ConfidenceInterval.exactly(0, 0.95), f.maxAbsError());
        assertEquals(ConfidenceInterval.exactly(0, 0.95), f.meanAbsError());
        assertEquals(1.0, f.cosine().estimate(), 1e-12);
        assertEquals(ConfidenceInterval.exactly(1, 0.95), f.argmaxAgreement().orElseThrow());
        assertEquals(0, f.nonFiniteValues());
    }

    @Test
    void knownNoiseGivesItsSqnr() {
        // Noise of +-d on every element: noise energy = elements * d^2. Values on a grid of 2^-10
        // and d = 2^-7 make every sum exact in float.
        int n = 50;
        float[] r = random(n * 16, 4);
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.round(r[i] * 1024) / 1024f;
        }
        float d = 0x1p-7f;
        float[] c = new float[r.length];
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < r.length; i++) {
            c[i] = r[i] + (i % 2 == 0 ? d : -d);
            signal += (double) r[i] * r[i];
            double e = (double) c[i] - r[i];
            noise += e * e;
        }
        assertEquals(r.length * (double) d * d, noise);
        FidelityAccumulator acc = new FidelityAccumulator(-1, List.of());
        acc.add(outputs("y", r, new long[] {n, 16}), outputs("y", c, new long[] {n, 16}));
        OutputFidelity f = acc.result(BOOTSTRAP, NONE).output("y");
        assertEquals(10 * Math.log10(signal / (r.length * (double) d * d)), f.sqnrDb().estimate(), 1e-3);
        assertEquals(d, f.meanAbsError().estimate(), 1e-12);
    }

    /** 4 samples, 3 positions, 2 classes; the candidate flips 0, 1, 3 and 0 positions of them. */
    private static float[][] sequences() {
        int[][] refClass = {{0, 1, 0}, {1, 1, 0}, {0, 0, 1}, {1, 0, 1}};
        int[][] flip = {{0, 0, 0}, {0, 1, 0}, {1, 1, 1}, {0, 0, 0}};
        float[] ref = new float[4 * 3 * 2];
        float[] cand = new float[ref.length];
        for (int s = 0; s < 4; s++) {
            for (int t = 0; t < 3; t++) {
                int rc = refClass[s][t];
                int cc = flip[s][t] == 1 ? 1 - rc : rc;
                ref[(s * 3 + t) * 2 + rc] = 2;
                ref[(s * 3 + t) * 2 + 1 - rc] = 1;
                cand[(s * 3 + t) * 2 + cc] = 1.5f;
                cand[(s * 3 + t) * 2 + 1 - cc] = 0.5f;
            }
        }
        return new float[][] {ref, cand};
    }

    @Test
    void argmaxAgreementPerPositionAndPerSequence() {
        float[][] v = sequences();
        long[] shape = {4, 3, 2};
        FidelityAccumulator acc = new FidelityAccumulator(-1, List.of());
        acc.add(outputs("seq", v[0], shape), outputs("seq", v[1], shape));
        OutputFidelity f = acc.result(BOOTSTRAP, NONE).output("seq");
        // 3 + 2 + 0 + 3 of 12 positions agree; samples 0 and 3 agree everywhere.
        assertEquals(8.0 / 12, f.argmaxAgreement().orElseThrow().estimate(), 1e-12);
        assertEquals(0.5, f.sequenceAgreement().orElseThrow().estimate(), 1e-12);
    }

    @Test
    void argmaxAlongAMiddleAxis() {
        // The same sequences laid out [N, C, T], compared along axis 1.
        float[][] v = sequences();
        float[][] t = new float[2][v[0].length];
        for (int k = 0; k < 2; k++) {
            for (int s = 0; s < 4; s++) {
                for (int p = 0; p < 3; p++) {
                    for (int c = 0; c < 2; c++) {
                        t[k][(s * 2 + c) * 3 + p] = v[k][(s * 3 + p) * 2 + c];
                    }
                }
            }
        }
        long[] shape = {4, 2, 3};
        FidelityAccumulator acc = new FidelityAccumulator(1, List.of());
        acc.add(outputs("seq", t[0], shape), outputs("seq", t[1], shape));
        OutputFidelity f = acc.result(BOOTSTRAP, NONE).output("seq");
        assertEquals(1, f.argmaxAxis());
        assertEquals(8.0 / 12, f.argmaxAgreement().orElseThrow().estimate(), 1e-12);
        assertEquals(0.5, f.sequenceAgreement().orElseThrow().estimate(), 1e-12);
    }

    @Test
    void taskMetricSeesEachSampleAndIsAveraged() {
        float[][] v = sequences();
        long[] shape = {4, 3, 2};
        List<long[]> shapes = new ArrayList<>();
        SampleMetric firstPositionAgrees = new SampleMetric() {
            @Override
            public String name() {
                return "first-position";
            }

            @Override
            public double score(Map<String, Tensor> reference, Map<String, Tensor> candidate) {
                shapes.add(reference.get("seq").shape());
                var r = reference.get("seq").floats();
                var c = candidate.get("seq").floats();
                return (r.get(0) > r.get(1)) == (c.get(0) > c.get(1)) ? 1 : 0;
            }
        };
        FidelityAccumulator acc = new FidelityAccumulator(-1, List.of(firstPositionAgrees));
        acc.add(outputs("seq", v[0], shape), outputs("seq", v[1], shape));
        FidelityResult result = acc.result(BOOTSTRAP, NONE);
        // Only sample 2 flips its first position.
        assertEquals(0.75, result.metrics().get("first-position").estimate(), 1e-12);
        assertEquals(4, shapes.size());
        assertArrayEquals(new long[] {3, 2}, shapes.get(0));
    }

    @Test
    void intervalOfSqnrShrinksWithMoreSamples() {
        ConfidenceInterval small = noisySqnr(50);
        ConfidenceInterval large = noisySqnr(5000);
        assertTrue(small.contains(small.estimate()) && large.contains(large.estimate()));
        assertTrue(large.width() < small.width() / 4, small.width() + " vs " + large.width());
        // Uniform(-1, 1) signal has power 1/3, uniform(-0.05, 0.05) noise 0.0025/3: 10 log10(400) = 26.0 dB.
        assertEquals(26.02, large.estimate(), 0.2);
    }

    private static ConfidenceInterval noisySqnr(int n) {
        float[] r = random(n * 8, 5);
        float[] noise = random(n * 8, 6);
        float[] c = new float[r.length];
        for (int i = 0; i < r.length; i++) {
            c[i] = r[i] + 0.05f * noise[i];
        }
        FidelityAccumulator acc = new FidelityAccumulator(-1, List.of());
        acc.add(outputs("y", r, new long[] {n, 8}), outputs("y", c, new long[] {n, 8}));
        return acc.result(BOOTSTRAP, NONE).output("y").sqnrDb();
    }

    @Test
    void nonFiniteCandidateValuesAreCountedAsInfiniteErrors() {
        float[] r = {1, 2, 3, 4};
        float[] c = {1, Float.POSITIVE_INFINITY, 3, Float.NaN};
        FidelityAccumulator acc = new FidelityAccumulator(-1, List.of());
        acc.add(outputs("y", r, new long[] {2, 2}), outputs("y", c, new long[] {2, 2}));
        OutputFidelity f = acc.result(BOOTSTRAP, NONE).output("y");
        assertEquals(2, f.nonFiniteValues());
        assertEquals(Double.POSITIVE_INFINITY, f.maxAbsError().estimate());
        assertEquals(Double.NEGATIVE_INFINITY, f.sqnrDb().estimate());
        assertEquals(0.0, f.cosine().estimate());
    }

    @Test
    void mismatchedOutputsAreRefused() {
        FidelityAccumulator acc = new FidelityAccumulator(-1, List.of());
        float[] v = {1, 2};
        assertThrows(ModelException.class,
                () -> acc.add(outputs("y", v, new long[] {1, 2}), outputs("z", v, new long[] {1, 2})));
        assertThrows(ModelException.class,
                () -> acc.add(outputs("y", v, new long[] {1, 2}), outputs("y", v, new long[] {2, 1})));
        assertThrows(org.quant4j.api.InvalidInputException.class,
                () -> new FidelityAccumulator(-1, List.of()).result(BOOTSTRAP, NONE));
    }
}
