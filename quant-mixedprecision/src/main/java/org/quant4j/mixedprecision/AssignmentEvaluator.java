package org.quant4j.mixedprecision;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.quant4j.api.ModelException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.quantize.Fp16Converter;
import org.quant4j.onnx.quantize.GraphQuantization;
import org.quant4j.onnx.quantize.QuantizationContext;
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
    private final LatencyMeter profiler;
    private final Path dir;
    private final Path fp32;
    private final String allFloatKey;
    private final Map<String, Path> files = new HashMap<>();
    private final Map<Path, LatencyMeter.Timing> latency = new HashMap<>();
    private final Map<String, Assignment> effective = new HashMap<>();
    private final Map<String, Evaluated> full = new HashMap<>();
    private final Map<String, Evaluated> partial = new HashMap<>();
    private int built;

    private static final Set<LayerChoice> INT8 = EnumSet.of(LayerChoice.INT8_PER_CHANNEL, LayerChoice.INT8_PER_TENSOR);

    AssignmentEvaluator(PreparedModel prepared, TableCalibration table, QuantizationConfig base,
            VariantScoring validation, int validationSize, VariantScoring subset, int subsetSize,
            LatencyMeter profiler, Path dir, Path fp32, List<String> layers) {
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
        Graph graph = null;
        Assignment built = a;
        if (a.count(LayerChoice.INT8_PER_CHANNEL) + a.count(LayerChoice.INT8_PER_TENSOR) > 0) {
            try {
                PreparedModel.Quantized q = prepared.quantized(a.config(base), table);
                graph = q.graph();
                built = effective(a, q.result().decisions(), INT8);
            } catch (ModelException e) {
                LOG.info("Assignment {} quantizes nothing: {}", key, e.getMessage());
                if (a.count(LayerChoice.FP16) == 0) {
                    return Optional.empty();
                }
                for (String l : a.layers(LayerChoice.INT8_PER_CHANNEL)) {
                    built = built.with(l, LayerChoice.FLOAT);
                }
                for (String l : a.layers(LayerChoice.INT8_PER_TENSOR)) {
                    built = built.with(l, LayerChoice.FLOAT);
                }
            }
        }
        if (graph == null) {
            // Only float and float16 layers: nothing to quantize.
            graph = prepared.copy();
        }
        if (built.count(LayerChoice.FP16) > 0) {
            built = toFloat16(graph, built);
        }
        if (built.key().equals(allFloatKey)) {
            // Asked for float16 or INT8 layers, but none could be built: the float model itself.
            files.put(key, fp32);
            effective.put(key, built);
            return Optional.of(fp32);
        }
        effective.put(key, built);
        f = files.get(built.key());
        if (f == null) {
            f = dir.resolve("a" + this.built + ".onnx");
            graph.toModel().write(f);
            this.built++;
            files.put(built.key(), f);
        }
        files.put(key, f);
        return Optional.of(f);
    }

    /**
     * Converts the float16 layers of {@code a} in {@code graph} (quant-onnx's {@link Fp16Converter}
     * with those layers alone included; graph inputs and outputs stay float32): each is computed in
     * float16 between {@code Cast} nodes, its weights stored as float16. Ranges are not checked here
     * (the converter would need every tensor's range); a layer whose values leave the float16 range
     * shows as a large drop when the model is measured. A layer the converter keeps in float32 (an op
     * on its block list) is float in the returned assignment.
     */
    private static Assignment toFloat16(Graph graph, Assignment a) {
        QuantizationConfig.Builder only = QuantizationConfig.builder().mode(QuantizationMode.FP16);
        a.layers(LayerChoice.FP16).forEach(only::includeNode);
        GraphQuantization r;
        try {
            r = new Fp16Converter().quantize(graph, QuantizationContext.withoutData(only.build()));
        } catch (ModelException e) {
            LOG.info("No layer of {} converts to float16: {}", a.layers(LayerChoice.FP16), e.getMessage());
            Assignment none = a;
            for (String l : a.layers(LayerChoice.FP16)) {
                none = none.with(l, LayerChoice.FLOAT);
            }
            return none;
        }
        return effective(a, r.decisions(), EnumSet.of(LayerChoice.FP16));
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

    /** {@code a} with each layer of a choice in {@code asked} that {@code decisions} did not convert made float. */
    private static Assignment effective(Assignment a, List<NodeDecision> decisions, Set<LayerChoice> asked) {
        Assignment e = a;
        for (NodeDecision d : decisions) {
            if (a.choices().containsKey(d.nodeName()) && asked.contains(a.of(d.nodeName()))
                    && d.action() != NodeDecision.Action.QUANTIZED) {
                e = e.with(d.nodeName(), LayerChoice.FLOAT);
            }
        }
        return e;
    }

    /** The profiled latency of {@code a} in microseconds; empty when it cannot be built. */
    Optional<Double> latency(Assignment a) {
        return timing(a).map(LatencyMeter.Timing::micros);
    }

    /** The profile of {@code a}: latency and standalone boundaries, once per model; empty when it cannot be built. */
    Optional<LatencyMeter.Timing> timing(Assignment a) {
        Optional<Path> f = file(a);
        if (f.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(latency.computeIfAbsent(f.get(), profiler::timing));
    }

    /**
     * Measures {@code a}'s model again: returns the new time in microseconds and keeps, for every later
     * ask, the faster of the two measurements (a time is the least of its runs; the one measured under
     * less load is the truer). Its boundaries stay those of the first measurement.
     */
    double remeasure(Assignment a) {
        Path f = file(a).orElseThrow(() -> new ModelException("Assignment " + a.key() + " quantizes nothing"));
        LatencyMeter.Timing first = timing(a).orElseThrow();
        LatencyMeter.Timing again = profiler.timing(f);
        if (again.micros() < first.micros()) {
            latency.put(f, new LatencyMeter.Timing(again.micros(), first.boundaries()));
        }
        return again.micros();
    }

    /**
     * The least wall-clock milliseconds of one batch of each assignment's model, timed side by side in
     * interleaved rounds, so that a change of load falls on each alike (profiles taken minutes apart
     * under changing load can order two models unlike the wall clock).
     */
    double[] wallClock(List<Assignment> assignments) {
        return profiler.wallClock(assignments.stream().map(a -> file(a).orElseThrow(
                () -> new ModelException("Assignment " + a.key() + " quantizes nothing"))).toList()).millis();
    }

    /**
     * The drop of {@code a} on the first {@code samples} of the validation order, without its latency:
     * the accuracy effect of one layer alone in float16, for the cost model. Empty when it cannot be built.
     */
    Optional<ConfidenceInterval> drop(Assignment a, int samples) {
        Evaluated e = full.get(a.key());
        if (e != null) {
            return Optional.of(e.drop());
        }
        return file(a).map(f -> f.equals(fp32) ? ConfidenceInterval.exactly(0, 0.95)
                : validation.score(f, Math.min(samples, validationSize)).drop());
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
