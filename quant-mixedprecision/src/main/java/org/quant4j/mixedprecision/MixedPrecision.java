package org.quant4j.mixedprecision;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntFunction;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.Precision;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.calibration.sampling.Subset;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.ModelInputs;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnx.ops.OpTable;
import org.quant4j.onnx.quantize.Fp16Converter;
import org.quant4j.onnx.quantize.QuantizedGraphCompaction;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.OrtTimedSession;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.quant4j.sensitivity.LayerSensitivity;
import org.quant4j.sensitivity.PreparedModel;
import org.quant4j.sensitivity.SensitivityAnalysis;
import org.quant4j.sensitivity.SensitivityRequest;
import org.quant4j.sensitivity.SensitivityResult;
import org.quant4j.sensitivity.TableCalibration;
import org.quant4j.sensitivity.VariantDirectory;
import org.quant4j.sensitivity.VariantScoring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fastest model within an accuracy budget: a choice per layer among {@link LayerChoice}s.
 *
 * <ol>
 *   <li>The model is prepared and calibrated <em>once</em> (quant-sensitivity's
 *       {@link PreparedModel} and {@link TableCalibration}); every model below is built from that
 *       table, with the request's config (its kernel target included: {@code portable} by default).</li>
 *   <li><b>Accuracy effect</b>: quant-sensitivity's one-on drops on the validation split, once per
 *       channel and once per tensor (layers with a weight).</li>
 *   <li><b>Latency cost, measured</b>: ONNX Runtime's per-node profile of the all-INT8 model and of
 *       each layer moved alone to float or per tensor; a choice costs the change of the summed node
 *       time, so a float island's QuantizeLinear/DequantizeLinear nodes are counted. Two float layers
 *       whose islands touch (a boundary the model with both float no longer has, or a layer the
 *       quantizer keeps float beside a float one) are profiled together, and the pair's correction
 *       makes the predicted cost count each boundary and layer once ({@link SharedBoundaries}). Size: each layer's weight bytes per choice.</li>
 *   <li>The {@link SearchMethod}s asked for, each choosing on the validation split.</li>
 *   <li>Each search's choice, FP32 and full INT8 measured on the test split (drop with a paired
 *       bootstrap interval, wall-clock latency at the latency batch, size); the returned model is
 *       the fastest choice within budget, written atomically.</li>
 * </ol>
 *
 * <p>All-float is always within budget, so a model is always returned; when the fastest model within
 * budget is not faster than FP32, the result says so with the measurements.
 */
public final class MixedPrecision {

    private static final Logger LOG = LoggerFactory.getLogger(MixedPrecision.class);

    /** The default latency backend, profiled node by node. */
    static final String ORT = "onnxruntime";
    /** Timed runs per model on another latency backend when the run count is automatic. */
    static final int OTHER_BACKEND_RUNS = 20;
    /** Relative change of the INT8 model's time over the cost profile above which a warning says the costs are noisy. */
    static final double DRIFT_WARNING = 0.10;
    /** Validation samples that measure each layer's drop alone in float16, at most. */
    static final int FP16_DROP_SAMPLES = 500;
    /** Profiled runs left out as warm-up. */
    static final int WARMUP = 3;
    /** Profiled runs of the float model that choose the run count when it is automatic. */
    static final int PROBE_RUNS = 3;
    /** Measured time per profiled model the automatic run count aims at. */
    static final double PROFILE_BUDGET_MICROS = 1_000_000;
    /** Fewest profiled runs the automatic run count chooses. */
    static final int MIN_RUNS = 5;
    /** Most profiled runs the automatic run count chooses (the count before it was automatic). */
    static final int MAX_RUNS = 40;

    private MixedPrecision() {
    }

    /**
     * Runs the searches.
     *
     * @param request what to search
     * @return what was found; the returned model is written to the request's output when it has one
     * @throws InvalidInputException when the output is the input model, or the data does not fit
     */
    public static MixedPrecisionResult run(MixedPrecisionRequest request) {
        long start = System.nanoTime();
        request.outputTarget().ifPresent(OutputTarget::checkNotInput);
        // Another latency backend is looked up before anything else runs: one that cannot run here (TensorRT
        // without a GPU) fails now with its typed error, not after the calibration.
        EvaluatorLatency other = null;
        if (!request.latencyBackend().equalsIgnoreCase(ORT)) {
            requireBatch(request);
            other = new EvaluatorLatency(request.latencyBackend(), request.latencyBatch(), request.threads(), WARMUP,
                    otherBackendRuns(request));
        }
        try {
            return run(request, other, start);
        } finally {
            if (other != null) {
                other.close();
            }
        }
    }

