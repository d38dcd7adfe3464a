package org.quant4j.api.evaluate;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.ModelException;
import org.quant4j.api.Provenance;
import org.quant4j.api.data.ElementType;
import org.quant4j.api.data.Tensor;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.api.stats.PercentileBootstrap.Statistic;
import org.quant4j.api.stats.PercentileBootstrap;

/**
 * The statistics of a fidelity evaluation, fed batch by batch with the outputs of a reference
 * model and of the evaluated model on the same samples, backend-neutral so that every
 * {@link Evaluator} computes them the same way. It keeps a few numbers per sample and output
 * (signal and noise energy, cosine, largest and summed absolute error, argmax agreement) and one
 * per sample and task metric, never the outputs: memory grows by those numbers only, and a batch is
 * not referenced after {@link #add} returns. Not thread-safe.
 */
public final class FidelityAccumulator {

    private final int argmaxAxis;
    private final List<SampleMetric> metrics;
    private final Map<String, OutputStatistics> outputs = new LinkedHashMap<>();
    private final List<Doubles> metricScores = new ArrayList<>();
    private int samples;

    /**
     * @param argmaxAxis the axis of the full outputs to take argmax along (negative from the end,
     *                   never 0)
     * @param metrics    task metrics computed per sample
     */
    public FidelityAccumulator(int argmaxAxis, List<SampleMetric> metrics) {
        if (argmaxAxis == 0) {
            throw new InvalidInputException("The argmax axis cannot be 0, the batch axis");
        }
        this.argmaxAxis = argmaxAxis;
        this.metrics = List.copyOf(metrics);
        for (int i = 0; i < this.metrics.size(); i++) {
            metricScores.add(new Doubles());
        }
    }

    /**
     * Samples added so far.
     *
     * @return the count of samples of all batches added
     */
    public int samples() {
        return samples;
    }

    /**
     * Adds one batch: the float32 outputs of both models by name, each with the batch's samples on
     * its first axis. Outputs only the candidate gives are ignored.
     *
     * @param reference the reference model's outputs by name
     * @param candidate the evaluated model's outputs by name
     * @throws ModelException when the candidate lacks one of the reference's outputs, or an output
     *                        has another shape than the reference's
     */
    public void add(Map<String, Tensor> reference, Map<String, Tensor> candidate) {
        if (!outputs.isEmpty() && !outputs.keySet().equals(reference.keySet())) {
            throw new ModelException("The reference model gave outputs " + reference.keySet() + " for this batch but "
                    + outputs.keySet() + " for the earlier ones");
        }
        int batch = -1;
        for (Map.Entry<String, Tensor> e : reference.entrySet()) {
            String name = e.getKey();
            Tensor r = e.getValue();
            Tensor c = candidate.get(name);
            if (c == null) {
                throw new ModelException("The evaluated model gives no float32 output '" + name + "', which the"
                        + " reference gives; its outputs are " + candidate.keySet()
                        + ": compare a model with the reference it was made from");
            }
            long[] shape = r.shape();
            if (!Arrays.equals(shape, c.shape())) {
                throw new ModelException("Output '" + name + "' has shape " + Arrays.toString(c.shape())
                        + " but the reference's has " + Arrays.toString(shape)
                        + ": compare a model with the reference it was made from");
            }
            if (r.type() != ElementType.FLOAT32 || shape.length == 0) {
                throw new InvalidInputException("Output '" + name + "' must be a float32 tensor with a batch axis, got "
                        + r);
            }
            if (batch >= 0 && shape[0] != batch) {
                throw new ModelException("Output '" + name + "' holds " + shape[0] + " samples, other outputs " + batch
                        + ": every output needs the batch on its first axis");
            }
            batch = Math.toIntExact(shape[0]);
            outputs.computeIfAbsent(name, n -> new OutputStatistics(n, shape)).add(r, c, resolveAxis(shape));
        }
        if (batch < 0) {
            throw new ModelException("The reference model gave no float32 output to compare");
        }
        if (!metrics.isEmpty()) {
            for (int i = 0; i < batch; i++) {
                Map<String, Tensor> ref = sample(reference, i, batch);
                Map<String, Tensor> cand = sample(candidate, i, batch);
                for (int m = 0; m < metrics.size(); m++) {
                    double score = metrics.get(m).score(ref, cand);
                    if (!Double.isFinite(score)) {
                        throw new InvalidInputException("Task metric '" + metrics.get(m).name() + "' gave " + score
                                + " for sample " + (samples + i) + ": a metric must give a finite score");
                    }
                    metricScores.get(m).add(score);
                }
            }
        }
        samples += batch;
    }

