package org.quant4j.sensitivity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.ModelException;
import org.quant4j.api.QuantException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.calibration.ModelCalibrator;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.evaluate.FidelityRequest;
import org.quant4j.api.evaluate.FidelityResult;
import org.quant4j.api.evaluate.OutputFidelity;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.calibration.sampling.Subset;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.sensitivity.gradient.GradientEstimate;
import org.quant4j.sensitivity.gradient.GradientEstimator;
import org.quant4j.sensitivity.gradient.GradientEstimators;
import org.quant4j.sensitivity.gradient.GradientObjective;
import org.quant4j.sensitivity.gradient.GradientRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which layers of a float model lose accuracy in static INT8, measured several ways.
 *
 * <ol>
 *   <li>The model is prepared as the quantizer prepares it and calibrated <em>once</em> through the
 *       backend's {@link ModelCalibrator} (every candidate tensor of the full INT8 plan); every
 *       variant below is built from that one table ({@link TableCalibration}).</li>
 *   <li><b>One-on</b>: only layer L in INT8 (the config's include list is L), <b>one-off</b>: every
 *       layer in INT8 but L (L excluded). Each variant is evaluated through the backend's
 *       {@link Evaluator} on a seeded order of the evaluation data, in stages of
 *       {@link SensitivityRequest#firstStage()} samples doubling, until the paired bootstrap
 *       interval of its metric drop against the float model lies clearly within or beyond the
 *       tolerance. Top-1: per sample, correct in float minus correct in the variant; agreement: the
 *       share of samples whose first output's argmax differs from the float model's; noise: the
 *       first output's noise-to-signal energy ratio, {@code 10^(-SQNR/10)}. Variants run
 *       {@link SensitivityRequest#parallelVariants()} at a time, each in its own session; with
 *       {@link SensitivityRequest#variantLayers()} only for the layers of lowest SQNR, measured
 *       first.</li>
 *   <li><b>Per-tensor error</b> from one pass over the evaluation data ({@link TensorErrorModel}):
 *       accumulated and local SQNR of every quantized activation, and per-channel weight SQNR
 *       ({@link WeightErrors}).</li>
 *   <li>Optionally, a <b>gradient estimate</b> per layer from a {@link GradientEstimator} found by
 *       name (quant-qat's {@code "fisher"}), with the loss matched to the metric
 *       ({@link #objective}); a model the estimator cannot run gets its reason in the result.</li>
 * </ol>
 */
public final class SensitivityAnalysis {

    private static final Logger LOG = LoggerFactory.getLogger(SensitivityAnalysis.class);

    private SensitivityAnalysis() {
    }

    /**
     * Runs the analysis.
     *
     * @throws InvalidInputException when a requested layer is no quantizable layer of the model, or
     *                               the data does not fit it
     * @throws ModelException        when the model has no layer static INT8 quantizes
     */
    public static SensitivityResult run(SensitivityRequest request) {
        PreparedModel prepared = PreparedModel.read(request.model());
        long start = System.nanoTime();
        TableCalibration calibration;
        try {
            calibration = TableCalibration.calibrate(prepared, request.config(), request.backend(),
                    request.calibration(), request.batchSize(), request.threads(), request.listener());
        } catch (ModelException e) {
            throw new ModelException("Model " + request.model() + ": " + e.getMessage(), e);
        }
        Duration calibrationTime = Duration.ofNanos(System.nanoTime() - start);
        LOG.info("Calibrated {} tensors of {} once on {} samples in {} ms", calibration.size(), request.model(),
                request.calibration().size(), calibrationTime.toMillis());
        return run(request, prepared, calibration, calibrationTime);
    }

    /**
     * Runs the analysis on a model already prepared and calibrated ({@link PreparedModel#read},
     * {@link TableCalibration#calibrate}), so that several analyses, or a search over assignments,
     * share one calibration table; {@link SensitivityRequest#calibration()} is not run again.
     *
     * @param request         what to analyse; its model must be the one {@code prepared} was read from
     * @param prepared        the prepared float model
     * @param calibration     the one calibration table
     * @param calibrationTime how long the calibration took, for the result
     * @return the result
     */
    public static SensitivityResult run(SensitivityRequest request, PreparedModel prepared,
            TableCalibration calibration, Duration calibrationTime) {
        Graph fp32 = prepared.graph();
        QuantizationConfig config = request.config();
        PreparedModel.Quantized full = prepared.quantized(config, calibration);
        List<NodeDecision> all = PreparedModel.layers(full.result());
        List<NodeDecision> layers = selected(fp32, all, request);

        try (VariantDirectory dir = VariantDirectory.create("quant4j-sensitivity")) {
            return analyse(request, prepared, full, all, layers, calibration, calibration.size(), calibrationTime,
                    dir.path());
        }
    }

    private static SensitivityResult analyse(SensitivityRequest request, PreparedModel prepared,
            PreparedModel.Quantized full, List<NodeDecision> all, List<NodeDecision> layers,
            TableCalibration calibration, int tableSize,
            Duration calibrationTime, Path dir) {
        Graph fp32 = prepared.graph();
        Path reference = dir.resolve("fp32.onnx");
        VariantDirectory.writeScratch(fp32.toModel(), reference);
        Path int8 = dir.resolve("int8.onnx");
        VariantDirectory.writeScratch(full.graph().toModel(), int8);

        Dataset ordered = seededOrder(request.evaluation(), request.seed());
        VariantScoring scoring = new VariantScoring(request, reference, ordered);
        VariantScore fullScore = scoring.score(int8, ordered.size());
        LOG.info("Full INT8: {} drop {} on {} samples", request.resolvedMetric(), fullScore.drop(),
                fullScore.samples());

        // Per-tensor errors in one pass.
        Map<String, double[]> sqnr = Map.of();
        Map<String, double[]> weights = Map.of();
        Duration tensorTime = Duration.ZERO;
        Optional<PassTime> tensorSplit = Optional.empty();
        if (request.tensorErrors()) {
            long t = System.nanoTime();
            PassClock clock = new PassClock(request.listener());
            sqnr = tensorErrors(request, fp32, full.graph(), layers.stream().map(NodeDecision::nodeName)
                    .collect(Collectors.toSet()), ordered, dir, clock);
            weights = WeightErrors.perChannel(fp32, full.graph());
            tensorTime = Duration.ofNanos(System.nanoTime() - t);
            tensorSplit = clock.stop(request.batchSize());
            logSplit(tensorTime, tensorSplit, scoring.floatPassSplit());
        }

        // Variants: build from the one table, evaluate in parallel sessions.
        List<NodeDecision> varied = lowestSqnr(layers, sqnr, request.variantLayers());
        long variantStart = System.nanoTime();
        Map<String, VariantScore> oneOn = new HashMap<>();
        Map<String, VariantScore> oneOff = new HashMap<>();
        List<Variant> variants = new ArrayList<>();
        for (NodeDecision layer : varied) {
            if (request.oneOn()) {
                variants.add(new Variant(layer.nodeName(), true));
            }
            if (request.oneOff()) {
                variants.add(new Variant(layer.nodeName(), false));
            }
        }
        AtomicLong done = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(request.parallelVariants(), r -> {
            Thread t = new Thread(r, "quant4j-sensitivity");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Optional<VariantScore>>> futures = new ArrayList<>();
            for (int i = 0; i < variants.size(); i++) {
                Variant v = variants.get(i);
                Path file = dir.resolve("variant-" + i + ".onnx");
                futures.add(pool.submit(() -> {
                    try {
                        QuantizationConfig vc = variantConfig(request.config(), all, v);
                        try {
                            VariantDirectory.writeScratch(prepared.quantized(vc, calibration).graph().toModel(), file);
                        } catch (ModelException e) {
                            // A layer that reads only float tensors when alone (an Add after excluded
                            // convs, say) quantizes nothing by itself: no one-on variant exists.
                            LOG.info("No {} variant of '{}': {}", v.oneOn() ? "one-on" : "one-off", v.layer(),
                                    e.getMessage());
                            return Optional.<VariantScore>empty();
                        }
                        return Optional.of(scoring.score(file, request.firstStage()));
                    } finally {
                        Files.deleteIfExists(file);
                        request.listener().onProgress("variants", done.incrementAndGet(), variants.size());
                    }
                }));
            }
            for (int i = 0; i < variants.size(); i++) {
                Optional<VariantScore> s = get(futures.get(i));
                if (s.isPresent()) {
                    (variants.get(i).oneOn() ? oneOn : oneOff).put(variants.get(i).layer(), s.get());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        Duration variantTime = Duration.ofNanos(System.nanoTime() - variantStart);

        Optional<GradientEstimate> gradient = request.gradientEstimator().map(name -> gradientEstimate(name,
                request, fp32, calibration, ordered, layers));

        List<LayerSensitivity> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            NodeDecision d = layers.get(i);
            Optional<VariantScore> on = Optional.ofNullable(oneOn.get(d.nodeName()));
            Optional<VariantScore> off = Optional.ofNullable(oneOff.get(d.nodeName()));
            OptionalDouble recovery = off.map(s -> OptionalDouble.of(fullScore.drop().estimate()
                    - s.drop().estimate())).orElse(OptionalDouble.empty());
            double[] errors = sqnr.get(d.nodeName());
            out.add(new LayerSensitivity(d.nodeName(), d.opType(), i, on, off, recovery,
                    errors == null ? OptionalDouble.empty() : OptionalDouble.of(errors[0]),
                    errors == null || Double.isNaN(errors[1]) ? OptionalDouble.empty() : OptionalDouble.of(errors[1]),
                    weights.getOrDefault(d.nodeName(), new double[0]),
                    gradient.flatMap(g -> g.of(d.nodeName())).map(OptionalDouble::of).orElse(OptionalDouble.empty())));
        }
        Map<String, Double> correlations = correlations(out);
        out.sort(RANKING);
        return new SensitivityResult(request.model().getFileName().toString(), request.resolvedMetric(),
                scoring.baseline(), fullScore, request.tolerance(), out, correlations, tableSize, calibrationTime,
                variantTime, tensorTime, scoring.floatPassTime(), request.seed(), gradient, tensorSplit,
                scoring.floatPassSplit(), request.tensorErrors() ? localSamples(request, ordered).count() : 0);
    }

    private static void logSplit(Duration total, Optional<PassTime> split, Optional<PassTime> fp32) {
        if (split.isEmpty()) {
            LOG.info("Per-tensor SQNR pass: {} ms (one batch: no split into fixed and per-batch cost)",
                    total.toMillis());
            return;
        }
        PassTime t = split.get();
        String against = fp32.map(f -> String.format(Locale.ROOT, "; FP32 pass %d ms fixed + %s ms a batch,"
                + " per batch %.1fx", f.fixed().toMillis(), VariantScoring.millis(f.perBatch()),
                (double) t.perBatch().toNanos() / Math.max(1, f.perBatch().toNanos()))).orElse("");
        LOG.info("Per-tensor SQNR pass over {} samples: {} ms, {} ms fixed + {} ms a batch of {}{}", t.samples(),
                total.toMillis(), t.fixed().toMillis(), VariantScoring.millis(t.perBatch()), t.batchSize(), against);
    }

    /** The gradient estimate on the first {@link SensitivityRequest#gradientSamples()} samples of the order. */
    private static GradientEstimate gradientEstimate(String name, SensitivityRequest request, Graph fp32,
            TableCalibration calibration, Dataset ordered, List<NodeDecision> layers) {
        int[] first = new int[Math.min(request.gradientSamples(), ordered.size())];
        for (int i = 0; i < first.length; i++) {
            first[i] = i;
        }
        GradientEstimate g;
        try (GradientEstimator estimator = GradientEstimators.get(name)) {
            g = estimator.estimate(new GradientRequest(fp32.toModel(), request.config(), calibration,
                    Subset.of(ordered, first), layers.stream().map(NodeDecision::nodeName).toList(),
                    objective(request.resolvedMetric()), request.seed(), request.threads()));
        }
        if (g.unsupported().isPresent()) {
            LOG.warn("No gradient estimate ({}): {}", name, g.unsupported().get());
        } else {
            LOG.info("Gradient estimate ({}, {}) of {} layers on {} samples in {} ms", name, g.objective(),
                    g.perLayer().size(), g.samples(), g.time().toMillis());
        }
        return g;
    }

    /** The loss whose increase tracks the metric: cross-entropy for top-1, KL for agreement, MSE for noise. */
    static GradientObjective objective(SensitivityRequest.Metric metric) {
        return switch (metric) {
            case TOP1 -> GradientObjective.CROSS_ENTROPY;
            case NOISE -> GradientObjective.MSE_TO_FLOAT;
            default -> GradientObjective.KL_TO_FLOAT;
        };
    }

    /**
     * The {@code n} layers of lowest SQNR (local, else accumulated; unmeasured last), in graph order;
     * every layer when {@code n} is 0 or not smaller than their number.
     */
    static List<NodeDecision> lowestSqnr(List<NodeDecision> layers, Map<String, double[]> sqnr, int n) {
        if (n == 0 || n >= layers.size()) {
            return layers;
        }
        Comparator<NodeDecision> bySqnr = Comparator.comparingDouble(d -> {
            double[] e = sqnr.get(d.nodeName());
            return e == null ? Double.POSITIVE_INFINITY : Double.isNaN(e[1]) ? e[0] : e[1];
        });
        Set<String> chosen = Set.copyOf(layers.stream().sorted(bySqnr).limit(n).map(NodeDecision::nodeName).toList());
        LOG.info("Variants for the {} layers of lowest SQNR of {}", n, layers.size());
        return layers.stream().filter(d -> chosen.contains(d.nodeName())).toList();
    }

    /**
     * Most sensitive first: one-on drop, then one-off recovery, then accumulated SQNR (lowest first),
     * then gradient estimate (largest first).
     */
    static final Comparator<LayerSensitivity> RANKING = Comparator
            .comparingDouble((LayerSensitivity l) -> -orNegInf(l.oneOn().map(s -> s.drop().estimate())))
            .thenComparingDouble(l -> -orNegInf(l.recovery()))
            .thenComparingDouble(l -> l.sqnrAccumulated().orElse(Double.POSITIVE_INFINITY))
            .thenComparingDouble(l -> -orNegInf(l.gradient()))
            .thenComparingInt(LayerSensitivity::depth);

    private static double orNegInf(Optional<Double> v) {
        return v.orElse(Double.NEGATIVE_INFINITY);
    }

    private static double orNegInf(OptionalDouble v) {
        return v.orElse(Double.NEGATIVE_INFINITY);
    }

    private record Variant(String layer, boolean oneOn) {
    }

    /**
     * One-off excludes the layer; one-on excludes every other layer of the full INT8 plan (not an
     * include list, which would also leave out the Relu or Clip the layer's output absorbs, so that
     * its pre-activation would be quantized instead).
     */
    static QuantizationConfig variantConfig(QuantizationConfig config, List<NodeDecision> allLayers, Variant v) {
        QuantizationConfig.Builder b = config.toBuilder();
        if (v.oneOn()) {
            allLayers.stream().map(NodeDecision::nodeName).filter(n -> !n.equals(v.layer())).forEach(b::excludeNode);
        } else {
            b.excludeNode(v.layer());
        }
        return b.build();
    }

    /** The layers asked for, checked against the quantizable ones. */
    private static List<NodeDecision> selected(Graph fp32, List<NodeDecision> layers, SensitivityRequest request) {
        if (layers.isEmpty()) {
            throw new ModelException("Static INT8 quantization of " + request.model() + " quantizes no layer with"
                    + " this config (no Conv, Gemm, MatMul or other compute op in INT8): nothing to analyse");
        }
        if (request.layers().isEmpty()) {
            return layers;
        }
        Set<String> names = new TreeSet<>();
        layers.forEach(l -> names.add(l.nodeName()));
        for (String name : request.layers()) {
            if (!names.contains(name)) {
                String what = fp32.node(name).map(n -> "node '" + name + "' (" + n.opType() + ") is not quantized in"
                        + " INT8 with this config").orElse("the model has no node '" + name + "'");
                throw new InvalidInputException("Cannot analyse layer '" + name + "': " + what + ". The quantizable"
                        + " layers are " + names);
            }
        }
        return layers.stream().filter(l -> request.layers().contains(l.nodeName())).toList();
    }

    /**
     * Samples per run of the error model at most. The sums are the same whatever the split. The error
     * model keeps about five tensors alive for each one of the float model (float, INT8, local copy,
     * their differences); its first run, which allocates the runtime's buffers, costs about 35 ms in
     * runs of 25 Fashion-MNIST images against 220 ms in runs of 100, while the steady cost per sample
     * is the same on an otherwise idle 2-vCPU AMD EPYC (x86-64 AVX-512 VNNI); with other processes on
     * the two cores, whose work evicts the larger working set from the cache, runs of 25 took 25-30%
     * less CPU time (docs/BENCHMARKS.md).
     */
    static final int ERROR_RUN_SAMPLES = 25;

    /** Per layer of {@code layers} (by node name): accumulated and local SQNR (NaN when not measured) of its output. */
    static Map<String, double[]> tensorErrors(SensitivityRequest request, Graph fp32, Graph int8, Set<String> layers,
            Dataset data, Path dir) {
        return tensorErrors(request, fp32, int8, layers, data, dir, request.listener());
    }

    private static Map<String, double[]> tensorErrors(SensitivityRequest request, Graph fp32, Graph int8,
            Set<String> layers, Dataset data, Path dir, ProgressListener listener) {
        long start = System.nanoTime();
        LocalSamples sub = localSamples(request, data);
        TensorErrorModel errors = TensorErrorModel.build(fp32, int8, request.localErrors(), layers,
                sub.count() == data.size() ? 0 : sub.perRun());
        if (request.localErrors() && sub.count() < data.size()) {
            LOG.info("Local SQNR on {} of {} samples (the first {} of each run of {})", sub.count(), data.size(),
                    sub.perRun(), runSamples(request));
        }
        long built = System.nanoTime();
        Path model = dir.resolve("errors.onnx");
        Path zeros = dir.resolve("zeros.onnx");
        VariantDirectory.writeScratch(errors.model().toModel(), model);
        VariantDirectory.writeScratch(TensorErrorModel.zeroModel(fp32, errors).toModel(), zeros);
        long written = System.nanoTime();
        FidelityResult result;
        try (Evaluator evaluator = Evaluators.get(request.backend())) {
            result = evaluator.fidelity(FidelityRequest.builder().model(model).reference(zeros).data(data)
                    .batchSize(runSamples(request)).threads(request.threads()).parallelRuns(parallelRuns(request))
                    .bootstrapResamples(1).listener(listener).build());
        }
        LOG.debug("Error model of {} nodes: built in {} ms, written in {} ms, run over {} samples in {} ms",
                errors.model().nodes().size(), (built - start) / 1_000_000, (written - built) / 1_000_000,
                data.size(), (System.nanoTime() - written) / 1_000_000);
        Map<String, Double> means = new HashMap<>();
        for (OutputFidelity o : result.outputs()) {
            means.put(o.name(), o.meanAbsError().estimate());
        }
        Map<String, double[]> byNode = new LinkedHashMap<>();
        errors.probes().forEach((tensor, node) -> {
            double signal = means.getOrDefault(TensorErrorModel.SIGNAL + tensor, Double.NaN);
            double acc = db(signal, means.getOrDefault(TensorErrorModel.ACCUMULATED + tensor, Double.NaN));
            TensorErrorModel.LocalError local = errors.local().get(tensor);
            double loc = local == null ? Double.NaN : db(means.getOrDefault(local.signal(), Double.NaN),
                    means.getOrDefault(local.noise(), Double.NaN));
            byNode.putIfAbsent(node, new double[] {acc, loc});
        });
        return byNode;
    }

    /**
     * Runs of the error model at a time, each on one thread: one per requested thread (every available
     * processor when the backend chooses). The error model is about 400 small nodes; two intra-op
     * threads on one run spend most of their time waking each other, while two runs of one thread each
     * keep both cores busy: on a 2-vCPU AMD EPYC (x86-64 AVX-512 VNNI) the ResNet-style error model took
     * 49 ms per 100 images in two runs of one thread against 116 ms in one run of two threads
     * (docs/BENCHMARKS.md, SqnrPassFloor). The sums are the same: the runs are taken in order. Each run
     * holds its own intermediate tensors, so the pass needs the memory of one run of this many times
     * {@link #ERROR_RUN_SAMPLES} samples.
     */
    static int parallelRuns(SensitivityRequest request) {
        return request.threads() > 0 ? request.threads() : Runtime.getRuntime().availableProcessors();
    }

    /** Samples in each run of the error model: the batch size, at most {@link #ERROR_RUN_SAMPLES}. */
    static int runSamples(SensitivityRequest request) {
        return Math.min(request.batchSize(), ERROR_RUN_SAMPLES);
    }

    /**
     * The local copies' sub-sample: the first {@code perRun} samples of each run of the error model, and
     * how many samples that makes over {@code data}.
     */
    record LocalSamples(int perRun, int count) {
    }

    /**
     * The sub-sample that gives the local SQNR at least {@link SensitivityRequest#localSamples()} samples
     * of {@code data}, spread evenly over the error model's runs (as {@code ModelBatches} cuts them: each
     * group of samples of one shape in runs of {@link #runSamples}); every sample when none is asked for
     * or the data holds no more; no sample without the local SQNR.
     */
    static LocalSamples localSamples(SensitivityRequest request, Dataset data) {
        int run = runSamples(request);
        if (!request.localErrors()) {
            return new LocalSamples(0, 0);
        }
        if (request.localSamples() == 0 || request.localSamples() >= data.size()) {
            return new LocalSamples(run, data.size());
        }
        long runs = 0;
        for (var group : data.sampleShapes().groups()) {
            runs += (group.samples() + run - 1) / run;
        }
        int perRun = (int) Math.min(run, (request.localSamples() + runs - 1) / runs);
        long count = 0;
        for (var group : data.sampleShapes().groups()) {
            count += (long) (group.samples() / run) * perRun + Math.min(perRun, group.samples() % run);
        }
        return new LocalSamples(perRun, (int) count);
    }

    /** {@code 10 log10(signal / noise)}, +inf for no noise. */
    static double db(double signal, double noise) {
        if (noise == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return 10 * Math.log10(signal / noise);
    }

    private static Map<String, Double> correlations(List<LayerSensitivity> layers) {
        double[] on = layers.stream().mapToDouble(LayerSensitivity::oneOnDrop).toArray();
        double[] recovery = layers.stream().mapToDouble(l -> l.recovery().orElse(Double.NaN)).toArray();
        double[] acc = layers.stream().mapToDouble(l -> -l.sqnrAccumulated().orElse(Double.NaN)).toArray();
        double[] loc = layers.stream().mapToDouble(l -> -l.sqnrLocal().orElse(Double.NaN)).toArray();
        Map<String, Double> out = new LinkedHashMap<>();
        RankCorrelation.spearman(on, recovery).ifPresent(r -> out.put(SensitivityResult.ONE_ON_ONE_OFF, r));
        RankCorrelation.spearman(on, acc).ifPresent(r -> out.put(SensitivityResult.ONE_ON_SQNR_ACCUMULATED, r));
        RankCorrelation.spearman(on, loc).ifPresent(r -> out.put(SensitivityResult.ONE_ON_SQNR_LOCAL, r));
        RankCorrelation.spearman(recovery, acc).ifPresent(r -> out.put(SensitivityResult.ONE_OFF_SQNR_ACCUMULATED, r));
        double[] gradient = layers.stream().mapToDouble(l -> l.gradient().orElse(Double.NaN)).toArray();
        RankCorrelation.spearman(on, gradient).ifPresent(r -> out.put(SensitivityResult.ONE_ON_GRADIENT, r));
        return out;
    }

    /**
     * The evaluation data in a seeded random order, so that every prefix is a seeded random subset.
     *
     * @param data the data
     * @param seed the seed of the order
     * @return the data in that order
     */
    public static Dataset seededOrder(Dataset data, long seed) {
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return Subset.of(data, order);
    }

    private static <T> T get(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuantException("Sensitivity analysis interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new QuantException("A sensitivity variant failed: " + e.getCause(), e.getCause());
        }
    }
}