    private static MixedPrecisionResult run(MixedPrecisionRequest request, EvaluatorLatency other, long start) {
        PreparedModel prepared = PreparedModel.read(request.model());
        QuantizationConfig config = request.config();
        long t = System.nanoTime();
        TableCalibration table = TableCalibration.calibrate(prepared, config, request.backend(), request.calibration(),
                request.batchSize(), request.threads(), request.listener());
        Duration calibrationTime = Duration.ofNanos(System.nanoTime() - t);
        List<NodeDecision> decisions = PreparedModel.layers(prepared.quantized(config, table).result());
        List<String> layers = decisions.stream().map(NodeDecision::nodeName).toList();
        LOG.info("{}: {} layers, calibrated {} tensors once in {} ms", request.model(), layers.size(), table.size(),
                calibrationTime.toMillis());

        try (VariantDirectory dir = VariantDirectory.create("quant4j-mixed")) {
            return search(request, other, prepared, table, calibrationTime, decisions, dir.path(), start);
        }
    }

    private static MixedPrecisionResult search(MixedPrecisionRequest request, EvaluatorLatency other,
            PreparedModel prepared,
            TableCalibration table, Duration calibrationTime, List<NodeDecision> decisions, Path dir, long start) {
        Graph fp32Graph = prepared.graph();
        List<String> layers = decisions.stream().map(NodeDecision::nodeName).toList();
        List<String> weighted = layers.stream().filter(l -> weightShape(prepared, l).isPresent()).toList();

        // Accuracy effect: one-on drops per channel and, for layers with a weight, per tensor.
        SensitivityRequest.Builder sb = SensitivityRequest.builder().model(request.model())
                .calibration(request.calibration()).evaluation(request.validation()).config(request.config())
                .backend(request.backend()).metric(request.metric()).oneOn(true).oneOff(false).tensorErrors(false)
                .tolerance(request.maxDrop()).firstStage(Math.min(500, request.validation().size()))
                .batchSize(request.batchSize()).threads(request.threads()).seed(request.seed())
                .listener(request.listener());
        SensitivityRequest perChannel = sb.build();
        SensitivityResult sensitivityPc = SensitivityAnalysis.run(perChannel, prepared, table, calibrationTime);
        Map<String, Double> dropPc = oneOn(sensitivityPc);
        Map<String, Double> dropPt = new HashMap<>();
        if (!weighted.isEmpty()) {
            SensitivityRequest.Builder pt = sb.config(request.config().toBuilder().perChannel(false).build());
            weighted.forEach(pt::layer);
            dropPt = oneOn(SensitivityAnalysis.run(pt.build(), prepared, table, calibrationTime));
        }

        // Scoring on the validation split (whole and the evolutionary subset), latency from the profile.
        Path fp32 = dir.resolve("fp32.onnx");
        fp32Graph.toModel().write(fp32);
        Dataset ordered = SensitivityAnalysis.seededOrder(request.validation(), request.seed());
        VariantScoring validation = new VariantScoring(perChannel, fp32, ordered);
        int subsetSize = Math.min(request.evolutionSamples(), ordered.size());
        int[] first = new int[subsetSize];
        Arrays.setAll(first, i -> i);
        VariantScoring subset = subsetSize == ordered.size() ? validation
                : new VariantScoring(perChannel, fp32, Subset.of(ordered, first));
        int runs;
        LatencyMeter profiler;
        if (other != null) {
            runs = otherBackendRuns(request);
            profiler = other;
        } else {
            runs = request.profileRuns() != MixedPrecisionRequest.AUTO_PROFILE_RUNS ? request.profileRuns()
                    : automaticRuns(new LatencyProfiler(request.validation(), fp32, request.latencyBatch(),
                            request.threads(), WARMUP, PROBE_RUNS, dir).timing(fp32).micros());
            profiler = new LatencyProfiler(request.validation(), fp32, request.latencyBatch(), request.threads(),
                    WARMUP, runs, dir);
        }
        boolean fp16 = profiler.accelerated().contains(Precision.FP16);
        int fp16Samples = Math.min(FP16_DROP_SAMPLES, ordered.size());
        AssignmentEvaluator evaluator = new AssignmentEvaluator(prepared, table, request.config(), validation,
                ordered.size(), subset, subsetSize, profiler, dir, fp32, layers);

        // Latency cost of each choice of each layer, measured one layer at a time: each variant's time now, the
        // INT8 model's (the baseline) before and after them.
        Assignment base = Assignment.uniform(layers, LayerChoice.INT8_PER_CHANNEL);
        double baseMicros = evaluator.latency(base).orElseThrow();
        List<Map<LayerChoice, Double>> times = new ArrayList<>();
        List<Map<LayerChoice, Double>> predicted = new ArrayList<>();
        List<Map<LayerChoice, Long>> sizes = new ArrayList<>();
        for (int i = 0; i < decisions.size(); i++) {
            NodeDecision d = decisions.get(i);
            String l = d.nodeName();
            Map<LayerChoice, Double> time = new EnumMap<>(LayerChoice.class);
            Map<LayerChoice, Double> drop = new EnumMap<>(LayerChoice.class);
            Map<LayerChoice, Long> bytes = new EnumMap<>(LayerChoice.class);
            long[] shape = weightShape(prepared, l).orElse(new long[0]);
            long elements = shape.length == 0 ? 0 : Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            long channels = shape.length == 0 ? 0 : shape[0];
            drop.put(LayerChoice.INT8_PER_CHANNEL, dropPc.getOrDefault(l, 0.0));
            bytes.put(LayerChoice.INT8_PER_CHANNEL, elements == 0 ? 0 : elements + 5 * channels);
            // A per-tensor choice whose own predicted drop exceeds the budget is not profiled: the knapsack
            // cannot take it, nor the greedy start (it needs per tensor no worse than per channel), and an
            // evolutionary assignment holding it would start over budget.
            if (weighted.contains(l) && dropPt.getOrDefault(l, 0.0) <= request.maxDrop()) {
                Optional<Double> pt = evaluator.latency(base.with(l, LayerChoice.INT8_PER_TENSOR));
                if (pt.isPresent()) {
                    time.put(LayerChoice.INT8_PER_TENSOR, pt.get());
                    drop.put(LayerChoice.INT8_PER_TENSOR, dropPt.getOrDefault(l, 0.0));
                    bytes.put(LayerChoice.INT8_PER_TENSOR, elements + 5);
                }
            }
            time.put(LayerChoice.FLOAT, evaluator.latency(base.with(l, LayerChoice.FLOAT)).orElseThrow());
            drop.put(LayerChoice.FLOAT, 0.0);
            bytes.put(LayerChoice.FLOAT, 4 * elements);
            if (fp16 && !Fp16Converter.BLOCKED_OP_TYPES.contains(d.opType())) {
                // Float16 where the backend runs it fast: its latency alone against INT8, and its drop alone
                // against the float model (measured on the first samples of the validation order).
                Assignment alone = base.with(l, LayerChoice.FP16);
                boolean converts = evaluator.effective(alone).map(e -> e.of(l) == LayerChoice.FP16).orElse(false);
                Optional<ConfidenceInterval> halfDrop = converts
                        ? evaluator.drop(Assignment.uniform(layers, LayerChoice.FLOAT).with(l, LayerChoice.FP16),
                                fp16Samples)
                        : Optional.empty();
                if (halfDrop.isPresent()) {
                    time.put(LayerChoice.FP16, evaluator.latency(alone).orElseThrow());
                    drop.put(LayerChoice.FP16, Math.max(0, halfDrop.get().estimate()));
                    bytes.put(LayerChoice.FP16, 2 * elements);
                }
            }
            times.add(time);
            predicted.add(drop);
            sizes.add(bytes);
            request.listener().onProgress("cost profile", i + 1, decisions.size());
        }
        // The INT8 model measured again now that every variant is: how far its time moved over the cost profile
        // (other processes on the shared cores, the JVM's own background work) is the scale below which the
        // costs do not order choices. The baseline is the least of the two measurements, as each variant's time
        // is the least of its runs; a baseline measured slow would make every variant look faster than INT8.
        double baseAfter = evaluator.remeasure(base);
        double baseline = Math.min(baseMicros, baseAfter);
        double drift = baseline > 0 ? Math.abs(baseAfter - baseMicros) / baseline : 0;
        String driftText = String.format(Locale.ROOT, "the INT8 model measured %.1f us before the cost profile and"
                + " %.1f us after it (%.1f%%); costs are taken against %.1f us", baseMicros, baseAfter, 100 * drift,
                baseline);
        if (drift > DRIFT_WARNING) {
            LOG.warn("The latency costs were measured under changing load: {}; latency differences of that size between"
                    + " choices are noise. Measure on a quieter machine, or with more --profile-runs", driftText);
        } else {
            LOG.info("Cost profile drift: {}", driftText);
        }
        List<LayerCost> costs = new ArrayList<>();
        for (int i = 0; i < decisions.size(); i++) {
            Map<LayerChoice, Double> latency = new EnumMap<>(LayerChoice.class);
            latency.put(LayerChoice.INT8_PER_CHANNEL, 0.0);
            times.get(i).forEach((c, micros) -> latency.put(c, micros - baseline));
            costs.add(new LayerCost(decisions.get(i).nodeName(), decisions.get(i).opType(), latency, predicted.get(i),
                    sizes.get(i)));
        }
        // Pairs of float layers whose islands touch (a shared boundary or float layer): measured together.
        List<SharedBoundaries.Shared> shared = SharedBoundaries.find(layers, base, evaluator);
        Duration setupTime = Duration.ofNanos(System.nanoTime() - start);
        LOG.info("Costs of {} layers measured on {} ({} models built, {} timed runs each, per tensor measured for {}"
                + " of {} layers with a weight, float16 for {}, {} pairs of touching float layers measured together) in"
                + " {} s", layers.size(), profiler.backend(), evaluator.built(), runs,
                costs.stream().filter(c -> c.choices().contains(LayerChoice.INT8_PER_TENSOR)).count(), weighted.size(),
                costs.stream().filter(c -> c.choices().contains(LayerChoice.FP16)).count(), shared.size(),
                setupTime.toSeconds());

        // The searches.
        SearchSpace space = new SearchSpace(costs, shared, request.maxDrop(), evaluator, request.seed());
        List<SearchOutcome> outcomes = new ArrayList<>();
        List<Assignment> seeds = new ArrayList<>();
        for (SearchMethod m : SearchMethod.values()) {
            if (!request.searches().contains(m)) {
                continue;
            }
            SearchOutcome o = switch (m) {
                case GREEDY -> GreedySearch.run(space);
                case DP -> KnapsackSearch.run(space);
                case EVOLUTIONARY -> EvolutionarySearch.run(space, request.population(), request.generations(), seeds);
            };
            seeds.add(o.chosen().assignment());
            outcomes.add(o);
            LOG.info("{}: {} float, {} float16, {} per tensor, validation drop {} ({}), {} us measured, in {} ms",
                    m.id(), o.chosen().assignment().count(LayerChoice.FLOAT),
                    o.chosen().assignment().count(LayerChoice.FP16),
                    o.chosen().assignment().count(LayerChoice.INT8_PER_TENSOR), o.chosen().drop().estimate(),
                    o.withinBudget() ? "within budget" : "over budget", o.chosen().latencyMicros(), o.time().toMillis());
        }

        // Reported on the test split; latencies timed in interleaved rounds, so that every model sees the same load.
        Dataset orderedTest = SensitivityAnalysis.seededOrder(request.test(), request.seed());
        VariantScoring test = new VariantScoring(perChannel, fp32, orderedTest);
        List<String> names = new ArrayList<>(List.of("fp32", "int8"));
        List<Evaluated> chosen = new ArrayList<>(List.of(evaluator.onValidation(space.allFloat()),
                evaluator.onValidation(base)));
        outcomes.forEach(o -> {
            names.add(o.method().id());
            chosen.add(o.chosen());
        });
        // One measurement per distinct model, so that searches that chose the same model report the same figures.
        List<String> keys = new ArrayList<>();
        List<Evaluated> distinct = new ArrayList<>();
        for (Evaluated e : chosen) {
            if (!keys.contains(e.assignment().key())) {
                keys.add(e.assignment().key());
                distinct.add(e);
            }
        }
        // The chosen models as they are delivered: compacted like the quantizer's own output (the built
        // files keep the quantizer's long names, which the cost model's boundaries are matched by).
        Set<String> kept = QuantizedGraphCompaction.names(fp32Graph);
        Map<String, Path> delivered = new HashMap<>();
        for (Evaluated e : distinct) {
            Path built = evaluator.file(e.assignment()).orElseThrow();
            Path file = built.equals(fp32) ? fp32 : compacted(built, kept);
            delivered.put(e.assignment().key(), file);
            // Reported as built: a layer the quantizer (or the float16 converter) left float is float.
            delivered.put(evaluator.effective(e.assignment()).orElse(e.assignment()).key(), file);
        }
        List<Path> files = distinct.stream().map(e -> delivered.get(e.assignment().key())).toList();
        Timing timing = profiler.wallClock(files);
        double[] millis = timing.millis();
        keepFastestStart(request.maxDrop(), names, chosen, outcomes, keys, millis);
        List<ConfidenceInterval> drops = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            drops.add(i == 0 ? ConfidenceInterval.exactly(0, 0.95) : test.score(files.get(i), orderedTest.size()).drop());
        }
        List<ReportedModel> all = new ArrayList<>();
        for (int j = 0; j < chosen.size(); j++) {
            int i = keys.indexOf(chosen.get(j).assignment().key());
            ConfidenceInterval drop = drops.get(i);
            double metricValue = perChannel.resolvedMetric() == SensitivityRequest.Metric.NOISE ? drop.estimate()
                    : test.baseline() - drop.estimate();
            Assignment built = evaluator.effective(chosen.get(j).assignment()).orElse(chosen.get(j).assignment());
            all.add(new ReportedModel(names.get(j), built, chosen.get(j).drop(), metricValue,
                    drop, millis[i], millis[0] / millis[i], AssignmentEvaluator.size(files.get(i))));
        }
        ReportedModel fp32Report = all.get(0);
        ReportedModel int8Report = all.get(1);
        List<ReportedModel> reported = all.subList(2, all.size());
        int bestIndex = bestOutcome(outcomes, reported);
        SearchOutcome bestOutcome = outcomes.get(bestIndex);
        ReportedModel best = reported.get(bestIndex);
        boolean targetMet = bestOutcome.withinBudget() && best.speedup() > 1;
        String verdict = verdict(request, timing.batch(), bestOutcome, best, fp32Report, int8Report, outcomes);
        LOG.info(verdict);