    /**
     * The statistics of every sample added, with intervals from {@code bootstrap}.
     *
     * @param bootstrap the seeded bootstrap the intervals are drawn with
     * @param provenance what made the numbers, recorded in the result
     * @return the per-output and task statistics with their intervals
     * @throws InvalidInputException when no sample was added
     */
    public FidelityResult result(PercentileBootstrap bootstrap, Provenance provenance) {
        if (samples == 0) {
            throw new InvalidInputException("No sample was compared: give data with at least one sample");
        }
        List<OutputFidelity> out = new ArrayList<>();
        for (OutputStatistics s : outputs.values()) {
            out.add(s.fidelity(bootstrap, samples));
        }
        Map<String, ConfidenceInterval> task = new LinkedHashMap<>();
        for (int m = 0; m < metrics.size(); m++) {
            task.put(metrics.get(m).name(),
                    bootstrap.interval(samples, PercentileBootstrap.mean(metricScores.get(m).toArray())));
        }
        return new FidelityResult(samples, out, task, provenance);
    }

    /** The argmax axis of an output of {@code shape}, or -1 when it has only the batch axis. */
    private int resolveAxis(long[] shape) {
        if (shape.length == 1) {
            return -1;
        }
        int axis = argmaxAxis < 0 ? shape.length + argmaxAxis : argmaxAxis;
        if (axis <= 0 || axis >= shape.length) {
            throw new InvalidInputException("Argmax axis " + argmaxAxis + " is not an axis of an output of shape "
                    + Arrays.toString(shape) + " other than the batch axis: choose an axis in 1.." + (shape.length - 1)
                    + " or -1.." + (1 - shape.length));
        }
        return axis;
    }

