package org.quant4j.report.compare;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.Provenance;
import org.quant4j.api.io.AtomicFiles;
import org.quant4j.api.provider.UnknownProviderException;
import org.quant4j.api.quantize.DataNeed;
import org.quant4j.api.quantize.QuantizerProvider;
import org.quant4j.api.QuantException;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.evaluate.EvaluationRequest;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.evaluate.FidelityRequest;
import org.quant4j.api.evaluate.Predictions;
import org.quant4j.api.evaluate.TimedSession;
import org.quant4j.api.platform.CpuFeatures;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.api.quantize.Quantizers;
import org.quant4j.report.measure.IsolatedMemory;
import org.quant4j.report.measure.ProcessMemory;
import org.quant4j.report.stats.AccuracyStatistics;
import org.quant4j.report.stats.McNemarTest;
import org.quant4j.report.stats.StatisticsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a method comparison on one model and one dataset and returns the
 * {@link ComparisonReport}: each method's model is made through the {@link Quantizers} SPI,
 * evaluated on the whole test set through the {@link Evaluators} SPI, then timed. On labelled test
 * data each model's top-1 predictions are evaluated; on test data without labels each quantized
 * model is compared with the FP32 model on the same samples instead
 * ({@link Evaluator#fidelity}: SQNR, cosine, errors, argmax agreement, with bootstrap intervals).
 *
 * <p>How the costs are measured, as the report also states:
 * <ul>
 *   <li>Latency (batch 1) and throughput (batch 32) come from {@link TimedSession}s of all models
 *       open at once and timed in interleaved rounds (round 1: every method, round 2: every
 *       method, ...), so drift of the machine's speed affects every method alike; the median and
 *       the 10th/90th percentiles of all timed runs are reported.</li>
 *   <li>Peak memory is measured for one model at a time, before the timing rounds, each in a
 *       fresh JVM of its own ({@link IsolatedMemory}): the rise of that process's peak resident set
 *       above its level before the model was opened, while it opens the model and runs it at batch
 *       1 and batch 32. In this JVM the figure would mean little: memory freed by an earlier model's
 *       runtime is reused by the next. {@link Builder#measureMemory(boolean)} switches it off.</li>
 *   <li>Calibration and quantization times are the quantizer's own wall-time figures.</li>
 *   <li>The CPU ({@link CpuFeatures#host()}) is recorded with the results, and the kernel target of
 *       each INT8 method: INT8 accuracy and speed depend on both.</li>
 * </ul>
 */
public final class MethodComparison {

    private static final Logger LOG = LoggerFactory.getLogger(MethodComparison.class);

    /** Inferences at each batch size in a memory measurement. */
    private static final int MEMORY_RUNS = 2;

    /** Stage names reported to the listener. */
    public static final String QUANTIZE = "quantize";
    public static final String EVALUATE = "evaluate";
    public static final String TIME = "timing";
    /** Stage name of the fidelity of each method to the reference, on data without labels. */
    public static final String FIDELITY = "fidelity";

    /**
     * One method to compare: the FP32 reference ({@link #reference()}), a quantization config, or
     * a model made elsewhere (for example by quantization-aware training).
     *
     * @param name          unique row name
     * @param config        how to quantize the reference model; empty for the reference or a prebuilt model
     * @param prebuilt      a model made elsewhere; empty otherwise
     * @param quantizer     the quantizer to use instead of the comparison's; empty for the comparison's.
     *                      What data it gets is what its provider declares it needs for the mode
     *                      ({@link QuantizerProvider#dataNeed}): calibration samples, or the labelled
     *                      training data for a quantizer that trains
     */
    public record Method(String name, Optional<QuantizationConfig> config, Optional<Path> prebuilt,
            Optional<String> quantizer) {

        public Method {
            Objects.requireNonNull(name, "name");
            config = config == null ? Optional.empty() : config;
            prebuilt = prebuilt == null ? Optional.empty() : prebuilt;
            quantizer = quantizer == null ? Optional.empty() : quantizer;
            if (config.isPresent() && prebuilt.isPresent()) {
                throw new IllegalArgumentException("Method '" + name + "' has both a config and a prebuilt model");
            }
            if (quantizer.isPresent() && config.isEmpty()) {
                throw new IllegalArgumentException("Method '" + name + "' names a quantizer but has no config:"
                        + " give the quantization config");
            }
        }

        /** The unquantized model itself. */
        public static Method reference() {
            return new Method("FP32", Optional.empty(), Optional.empty(), Optional.empty());
        }

        /** A method made by quantizing the reference with {@code config}. */
        public static Method quantized(String name, QuantizationConfig config) {
            return new Method(name, Optional.of(config), Optional.empty(), Optional.empty());
        }

        /**
         * A method made by the quantizer named {@code quantizer} rather than the comparison's, timed
         * like every other method; one that trains (quantization-aware training) gets the
         * comparison's training data.
         */
        public static Method byQuantizer(String name, QuantizationConfig config, String quantizer) {
            return new Method(name, Optional.of(config), Optional.empty(), Optional.of(quantizer));
        }

        /** A model made elsewhere, e.g. QAT, compared as a static INT8 method without calibrator. */
        public static Method prebuilt(String name, Path model) {
            return new Method(name, Optional.empty(), Optional.of(model), Optional.empty());
        }

        boolean isReference() {
            return config.isEmpty() && prebuilt.isEmpty();
        }

        /**
         * The data this method's quantizer declares it needs ({@code comparisonQuantizer} unless the
         * method names its own); {@link DataNeed#NONE} for the reference and prebuilt models.
         */
        DataNeed dataNeed(String comparisonQuantizer) {
            return config.map(c -> Quantizers.registry().find(quantizer.orElse(comparisonQuantizer)).dataNeed(c.mode()))
                    .orElse(DataNeed.NONE);
        }
    }

    /**
     * The usual set: FP32, FP16, dynamic INT8, and static INT8 with min-max, entropy, percentile
     * and MSE calibration, each per tensor and per channel.
     */
    public static List<Method> standardMethods(long seed) {
        return standardMethods(seed, KernelTarget.PORTABLE);
    }

    /** The standard methods with INT8 weights written for {@code target}. */
    public static List<Method> standardMethods(long seed, KernelTarget target) {
        List<Method> methods = new ArrayList<>();
        methods.add(Method.reference());
        methods.add(Method.quantized("FP16", QuantizationConfig.builder().mode(QuantizationMode.FP16).seed(seed).build()));
        methods.add(Method.quantized("dynamic INT8", QuantizationConfig.builder().mode(QuantizationMode.DYNAMIC)
                .perChannel(true).kernelTarget(target).seed(seed).build()));
        for (CalibrationMethod c : List.of(CalibrationMethod.MIN_MAX, CalibrationMethod.ENTROPY,
                CalibrationMethod.PERCENTILE, CalibrationMethod.MSE)) {
            for (boolean perChannel : new boolean[] {false, true}) {
                methods.add(Method.quantized("static INT8 " + c.id() + (perChannel ? " per-channel" : " per-tensor"),
                        QuantizationConfig.builder().calibrationMethod(c).perChannel(perChannel).kernelTarget(target)
                                .seed(seed).build()));
            }
        }
        return methods;
    }

    private final Builder b;

    private MethodComparison(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs every method: makes its model, evaluates it on the test data, measures its memory and
     * speed, and assembles the report. A method that fails is left out with the reason in the
     * report's notes.
     */
    public ComparisonReport run() {
        try {
            Files.createDirectories(b.workDirectory);
        } catch (java.io.IOException e) {
            throw new InvalidInputException("Cannot create work directory " + b.workDirectory + ": " + e.getMessage(), e);
        }
        List<String> notes = new ArrayList<>();
        Map<Method, Made> made = makeAll(notes);
        try (Evaluator evaluator = Evaluators.get(b.evaluator)) {
            Method reference = made.keySet().stream().filter(Method::isReference).findFirst()
                    .orElseThrow(() -> new InvalidInputException("The comparison needs the FP32 reference method"));
            Map<Method, Predictions> predictions = labelled() ? evaluateAll(evaluator, made) : Map.of();
            Map<Method, ReferenceFidelity> fidelity = labelled() ? Map.of() : fidelityAll(evaluator, made);
            Map<Method, MemoryMeasurement> memory;
            Map<Method, double[][]> timings;
            try {
                memory = measureMemory(made, notes);
                timings = time(evaluator, made);
            } catch (InvalidInputException e) {
                // A timed session feeds synthetic inputs of the model's declared shape: a model with a
                // dynamic dimension besides the batch (a text line's width, say) cannot be timed that way.
                LOG.warn("Speed and memory are not measured: {}", e.getMessage());
                notes.add("Latency, throughput and peak memory were not measured: " + e.getMessage() + ".");
                memory = Map.of();
                timings = Map.of();
            }
            return assemble(made, reference, predictions, fidelity, memory, timings, notes);
        }
    }

    /** Whether the test data has labels: accuracy is compared; else fidelity to the reference. */
    private boolean labelled() {
        return b.testData.numClasses() > 0;
    }

    /** Step 2 on data without labels: each quantized model's fidelity to the reference on the test data. */
    private Map<Method, ReferenceFidelity> fidelityAll(Evaluator evaluator, Map<Method, Made> made) {
        Map<Method, ReferenceFidelity> fidelity = new LinkedHashMap<>();
        for (Map.Entry<Method, Made> e : made.entrySet()) {
            if (e.getKey().isReference()) {
                continue;
            }
            LOG.info("Comparing '{}' with the reference on {} samples", e.getKey().name(), b.testData.size());
            fidelity.put(e.getKey(), ReferenceFidelity.of(evaluator.fidelity(FidelityRequest.builder()
                    .model(e.getValue().model)
                    .reference(b.model)
                    .data(b.testData)
                    .batchSize(32)
                    .threads(b.threads)
                    .bootstrapResamples(b.statistics.bootstrapResamples())
                    .confidenceLevel(b.statistics.confidenceLevel())
                    .seed(b.statistics.seed())
                    .listener((stage, d, t) -> b.listener.onProgress(FIDELITY + " " + e.getKey().name(), d, t))
                    .build())));
        }
        return fidelity;
    }

    /** Step 1: the model of every method; a method that fails is left out and its reason added to {@code notes}. */
    private Map<Method, Made> makeAll(List<String> notes) {
        Map<Method, Made> made = new LinkedHashMap<>();
        int done = 0;
        for (Method m : b.methods) {
            b.listener.onProgress(QUANTIZE, done++, b.methods.size());
            try {
                made.put(m, make(m));
            } catch (QuantException e) {
                LOG.warn("Method '{}' failed and is left out: {}", m.name(), e.getMessage());
                notes.add("Method '" + m.name() + "' failed and is left out: " + e.getMessage());
            }
        }
        b.listener.onProgress(QUANTIZE, done, b.methods.size());
        return made;
    }

    /** Step 2: the predictions of every model on the test data. */
    private Map<Method, Predictions> evaluateAll(Evaluator evaluator, Map<Method, Made> made) {
        Map<Method, Predictions> predictions = new LinkedHashMap<>();
        for (Map.Entry<Method, Made> e : made.entrySet()) {
            LOG.info("Evaluating '{}' on {} samples", e.getKey().name(), b.testData.size());
            predictions.put(e.getKey(), evaluator.evaluate(EvaluationRequest.builder()
                    .model(e.getValue().model)
                    .data(b.testData)
                    .batchSize(256)
                    .topK(Math.min(5, b.testData.numClasses()))
                    .threads(b.threads)
                    .listener((stage, d, t) -> b.listener.onProgress(EVALUATE + " " + e.getKey().name(), d, t))
                    .build()).predictions());
        }
        return predictions;
    }

    /** Step 4: the report, one row per method made, with the notes on how it was measured. */
    private ComparisonReport assemble(Map<Method, Made> made, Method referenceMethod,
            Map<Method, Predictions> predictions, Map<Method, ReferenceFidelity> fidelity,
            Map<Method, MemoryMeasurement> memory,
            Map<Method, double[][]> timings, List<String> notes) {
        Predictions reference = predictions.get(referenceMethod);
        ComparisonReport.Builder report = ComparisonReport.builder()
                .title(b.title)
                .model(b.modelName)
                .dataset(b.datasetName)
                .statistics(b.statistics)
                .targets(b.targets)
                .provenance(provenance())
                .cpu(CpuDescription.of(CpuFeatures.host()));
        for (String note : b.measurementNotes) {
            report.measurementNote(note);
        }
        for (String note : notes) {
            report.measurementNote(note);
        }
        if (!timings.isEmpty()) {
            report.measurementNote(String.format(Locale.ROOT, "Latency (batch 1) and throughput (batch 32): %d"
                    + " interleaved rounds of %d and %d timed runs per method after warm-up, %d intra-op threads,"
                    + " all ONNX Runtime graph optimisations; median with 10th-90th percentiles of all runs. The"
                    + " recommendation counts two methods as equally fast when each median throughput lies inside"
                    + " the other's 10th-90th percentile range, and prefers the more accurate.",
                    b.rounds, b.latencyIterations, b.throughputIterations, b.threads));
        }
        // Resolved once per target: resolving 'host' on a CPU that cannot be read logs a warning.
        Map<KernelTarget, KernelTarget> resolvedTargets = new EnumMap<>(KernelTarget.class);
        for (Map.Entry<Method, Made> e : made.entrySet()) {
            Method m = e.getKey();
            MethodResult.Builder measured = MethodResult.builder(m.name());
            if (!labelled()) {
                measured.fidelity(fidelity.get(m));
            } else {
                measured.accuracy(m == referenceMethod
                        ? AccuracyStatistics.ofReference(reference, b.classNames, b.statistics)
                        : AccuracyStatistics.of(predictions.get(m), reference, b.classNames, b.statistics));
                Predictions p = predictions.get(m);
                if (p.nonFinite() > 0) {
                    measured.note(p.nonFinite() + " of " + p.size() + " test samples gave class scores holding NaN or"
                            + " infinity: no prediction, counted as wrong");
                }
            }
            MethodResult row = row(m, e.getValue(), measured, timings.get(m), Optional.ofNullable(memory.get(m)),
                    resolvedTargets);
            if (m == referenceMethod) {
                report.reference(row);
            } else {
                report.method(row);
            }
        }
        if (labelled()) {
            // Every pair of quantized methods, so that the recommendation can tell apart two of equal speed.
            List<Method> quantized = made.keySet().stream().filter(m -> m != referenceMethod).toList();
            for (int i = 0; i < quantized.size(); i++) {
                for (int j = i + 1; j < quantized.size(); j++) {
                    report.pairedTest(new MethodPairTest(quantized.get(i).name(), quantized.get(j).name(),
                            McNemarTest.compare(predictions.get(quantized.get(i)), predictions.get(quantized.get(j)))));
                }
            }
        }
        return report.build();
    }

    /** The report row of one method. */
    private MethodResult row(Method m, Made made, MethodResult.Builder row, double[][] timings,
            Optional<MemoryMeasurement> memory, Map<KernelTarget, KernelTarget> resolvedTargets) {
        row.modelFileBytes(made.bytes);
        m.config().ifPresent(c -> {
            row.mode(c.mode()).perChannel(c.perChannel() && c.mode() != QuantizationMode.FP16);
            if (c.mode() == QuantizationMode.STATIC) {
                row.calibration(c.calibrationMethod());
            }
            if (c.mode() != QuantizationMode.FP16) {
                row.kernelTarget(resolvedTargets.computeIfAbsent(c.kernelTarget(), KernelTarget::resolve));
            }
        });
        if (m.prebuilt().isPresent()) {
            row.mode(QuantizationMode.STATIC).perChannel(true).note("model made outside this comparison: "
                    + m.prebuilt().get().getFileName());
        }
        if (m.dataNeed(b.quantizer) == DataNeed.LABELLED_TRAINING_DATA) {
            row.note("trained by quantizer '" + m.quantizer().orElse(b.quantizer) + "' on "
                    + b.trainingData.size() + " labelled images; quantization time includes the training");
        }
        made.result.ifPresent(r -> {
            r.executedLayers().forEach(row::executedLayer);
            row.quantizationSeconds(r.totalTime().toNanos() / 1e9);
            if (!r.calibrationTime().isZero()) {
                row.calibrationSeconds(r.calibrationTime().toNanos() / 1e9);
            }
        });
        if (timings != null) {
            row.latencyBatch1Millis(TimingSummary.of(timings[0]));
            row.throughputBatch32PerSecond(TimingSummary.of(timings[1]));
        }
        memory.ifPresent(row::peakMemory);
        return row.build();
    }

    private record Made(Path model, long bytes, Optional<QuantizationResult> result) {
    }

    private Made make(Method m) {
        if (m.isReference()) {
            return new Made(b.model, AtomicFiles.size(b.model), Optional.empty());
        }
        if (m.prebuilt().isPresent()) {
            return new Made(m.prebuilt().get(), AtomicFiles.size(m.prebuilt().get()), Optional.empty());
        }
        QuantizationConfig config = m.config().orElseThrow();
        Path output = b.workDirectory.resolve(Slugs.of(m.name()) + ".onnx");
        QuantizationRequest.Builder request = QuantizationRequest.builder()
                .model(b.model)
                .output(output)
                .overwriteOutput(true)
                .config(config)
                .batchSize(32)
                .threads(b.threads)
                .listener((stage, d, t) -> b.listener.onProgress(stage + " " + m.name(), d, t));
        switch (m.dataNeed(b.quantizer)) {
            case LABELLED_TRAINING_DATA -> request.calibrationData(b.trainingData);
            case CALIBRATION_SAMPLES -> request.calibrationData(b.calibrationData);
            // Used when given: the comparison passes the calibration samples it has.
            case OPTIONAL_CALIBRATION_SAMPLES -> {
                if (b.calibrationData != null) {
                    request.calibrationData(b.calibrationData);
                }
            }
            case NONE -> { }
        }
        LOG.info("Making '{}'", m.name());
        try (Quantizer quantizer = Quantizers.get(m.quantizer().orElse(b.quantizer))) {
            QuantizationResult result = quantizer.quantize(request.build());
            return new Made(output, result.outputBytes(), Optional.of(result));
        }
    }

    /**
     * Step 3a: the memory of opening each model and running it, each in a fresh JVM of its own
     * ({@link IsolatedMemory}), one at a time; empty when switched off or where it cannot be measured.
     */
    private Map<Method, MemoryMeasurement> measureMemory(Map<Method, Made> made, List<String> notes) {
        Map<Method, MemoryMeasurement> memory = new LinkedHashMap<>();
        if (!b.measureMemory) {
            notes.add("Peak memory not measured: switched off.");
            return memory;
        }
        if (!ProcessMemory.supported()) {
            notes.add("Peak memory not measured: this platform has no /proc/self/status.");
            return memory;
        }
        String description = "rise of the peak resident set (Linux VmHWM) of a fresh JVM that opened only this"
                + " model (" + b.threads + " intra-op threads, the timed sessions' options) and ran it "
                + MEMORY_RUNS + " times at batch 1 then " + MEMORY_RUNS + " times at batch " + IsolatedMemory.LARGE_BATCH
                + ", above that JVM's resident set just before opening it (its baseline: JVM and evaluator classes);"
                + " includes the runtime's weights, prepacked weight copies, arena and the batches' inputs";
        Path dir = b.workDirectory.resolve("memory");
        for (Map.Entry<Method, Made> e : made.entrySet()) {
            LOG.info("Measuring the memory of '{}' in a child process", e.getKey().name());
            try {
                IsolatedMemory.Figures f = IsolatedMemory.measure(e.getValue().model, b.evaluator, b.threads,
                        MEMORY_RUNS, dir);
                memory.put(e.getKey(), new MemoryMeasurement(f.riseBytes(), OptionalLong.of(f.baselineBytes()),
                        description));
            } catch (QuantException ex) {
                LOG.warn("Memory of '{}' not measured: {}", e.getKey().name(), ex.getMessage());
                notes.add("Peak memory of " + e.getKey().name() + " not measured: " + ex.getMessage() + ".");
            }
        }
        return memory;
    }

    /** Step 3b, interleaved across methods: per method [0] batch-1 latencies in ms, [1] batch-32 throughputs in samples/s. */
    private Map<Method, double[][]> time(Evaluator evaluator, Map<Method, Made> made) {
        Map<Method, TimedSession> sessions = new LinkedHashMap<>();
        Map<Method, double[][]> timings = new LinkedHashMap<>();
        try {
            for (Map.Entry<Method, Made> e : made.entrySet()) {
                sessions.put(e.getKey(), evaluator.openTimed(e.getValue().model, b.threads));
                timings.put(e.getKey(), new double[][] {
                    new double[b.rounds * b.latencyIterations], new double[b.rounds * b.throughputIterations]});
            }
            int total = b.rounds * sessions.size();
            int step = 0;
            for (int round = 0; round < b.rounds; round++) {
                for (Map.Entry<Method, TimedSession> e : sessions.entrySet()) {
                    b.listener.onProgress(TIME, step++, total);
                    double[][] t = timings.get(e.getKey());
                    double[] latency = e.getValue().time(1, round == 0 ? 5 : 1, b.latencyIterations);
                    System.arraycopy(latency, 0, t[0], round * b.latencyIterations, latency.length);
                    double[] batch = e.getValue().time(32, 1, b.throughputIterations);
                    for (int i = 0; i < batch.length; i++) {
                        t[1][round * b.throughputIterations + i] = 32 * 1000.0 / batch[i];
                    }
                }
            }
            b.listener.onProgress(TIME, total, total);
            return timings;
        } finally {
            sessions.values().forEach(TimedSession::close);
        }
    }

    private Provenance provenance() {
        return Provenance.builder()
                .put(Provenance.QUANTIZER, b.quantizer)
                .put("quantizer.version", Quantizers.registry().find(b.quantizer).backendVersion())
                .put("evaluator", b.evaluator)
                .put(Provenance.MODEL, b.modelName)
                .calibration("per method", b.calibrationData == null ? "none" : b.calibrationData.fingerprint())
                .put("test.data", b.testData.fingerprint())
                .seed(b.statistics.seed())
                .put("threads", Integer.toString(b.threads))
                .platform()
                .build();
    }

    /**
     * Builder of {@link MethodComparison}. Required: model, test data, work directory; calibration
     * data when a static method is compared. Defaults: {@link #standardMethods} with seed 42, 2
     * threads, 5 timing rounds of 20 batch-1 and 3 batch-32 runs, backends {@code onnxruntime}.
     */
    public static final class Builder {
        private Path model;
        private String modelName;
        private Dataset calibrationData;
        private Dataset trainingData;
        private Dataset testData;
        private String datasetName;
        private List<String> classNames = List.of();
        private Path workDirectory;
        private List<Method> methods = standardMethods(42);
        private int threads = 2;
        private boolean measureMemory = true;
        private int rounds = 5;
        private int latencyIterations = 20;
        private int throughputIterations = 3;
        private String quantizer = "onnxruntime";
        private String evaluator = "onnxruntime";
        private StatisticsOptions statistics = StatisticsOptions.builder().build();
        private Targets targets = Targets.defaults();
        private String title = "Quantization comparison";
        private ProgressListener listener = ProgressListener.NONE;
        private final List<String> measurementNotes = new ArrayList<>();

        private Builder() {
        }

        public Builder model(Path model, String name) {
            this.model = model;
            this.modelName = name;
            return this;
        }

        public Builder calibrationData(Dataset data) {
            this.calibrationData = data;
            return this;
        }

        /** Labelled training images for the methods that train ({@link Method#byQuantizer}). */
        public Builder trainingData(Dataset data) {
            this.trainingData = data;
            return this;
        }

        public Builder testData(Dataset data, String name) {
            this.testData = data;
            this.datasetName = name;
            return this;
        }

        public Builder classNames(List<String> names) {
            this.classNames = List.copyOf(names);
            return this;
        }

        public Builder workDirectory(Path dir) {
            this.workDirectory = dir;
            return this;
        }

        public Builder methods(List<Method> methods) {
            this.methods = List.copyOf(methods);
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * Whether each method's peak memory is measured in a child JVM (on by default; each child
         * opens and runs one model, taking a few seconds per method).
         */
        public Builder measureMemory(boolean measure) {
            this.measureMemory = measure;
            return this;
        }

        public Builder timing(int rounds, int latencyIterations, int throughputIterations) {
            this.rounds = rounds;
            this.latencyIterations = latencyIterations;
            this.throughputIterations = throughputIterations;
            return this;
        }

        public Builder backends(String quantizer, String evaluator) {
            this.quantizer = Objects.requireNonNull(quantizer);
            this.evaluator = Objects.requireNonNull(evaluator);
            return this;
        }

        public Builder statistics(StatisticsOptions statistics) {
            this.statistics = Objects.requireNonNull(statistics);
            return this;
        }

        public Builder targets(Targets targets) {
            this.targets = Objects.requireNonNull(targets);
            return this;
        }

        public Builder title(String title) {
            this.title = Objects.requireNonNull(title);
            return this;
        }

        public Builder listener(ProgressListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /** Adds a note on how the data was chosen or measured, shown first under "How it was measured". */
        public Builder measurementNote(String note) {
            this.measurementNotes.add(Objects.requireNonNull(note, "note"));
            return this;
        }

        /** What {@code m} needs; a quantizer not on the classpath fails when the method is made, with a note. */
        private DataNeed needOf(Method m) {
            try {
                return m.dataNeed(quantizer);
            } catch (UnknownProviderException e) {
                return DataNeed.NONE;
            }
        }

        public MethodComparison build() {
            if (model == null || !Files.isRegularFile(model)) {
                throw new InvalidInputException("Model " + model + " does not exist: give the FP32 ONNX model to compare");
            }
            if (testData == null) {
                throw new InvalidInputException("The comparison needs test data: labelled to compare accuracy, or"
                        + " unlabelled to compare each method's outputs with the reference's");
            }
            if (workDirectory == null) {
                throw new InvalidInputException("Give a work directory for the quantized models");
            }
            if (methods.stream().noneMatch(Method::isReference)) {
                throw new InvalidInputException("The methods must include the FP32 reference (Method.reference())");
            }
            if (calibrationData == null && methods.stream().anyMatch(m -> needOf(m) == DataNeed.CALIBRATION_SAMPLES)) {
                throw new InvalidInputException("Static methods need calibration data");
            }
            List<String> training = methods.stream().filter(m -> needOf(m) == DataNeed.LABELLED_TRAINING_DATA)
                    .map(Method::name).toList();
            if (trainingData == null && !training.isEmpty()) {
                throw new InvalidInputException("Methods that train (" + training
                        + ") need labelled training data: give it with trainingData(...)");
            }
            if (threads < 0 || rounds <= 0 || latencyIterations <= 0 || throughputIterations <= 0) {
                throw new InvalidInputException("Threads must be >= 0 and timing rounds/iterations > 0");
            }
            if (modelName == null) {
                modelName = model.getFileName().toString();
            }
            if (datasetName == null) {
                datasetName = testData.fingerprint();
            }
            return new MethodComparison(this);
        }
    }
}