        Optional<OutputTarget> written = request.outputTarget();
        if (written.isPresent()) {
            Path file = delivered.get(best.assignment().key());
            written.get().write(out -> Files.copy(file, out));
        }
        List<Path> searchModels = new ArrayList<>();
        if (request.searchModels().isPresent()) {
            for (int i = 0; i < outcomes.size(); i++) {
                Path o = request.searchModels().get().resolve(outcomes.get(i).method().id() + ".onnx");
                copy(delivered.get(reported.get(i).assignment().key()), o,
                        "model chosen by the " + outcomes.get(i).method().id() + " search");
                searchModels.add(o);
            }
        }
        return new MixedPrecisionResult(request.model().getFileName().toString(), perChannel.resolvedMetric(),
                request.maxDrop(), costs, fp32Report, int8Report, outcomes, reported, best, targetMet, verdict,
                request.output(), searchModels, timing.batch(), runs, profiler.backend(), baseMicros, baseAfter,
                setupTime,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Makes each search return the fastest on the wall clock of its own pick and the within-budget
     * models it started from: plain INT8 ({@code chosen} index 1), and for the evolutionary search the
     * earlier searches' picks it was seeded with. A search ranks by profiled node time, which on small
     * models can order two models unlike the wall clock; the timing of {@code millis} (one entry per
     * distinct model, by {@code keys}) is what the result reports. A replaced pick is said in the
     * outcome's {@code tried}.
     */
    static void keepFastestStart(double budget, List<String> names, List<Evaluated> chosen,
            List<SearchOutcome> outcomes, List<String> keys, double[] millis) {
        IntFunction<Double> time = i -> millis[keys.indexOf(chosen.get(i).assignment().key())];
        for (int j = 2; j < chosen.size(); j++) {
            SearchOutcome o = outcomes.get(j - 2);
            List<Integer> starts = new ArrayList<>(List.of(1));
            if (o.method() == SearchMethod.EVOLUTIONARY) {
                for (int k = 2; k < j; k++) {
                    starts.add(k);
                }
            }
            int pick = j;
            for (int s : starts) {
                Evaluated candidate = chosen.get(s);
                boolean pickWithin = chosen.get(pick).within(budget);
                if (candidate.within(budget) && (!pickWithin || time.apply(s) < time.apply(pick))) {
                    pick = s;
                }
            }
            if (pick != j) {
                String why = String.format(Locale.ROOT, "its own pick (%d float, %d per tensor) timed %.3f ms a batch on"
                        + " the wall clock, %s; it returns the %s model it started from (%.3f ms, within budget)",
                        chosen.get(j).assignment().count(LayerChoice.FLOAT),
                        chosen.get(j).assignment().count(LayerChoice.INT8_PER_TENSOR), time.apply(j),
                        chosen.get(j).within(budget) ? "slower" : "over budget", names.get(pick), time.apply(pick));
                LOG.info("{}: {}", o.method().id(), why);
                chosen.set(j, chosen.get(pick));
                outcomes.set(j - 2, new SearchOutcome(o.method(), chosen.get(pick), true, o.evaluations(), o.front(),
                        o.tried() + "; " + why, o.time()));
            }
        }
    }

    /**
     * A compacted copy of the built model {@code file} next to it ({@link QuantizedGraphCompaction}:
     * the quantizer's generated names shortened, equal parameters stored once; every name in
     * {@code kept}, those of the float model, unchanged), computing the same values.
     */
    private static Path compacted(Path file, Set<String> kept) {
        Graph graph = OnnxModel.read(file).graph();
        QuantizedGraphCompaction.apply(graph, kept);
        Path out = file.resolveSibling("delivered-" + file.getFileName());
        graph.toModel().write(out);
        return out;
    }

    /** Copies the built model {@code file} to {@code target} atomically (creating its directory). */
    private static void copy(Path file, Path target, String what) {
        try {
            if (target.toAbsolutePath().getParent() != null) {
                Files.createDirectories(target.toAbsolutePath().getParent());
            }
            OutputTarget.replacing(target, what).write(out -> Files.copy(file, out));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the built model " + file + " to " + target, e);
        }
    }

    /**
     * The index of the outcome within budget whose model was fastest in the interleaved wall-clock
     * timing (measured side by side, so fairer than profiles taken at different times under changing
     * load), else of the smallest validation drop.
     */
    private static int bestOutcome(List<SearchOutcome> outcomes, List<ReportedModel> reported) {
        Comparator<Integer> order = Comparator.comparing((Integer i) -> !outcomes.get(i).withinBudget())
                .thenComparingDouble(i -> outcomes.get(i).withinBudget() ? reported.get(i).latencyMillis()
                        : outcomes.get(i).chosen().drop().estimate());
        int best = 0;
        for (int i = 1; i < outcomes.size(); i++) {
            if (order.compare(i, best) < 0) {
                best = i;
            }
        }
        return best;
    }

    private static String verdict(MixedPrecisionRequest request, int batch, SearchOutcome outcome, ReportedModel best,
            ReportedModel fp32, ReportedModel int8, List<SearchOutcome> outcomes) {
        String budget = String.format(Locale.ROOT, "%.2f pp", 100 * request.maxDrop());
        String measured = String.format(Locale.ROOT, "FP32 %.3f ms, full INT8 %.3f ms (x%.2f, test drop %+.2f pp),"
                + " chosen %.3f ms (x%.2f, test drop %+.2f pp) per batch of %d", fp32.latencyMillis(),
                int8.latencyMillis(), int8.speedup(), 100 * int8.testDrop().estimate(), best.latencyMillis(),
                best.speedup(), 100 * best.testDrop().estimate(), batch);
        String tried = outcomes.stream().map(o -> o.method().id() + ": " + o.tried()).reduce((a, b) -> a + "; " + b)
                .orElse("");
        int floatLayers = best.assignment().count(LayerChoice.FLOAT);
        int all = best.assignment().choices().size();
        int half = best.assignment().count(LayerChoice.FP16);
        String halfText = half == 0 ? "" : ", " + half + " float16";
        if (!outcome.withinBudget()) {
            return "No assignment found within " + budget + " on the validation split; returning the one of smallest"
                    + " drop (" + floatLayers + " of " + all + " layers float" + halfText + "). " + measured + ". Tried: " + tried;
        }
        if (best.speedup() <= 1) {
            return "The fastest assignment within " + budget + " (by " + outcome.method().id() + ", " + floatLayers
                    + " of " + all + " layers float" + halfText + ") is not faster than FP32 at batch " + batch
                    + " on " + (request.latencyBackend().equalsIgnoreCase(ORT) ? "this CPU" : request.latencyBackend())
                    + ": " + measured + ". It is returned, but FP32 serves as well."
                    + testOverBudget(request, best, outcome.chosen().samples()) + " Tried: " + tried;
        }
        if (best.assignment().equals(int8.assignment())) {
            return "Within " + budget + " on the validation split, the plain per-channel INT8 model is the fastest"
                    + " found (by " + outcome.method().id() + "): no float layer, float16 layer or per-tensor weight"
                    + " measured faster"
                    + " within the budget. " + measured + "." + testOverBudget(request, best, outcome.chosen().samples());
        }
        return "Within " + budget + " on the validation split, by " + outcome.method().id() + ": " + floatLayers + " of "
                + all + " layers float" + halfText + ", " + best.assignment().count(LayerChoice.INT8_PER_TENSOR)
                + " per tensor. "
                + measured + "." + testOverBudget(request, best, outcome.chosen().samples());
    }

    /**
     * A plain warning when the returned model, within budget on the validation split, misses it on the
     * test split (empty otherwise): the validation split was too small to hold the budget. On the OCR
     * detector of the corpus, 32 validation pages chose models at 0.0042-0.0045 that measured
     * 0.0055-0.0066 on the 32 test pages (docs/MODELS.md).
     */
    static String testOverBudget(MixedPrecisionRequest request, ReportedModel best, int validationSamples) {
        ConfidenceInterval test = best.testDrop();
        if (test.estimate() <= request.maxDrop()) {
            return "";
        }
        return String.format(Locale.ROOT, " But on the test split it is over the budget (%+.2f pp [%+.2f, %+.2f] against"
                + " %.2f pp): the %d validation samples chose it too closely to the budget; give more samples (or a"
                + " smaller --max-drop) before relying on it.", 100 * test.estimate(), 100 * test.lower(),
                100 * test.upper(), 100 * request.maxDrop(), validationSamples);
    }

    /** Timed rounds of {@link #wallClock}. */
    static final int ROUNDS = 10;
    /** Batches timed per model and round. */
    static final int PER_ROUND = 3;

    /**
     * Wall-clock latencies.
     *
     * @param millis the least milliseconds of one batch, per model
     * @param batch  the samples of the timed batch
     */
    record Timing(double[] millis, int batch) {
    }

    /**
     * The least wall-clock milliseconds of one batch of each model, timed in {@value #ROUNDS}
     * interleaved rounds of {@value #PER_ROUND} batches (after 3 warm-up batches each), so that a
     * change of load from other processes falls on every model alike. Models are timed on noise of
     * {@code batch} samples; when their input cannot be made of noise (several inputs, a dynamic
     * dimension other than the batch), on {@code validation}, a batch of real samples (those of one
     * shape for data of several shapes, so possibly fewer than {@code batch}). Every model of one
     * search has the same inputs, so all are timed the same way. (Profiled node times, used here
     * before, came from profiles taken minutes apart under different loads: the detector's FP32
     * profile said 192 ms where its wall clock measured 85 ms.)
     */
    static Timing wallClock(List<Path> models, int batch, int threads, NamedBatch validation) {
        RunnerOptions options = RunnerOptions.builder().optimization(OptimizationLevel.ALL).intraOpThreads(threads)
                .interOpThreads(1).spinning(false).build();
        return interleaved(models, model -> {
            try {
                OrtTimedSession s = OrtTimedSession.open(model, threads);
                return new TimedModel(n -> s.time(batch, 0, n), batch, s);
            } catch (InvalidInputException e) {
                LOG.info("Latency of {} timed on {} validation samples: {}", model, validation.size(), e.getMessage());
                OrtRunner r = OrtRunner.open(model, options);
                return new TimedModel(n -> OrtTimedSession.time(() -> r.run(validation), 0, n), validation.size(), r);
            }
        });
    }

    /**
     * One model opened for timing.
     *
     * @param timer    runs the model the given number of times, returns each run's milliseconds
     * @param batch    the samples of one run
     * @param resource what to close when the timing is done
     */
    record TimedModel(IntFunction<double[]> timer, int batch, AutoCloseable resource) {
    }

    /**
     * Opens every model with {@code open}, warms each up with 3 batches, then times them in
     * {@value #ROUNDS} rounds in each of which every model runs {@value #PER_ROUND} batches in turn, so
     * that a change of load falls on every model alike; closes them all, also on failure.
     *
     * @param models the model files
     * @param open   opens one model for timing
     * @return the least milliseconds of one batch per model, and the smallest batch timed
     */
    static Timing interleaved(List<Path> models, Function<Path, TimedModel> open) {
        List<TimedModel> opened = new ArrayList<>();
        try {
            for (Path model : models) {
                TimedModel t = open.apply(model);
                opened.add(t);
                t.timer().apply(3);
            }
            double[] best = new double[opened.size()];
            Arrays.fill(best, Double.POSITIVE_INFINITY);
            for (int r = 0; r < ROUNDS; r++) {
                for (int i = 0; i < opened.size(); i++) {
                    for (double ms : opened.get(i).timer().apply(PER_ROUND)) {
                        best[i] = Math.min(best[i], ms);
                    }
                }
            }
            return new Timing(best, opened.stream().mapToInt(TimedModel::batch).min().orElse(0));
        } finally {
            for (TimedModel t : opened) {
                try {
                    t.resource().close();
                } catch (Exception e) {
                    LOG.debug("Closing a timing session: {}", e.getMessage());
                }
            }
        }
    }

    /** Timed runs per model on a latency backend other than ONNX Runtime. */
    private static int otherBackendRuns(MixedPrecisionRequest request) {
        return request.profileRuns() == MixedPrecisionRequest.AUTO_PROFILE_RUNS ? OTHER_BACKEND_RUNS
                : request.profileRuns();
    }

    /**
     * A latency backend other than ONNX Runtime times noise batches of the latency batch size, which a
     * model with a fixed batch dimension of another size cannot take: refused before any work.
     */
    private static void requireBatch(MixedPrecisionRequest request) {
        List<TensorInfo> inputs = ModelInputs.read(request.model());
        long[] shape = inputs.isEmpty() ? new long[0] : inputs.get(0).shape().orElse(new long[0]);
        if (shape.length > 0 && shape[0] > 0 && shape[0] != request.latencyBatch()) {
            throw new InvalidInputException("The batch dimension of " + request.model().getFileName() + " is fixed at "
                    + shape[0] + ", so the " + request.latencyBackend() + " latency backend cannot time it at batch "
                    + request.latencyBatch() + ": give a latency batch of " + shape[0] + " (--latency-batch "
                    + shape[0] + ")");
        }
    }

    /** Each layer's one-on drop estimate, at least 0. */
    private static Map<String, Double> oneOn(SensitivityResult r) {
        Map<String, Double> m = new HashMap<>();
        for (LayerSensitivity l : r.layers()) {
            l.oneOn().ifPresent(s -> m.put(l.node(), Math.max(0, s.drop().estimate())));
        }
        return m;
    }

    /**
     * The shape of the weight initializer of {@code layer}, if it has one; the layer may sit in a
     * subgraph, its weight in an enclosing graph.
     */
    static Optional<long[]> weightShape(PreparedModel prepared, String layer) {
        Optional<Graph> scope = prepared.scopeOf(layer);
        if (scope.isEmpty()) {
            return Optional.empty();
        }
        Graph graph = scope.get();
        Node n = graph.node(layer).orElseThrow();
        int w = OpTable.of(n).weightInput();
        if (w < 0 || w >= n.inputs().size() || !graph.isInitializer(n.inputs().get(w))) {
            return Optional.empty();
        }
        return graph.shape(n.inputs().get(w));
    }

    /**
     * Profiled runs for a model whose least profiled time is {@code micros}: as many as fit in
     * {@value #PROFILE_BUDGET_MICROS} us of measured runs, from {@value #MIN_RUNS} to {@value #MAX_RUNS}.
     * The cost profile builds one model per layer and choice; at 40 runs each, a 250-layer detector
     * spent over 20 minutes profiling (docs/MODELS.md).
     */
    static int automaticRuns(double micros) {
        int runs = (int) Math.min(MAX_RUNS, Math.ceil(PROFILE_BUDGET_MICROS / Math.max(1.0, micros)));
        int chosen = Math.max(MIN_RUNS, runs);
        LOG.info("Profiling {} runs per model (after {} warm-up): the float model's profiled batch takes {} us",
                chosen, WARMUP, Math.round(micros));
        return chosen;
    }
}