    /** Sample {@code i} of each output of a batch of {@code batch}, the batch axis removed (copied). */
    private static Map<String, Tensor> sample(Map<String, Tensor> outputs, int i, int batch) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        outputs.forEach((name, t) -> {
            if (t.type() != ElementType.FLOAT32) {
                return;
            }
            long[] shape = t.shape();
            int per = t.elements() / batch;
            float[] values = new float[per];
            t.floats().get(i * per, values);
            out.put(name, Tensor.ofFloats(values, Arrays.copyOfRange(shape, 1, shape.length)));
        });
        return out;
    }

    /** Per-sample numbers of one output. */
    private static final class OutputStatistics {
        private final String name;
        private final long[] sampleShape;
        private int axis = -2;
        private final Doubles signal = new Doubles();
        private final Doubles noise = new Doubles();
        private final Doubles cosine = new Doubles();
        private final Doubles maxAbs = new Doubles();
        private final Doubles sumAbs = new Doubles();
        private final Doubles elements = new Doubles();
        private final Doubles agreeing = new Doubles();
        private final Doubles positions = new Doubles();
        private final Doubles sequence = new Doubles();
        private long nonFinite;

        OutputStatistics(String name, long[] shape) {
            this.name = name;
            this.sampleShape = Arrays.copyOfRange(shape, 1, shape.length);
        }

        void add(Tensor reference, Tensor candidate, int axis) {
            this.axis = axis;
            long[] shape = reference.shape();
            int batch = Math.toIntExact(shape[0]);
            FloatBuffer r = reference.floats();
            FloatBuffer c = candidate.floats();
            int per = batch == 0 ? 0 : reference.elements() / batch;
            // Argmax layout of one sample: outer positions x classes x inner positions.
            int classes = axis < 0 ? 1 : Math.toIntExact(shape[axis]);
            int inner = 1;
            for (int d = axis + 1; axis > 0 && d < shape.length; d++) {
                inner = Math.multiplyExact(inner, Math.toIntExact(shape[d]));
            }
            int outer = axis < 0 ? 0 : per / (classes * inner);
            for (int s = 0; s < batch; s++) {
                int base = s * per;
                double sig = 0;
                double err2 = 0;
                double dot = 0;
                double cc = 0;
                double max = 0;
                double abs = 0;
                boolean broken = false;
                for (int k = 0; k < per; k++) {
                    double a = r.get(base + k);
                    double b = c.get(base + k);
                    double d = Math.abs(a - b);
                    if (Double.isNaN(d)) {
                        d = Double.POSITIVE_INFINITY;
                    }
                    if (!Double.isFinite(b) && Double.isFinite(a)) {
                        nonFinite++;
                        broken = true;
                    }
                    sig += a * a;
                    err2 += d * d;
                    dot += a * b;
                    cc += b * b;
                    max = Math.max(max, d);
                    abs += d;
                }
                signal.add(sig);
                noise.add(err2);
                cosine.add(broken ? 0 : cosine(dot, sig, cc));
                maxAbs.add(max);
                sumAbs.add(abs);
                elements.add(per);
                if (axis > 0) {
                    int agree = 0;
                    for (int o = 0; o < outer; o++) {
                        for (int in = 0; in < inner; in++) {
                            int start = base + o * classes * inner + in;
                            if (argmax(r, start, classes, inner) == argmax(c, start, classes, inner)) {
                                agree++;
                            }
                        }
                    }
                    agreeing.add(agree);
                    positions.add((double) outer * inner);
                    sequence.add(agree == outer * inner ? 1 : 0);
                }
            }
        }

        OutputFidelity fidelity(PercentileBootstrap bootstrap, int samples) {
            double[] sig = signal.toArray();
            double[] err = noise.toArray();
            Statistic sqnr = idx -> {
                double s = 0;
                double e = 0;
                for (int i : idx) {
                    s += sig[i];
                    e += err[i];
                }
                return e == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(s / e);
            };
            List<Statistic> statistics = new ArrayList<>(List.of(sqnr, PercentileBootstrap.mean(cosine.toArray()),
                    PercentileBootstrap.max(maxAbs.toArray()),
                    PercentileBootstrap.ratio(sumAbs.toArray(), elements.toArray())));
            boolean argmax = axis > 0;
            if (argmax) {
                statistics.add(PercentileBootstrap.ratio(agreeing.toArray(), positions.toArray()));
                statistics.add(PercentileBootstrap.mean(sequence.toArray()));
            }
            List<ConfidenceInterval> ci = bootstrap.intervals(samples, statistics);
            return new OutputFidelity(name, sampleShape, ci.get(0), ci.get(1), ci.get(2), ci.get(3), argmax ? axis : -1,
                    argmax ? Optional.of(ci.get(4)) : Optional.empty(),
                    argmax ? Optional.of(ci.get(5)) : Optional.empty(), nonFinite);
        }

        private static double cosine(double dot, double aa, double bb) {
            if (aa == 0 && bb == 0) {
                return 1;
            }
            if (aa == 0 || bb == 0) {
                return 0;
            }
            return dot / Math.sqrt(aa * bb);
        }

        /** Index of the largest of {@code count} values {@code stride} apart; the first on ties; NaN never wins. */
        private static int argmax(FloatBuffer values, int start, int count, int stride) {
            int best = 0;
            float bestValue = values.get(start);
            for (int k = 1; k < count; k++) {
                float v = values.get(start + k * stride);
                if (v > bestValue || (Float.isNaN(bestValue) && !Float.isNaN(v))) {
                    best = k;
                    bestValue = v;
                }
            }
            return best;
        }
    }

    /** A growable array of doubles. */
    private static final class Doubles {
        private double[] values = new double[64];
        private int size;

        void add(double v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        double[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
