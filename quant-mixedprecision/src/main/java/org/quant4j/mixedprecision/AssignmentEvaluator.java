package org.quant4j.mixedprecision;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.quant4j.api.ModelException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.sensitivity.PreparedModel;
import org.quant4j.sensitivity.TableCalibration;
import org.quant4j.sensitivity.VariantScore;
import org.quant4j.sensitivity.VariantScoring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the model of an assignment from the one calibration table (quant-sensitivity's
 * {@link PreparedModel}) and measures it: drop on the validation split (quant-sensitivity's
 * {@link VariantScoring}, one stage over the samples asked for) and latency from the profile. Each
 * assignment is built and measured once; later asks are answered from the cache.
 */
final class AssignmentEvaluator {

    private static final Logger LOG = LoggerFactory.getLogger(AssignmentEvaluator.class);

    private final PreparedModel prepared;
    private final TableCalibration table;
    private final QuantizationConfig base;
    private final VariantScoring validation;
    private final int validationSize;
    private final VariantScoring subset;
    private final int subsetSize;
    private final LatencyProfiler profiler;
    private final Path dir;
    private final Path fp32;
    private final String allFloatKey;
    private final Map<String, Path> files = new HashMap<>();
    private final Map<Path, LatencyProfiler.Timing> latency = new HashMap<>();
    private final Map<String, Assignment> effective = new HashMap<>();
    private final Map<String, Evaluated> full = new HashMap<>();
    private final Map<String, Evaluated> partial = new HashMap<>();
    private int built;

    AssignmentEvaluator(PreparedModel prepared, TableCalibration table, QuantizationConfig base,
            VariantScoring validation, int validationSize, VariantScoring subset, int subsetSize,
            LatencyProfiler profiler, Path dir, Path fp32, List<String> layers) {
        this.prepared = prepared;
        this.table = table;
        this.base = base;
        this.validation = validation;
        this.validationSize = validationSize;
        this.subset = subset;
        this.subsetSize = subsetSize;
        this.profiler = profiler;
        this.dir = dir;
        this.fp32 = fp32;
        this.allFloatKey = Assignment.uniform(layers, LayerChoice.FLOAT).key();
    }

    /**
     * The model file of {@code a}, built once; empty when the quantizer quantizes nothing with it (a
     * layer alone that reads only float tensors). Every layer in float is the float model itself.
     * Assignments the quantizer builds into the same model ({@link #effective}) share one file.
     */
    Optional<Path> file(Assignment a) {
        String key = a.key();
        if (key.equals(allFloatKey)) {
            return Optional.of(fp32);
        }
        Path f = files.get(key);
        if (f != null) {
            return Optional.of(f);
        }
        PreparedModel.Quantized q;
        try {
            q = prepared.quantized(a.config(base), table);
        } catch (ModelException e) {
            LOG.info("Assignment {} quantizes nothing: {}", key, e.getMessage());
            return Optional.empty();
        }
        Assignment built = effective(a, q.result().decisions());
        effective.put(key, built);
        f = files.get(built.key());
        if (f == null) {
            f = dir.resolve("a" + this.built + ".onnx");
            q.graph().toModel().write(f);
            this.built++;
            files.put(built.key(), f);
        }
        files.put(key, f);
        return Optional.of(f);
    }

    /**
     * The assignment the quantizer builds for {@code a}: a layer it leaves in float although
     * {@code a} quantizes it (the quantizer keeps a layer float when its input comes from a float
     * layer that ONNX Runtime would otherwise fuse with the QuantizeLinear) is float. Empty when
     * {@code a} quantizes nothing.
     */
    Optional<Assignment> effective(Assignment a) {
        if (a.key().equals(allFloatKey)) {
            return Optional.of(a);
        }
        return file(a).map(f -> effective.get(a.key()));
    }

    private static Assignment effective(Assignment a, List<NodeDecision> decisions) {
        Assignment e = a;
        for (NodeDecision d : decisions) {
            if (a.choices().containsKey(d.nodeName()) && d.action() != NodeDecision.Action.QUANTIZED) {
                e = e.with(d.nodeName(), LayerChoice.FLOAT);
            }
        }
        return e;
    }

    /** The profiled latency of {@code a} in microseconds; empty when it cannot be built. */
    Optional<Double> latency(Assignment a) {
        return timing(a).map(LatencyProfiler.Timing::micros);
    }

    /** The profile of {@code a}: latency and standalone boundaries, once per model; empty when it cannot be built. */
    Optional<LatencyProfiler.Timing> timing(Assignment a) {
        Optional<Path> f = file(a);
        if (f.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(latency.computeIfAbsent(f.get(), profiler::timing));
    }

    /**
     * The least wall-clock milliseconds of one batch of each assignment's model, timed side by side in
     * interleaved rounds, so that a change of load falls on each alike (profiles taken minutes apart
     * under changing load can order two models unlike the wall clock).
     */
    double[] wallClock(List<Assignment> assignments) {
        return profiler.wallClock(assignments.stream().map(a -> file(a).orElseThrow(
                () -> new ModelException("Assignment " + a.key() + " quantizes nothing"))).toList());
    }

    /** {@code a} measured on the whole validation split. */
    Evaluated onValidation(Assignment a) {
        return measure(a, full, validation, validationSize);
    }

    /** {@code a} measured on the first samples of the validation order (the evolutionary search's subset). */
    Evaluated onSubset(Assignment a) {
        return measure(a, partial, subset, subsetSize);
    }

    private Evaluated measure(Assignment a, Map<String, Evaluated> cache, VariantScoring scoring, int n) {
        Evaluated e = cache.get(a.key());
        if (e != null) {
            return e;
        }
        Path f = file(a).orElseThrow(() -> new ModelException("Assignment " + a.key() + " quantizes nothing"));
        double micros = latency(a).orElseThrow();
        ConfidenceInterval drop;
        if (f.equals(fp32)) {
            drop = ConfidenceInterval.exactly(0, 0.95);
        } else {
            VariantScore s = scoring.score(f, n);
            drop = s.drop();
        }
        e = new Evaluated(a, drop, n, micros, size(f));
        cache.put(a.key(), e);
        LOG.debug("Assignment {}: drop {} latency {} us", a.key(), drop.estimate(), micros);
        return e;
    }

    /** Models built so far. */
    int built() {
        return built;
    }

    /** Everything measured on the whole validation split. */
    List<Evaluated> validated() {
        return new ArrayList<>(full.values());
    }

    /** Everything measured on the subset. */
    List<Evaluated> subsetMeasured() {
        return new ArrayList<>(partial.values());
    }

    /** The float model's file. */
    Path fp32() {
        return fp32;
    }

    /**
     * The Pareto front of {@code evaluated}: no other is both faster and of smaller drop; fastest first.
     */
    static List<Evaluated> front(List<Evaluated> evaluated) {
        List<Evaluated> sorted = new ArrayList<>(evaluated);
        sorted.sort(Comparator.comparingDouble(Evaluated::latencyMicros)
                .thenComparingDouble(e -> e.drop().estimate()).thenComparing(e -> e.assignment().key()));
        List<Evaluated> front = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (Evaluated e : sorted) {
            if (e.drop().estimate() < best) {
                front.add(e);
                best = e.drop().estimate();
            }
        }
        return front;
    }

    static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the size of " + f, e);
        }
    }
}
