package org.quant4j.cli.mixed;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.io.AtomicFiles;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.calibration.sampling.Subset;
import org.quant4j.cli.CliCommand;
import org.quant4j.cli.Quant4jCli;
import org.quant4j.cli.compare.StratifiedSubset;
import org.quant4j.cli.console.Formats;
import org.quant4j.cli.console.ProgressBar;
import org.quant4j.cli.console.TextTable;
import org.quant4j.cli.data.DataOptions;
import org.quant4j.cli.data.DataSources;
import org.quant4j.cli.data.DataSources.OpenedData;
import org.quant4j.cli.options.CalibrationOptions;
import org.quant4j.cli.options.CountConverter;
import org.quant4j.cli.options.KernelTargetConverter;
import org.quant4j.cli.options.ModelOption;
import org.quant4j.cli.options.OutputOptions;
import org.quant4j.cli.options.RuntimeOptions;
import org.quant4j.cli.sensitivity.SensitivityCommand;
import org.quant4j.mixedprecision.LayerChoice;
import org.quant4j.mixedprecision.MixedPrecision;
import org.quant4j.mixedprecision.MixedPrecisionJson;
import org.quant4j.mixedprecision.MixedPrecisionRequest;
import org.quant4j.mixedprecision.MixedPrecisionResult;
import org.quant4j.mixedprecision.ReportedModel;
import org.quant4j.mixedprecision.SearchMethod;
import org.quant4j.mixedprecision.SearchOutcome;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.sensitivity.SensitivityRequest.Metric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quant4j mixed}: the fastest per-layer mix of INT8 and float within an accuracy budget
 * ({@link MixedPrecision}); writes the mixed model and the assignment JSON, prints each search's
 * choice on the test split.
 */
@Command(name = "mixed", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "quant4j mixed -m FILE -d PATH [--max-drop DROP] [--search NAME] [-o FILE]"
                + " [--assignment FILE] [OPTIONS]",
        description = {
            "Find the fastest model within an accuracy budget by choosing, per layer, INT8 per channel, INT8 per"
                    + " tensor or float, and FP16 where the latency backend runs it fast (--latency-backend tensorrt,"
                    + " on a GPU; FP16 is no choice on ONNX Runtime's CPU provider: it runs slower than float"
                    + " there). Costs are measured: each choice's latency from ONNX Runtime's per-node profile (or"
                    + " the latency backend's wall clock), its accuracy effect from the one-on sensitivity of each"
                    + " layer. Greedy, dynamic"
                    + " programming and evolutionary search choose on a validation split; the chosen models are"
                    + " reported on a test split. A model is always written: when nothing beats FP32 within the"
                    + " budget, it says so with the measurements.",
            "A dataset directory gives calibration and validation samples from its training split (disjoint) and"
                    + " test samples from its test split; a single file is split in two halves, validation and test."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  Within half a point of FP32 top-1, every search, two threads:",
            "    quant4j mixed -m model.onnx -d /usr/share/datasets/fashion-mnist --max-drop 0.005 --threads 2",
            "  Unlabelled data (argmax agreement with FP32 within 1%%), greedy only:",
            "    quant4j mixed -m rec.onnx -d lines.npy --max-drop 0.01 --search greedy"
        })
public final class MixedCommand extends CliCommand {

    @Mixin
    private ModelOption model;

    @Mixin
    private DataOptions data;

    @Mixin
    private CalibrationOptions calibration;

    @Mixin
    private RuntimeOptions runtime;

    /** {@code -o FILE}: the mixed model (default MODEL-mixed.onnx); {@code --overwrite} applies to it and the JSON. */
    @Mixin
    private OutputOptions output;

    @Option(names = "--max-drop", paramLabel = "DROP", defaultValue = "0.005",
            description = "Largest drop of the metric against FP32 allowed, as a fraction: 0.005 is half a point of"
                    + " top-1 (default: ${DEFAULT-VALUE}).")
    private double maxDrop;

    @Option(names = "--search", paramLabel = "NAME", defaultValue = "all",
            description = "greedy, dp, evolutionary or all (default: ${DEFAULT-VALUE}).")
    private String search;

    @Option(names = "--metric", paramLabel = "NAME", converter = SensitivityCommand.MetricConverter.class,
            completionCandidates = SensitivityCommand.MetricConverter.class,
            description = "${COMPLETION-CANDIDATES}: auto is top-1 on labelled data, else agreement with FP32"
                    + " (default: auto).")
    private Metric metric = Metric.AUTO;

    @Option(names = "--target", paramLabel = "TARGET", defaultValue = "portable",
            converter = KernelTargetConverter.class, completionCandidates = KernelTargetConverter.class,
            description = "CPUs the INT8 layers are for, as for quantize: portable, vnni or host (default:"
                    + " ${DEFAULT-VALUE}).")
    private KernelTarget target;

    @Option(names = "--validation-samples", paramLabel = "N", converter = CountConverter.Positive.class,
            defaultValue = "2000",
            description = "Validation samples the searches choose on (default: ${DEFAULT-VALUE}).")
    private int validationSamples;

    @Option(names = "--test-samples", paramLabel = "N", converter = CountConverter.Positive.class,
            description = "Test samples the chosen models are reported on (default: all of the test split).")
    private Integer testSamples;

    @Option(names = "--latency-batch", paramLabel = "N", converter = CountConverter.Positive.class,
            defaultValue = "32", description = "Samples per batch when latency is measured (default: ${DEFAULT-VALUE}).")
    private int latencyBatch;

    @Option(names = "--profile-runs", paramLabel = "N|auto", converter = ProfileRunsConverter.class,
            defaultValue = "auto", description = "Profiled runs per model when latency costs are measured, after 3"
                    + " warm-up runs; auto: as many as fit in about one second, from 5 to 40, by the float model's"
                    + " time (default: ${DEFAULT-VALUE}).")
    private int profileRuns;

    @Option(names = "--generations", paramLabel = "N", defaultValue = "5",
            description = "Generations of the evolutionary search after the first (default: ${DEFAULT-VALUE}).")
    private int generations;

    @Option(names = "--population", paramLabel = "N", defaultValue = "10",
            description = "Individuals per generation of the evolutionary search (default: ${DEFAULT-VALUE}).")
    private int population;

    @Option(names = "--assignment", paramLabel = "FILE",
            description = "Where the assignment JSON goes (layer -> choice and why, every search, the measured"
                    + " costs; default: MODEL-mixed.json).")
    private Path assignmentFile;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "onnxruntime",
            description = "Backend that calibrates and evaluates (default: ${DEFAULT-VALUE}).")
    private String backend;

    @Option(names = "--latency-backend", paramLabel = "NAME", defaultValue = "onnxruntime",
            description = "Backend whose latency is measured and minimised (default: ${DEFAULT-VALUE}, its per-node"
                    + " CPU profile). tensorrt (quant-tensorrt, an NVIDIA GPU) times each variant as a strongly typed"
                    + " engine and adds FP16 as a per-layer choice; accuracy is still measured with --backend.")
    private String latencyBackend;

    @Override
    protected int run() {
        Path modelPath = model.path();
        List<TensorInfo> inputs = model.inputs();
        if (!data.given()) {
            throw usageError("A mixed-precision search calibrates, chooses and reports on data: give it with --data");
        }
        Set<SearchMethod> searches = searches(search);
        if (!(maxDrop >= 0) || maxDrop >= 1) {
            throw usageError("--max-drop must be at least 0 and below 1, as a fraction (0.005 for half a point), got "
                    + maxDrop);
        }
        Path modelOut = output.output(ModelOption.sibling(modelPath, "-mixed.onnx"));
        Path jsonOut = assignmentFile != null ? assignmentFile : ModelOption.sibling(modelPath, "-mixed.json");
        if (modelOut.toAbsolutePath().normalize().equals(jsonOut.toAbsolutePath().normalize())) {
            throw new InvalidInputException("--output and --assignment are the same file " + jsonOut
                    + ": give each its own");
        }
        // Everything this run reads; no output is ever one of them, not even with --overwrite. Checked before
        // any data is read: a full or read-only disk is found now, not after the search.
        List<OutputTarget.Input> reads = new ArrayList<>(List.of(model.input()));
        reads.addAll(data.inputs());
        OutputTarget modelTarget = output.checkWritable(modelOut, "the mixed-precision model", reads,
                AtomicFiles.size(modelPath));
        OutputTarget jsonTarget = output.checkWritable(jsonOut, "the assignment", reads, 0);
        OpenedData train = DataSources.open(data, DataOptions.Split.TRAIN, DataSources.inputShape(inputs));
        OpenedData test = DataSources.open(data, DataOptions.Split.TEST, DataSources.inputShape(inputs));
        Dataset calibrationData;
        Dataset validationData;
        Dataset testData;
        if (train.description().equals(test.description())) {
            // One file: seeded halves for validation (calibration drawn from it) and test.
            Dataset all = train.dataset();
            Subset half = sample(all, all.size() / 2);
            validationData = half;
            testData = Subset.complement(all, half);
            calibrationData = calibration.select(half);
        } else {
            calibrationData = calibration.select(train.dataset());
            validationData = MixedRows.validation(train.dataset(), calibrationData, validationSamples,
                    calibration.seed());
            testData = test.dataset();
        }
        testData = StratifiedSubset.of(testData, testSamples, calibration.seed() + 1, "--test-samples");
        QuantizationConfig config = calibration.applyTo(QuantizationConfig.builder()).kernelTarget(target).build();
        backend = backend("--backend", backend, Evaluators.registry());
        MixedPrecisionRequest.Builder request = MixedPrecisionRequest.builder().model(modelPath).outputTarget(modelTarget)
                .calibration(calibrationData).validation(validationData).test(testData).config(config)
                .backend(backend).latencyBackend(latencyBackend).metric(metric).maxDrop(maxDrop).searches(searches).seed(calibration.seed())
                .batchSize(calibration.batchSize()).latencyBatch(latencyBatch).threads(runtime.threads())
                .profileRuns(profileRuns)
                .population(population).generations(generations);
        MixedPrecisionResult result;
        try (ProgressBar bar = progressBar()) {
            result = MixedPrecision.run(request.listener(bar).build());
        }
        jsonTarget.writeString(MixedPrecisionJson.of(result));
        if (json()) {
            try {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("output", modelOut.toAbsolutePath().normalize().toString());
                doc.put("assignment", jsonOut.toAbsolutePath().normalize().toString());
                doc.put("result", new ObjectMapper().readTree(MixedPrecisionJson.of(result)));
                printJson(doc);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            print(result, train, validationData.size(), testData.size(), modelOut, jsonOut);
        }
        return Quant4jCli.OK;
    }

    private Subset sample(Dataset d, int n) {
        return d.numClasses() > 0 ? CalibrationSampler.stratified(d, n, calibration.seed() + 1)
                : CalibrationSampler.uniform(d, n, calibration.seed() + 1);
    }

    private Set<SearchMethod> searches(String name) {
        if (name.equalsIgnoreCase("all")) {
            return EnumSet.allOf(SearchMethod.class);
        }
        try {
            return EnumSet.of(SearchMethod.of(name));
        } catch (InvalidInputException e) {
            throw usageError("--search: " + e.getMessage());
        }
    }

    private void print(MixedPrecisionResult r, OpenedData data, int validation, int test, Path modelOut,
            Path jsonOut) {
        PrintWriter out = out();
        String metricName = r.metric() == Metric.TOP1 ? "top-1" : r.metric() == Metric.NOISE ? "noise" : "agreement";
        out.println("Mixed precision of " + r.model() + ": fastest within " + pp(r.maxDrop()) + " of FP32 " + metricName
                + " (chosen on " + Formats.count(validation) + " validation samples, reported on " + Formats.count(test)
                + " test samples, latency at batch " + r.latencyBatch() + ")");
        TextTable table = TextTable.withHeader("MODEL", "FLOAT", "FP16", "PER-TENSOR", "VALID DROP", "TEST " + metricName
                .toUpperCase(Locale.ROOT), "TEST DROP [95% CI]", "LATENCY", "SPEEDUP", "SIZE", "SEARCH TIME");
        row(table, r.fp32(), null);
        row(table, r.int8(), null);
        for (int i = 0; i < r.searches().size(); i++) {
            row(table, r.reported().get(i), r.searches().get(i));
        }
        table.print(out);
        out.println();
        out.println(r.verdict());
        out.println();
        TextTable.plain()
                .row("returned", r.best().name() + " -> " + modelOut.toAbsolutePath().normalize())
                .row("assignment", jsonOut.toAbsolutePath().normalize())
                .row("setup", Formats.duration(r.setupTime()) + " (calibration once, sensitivity per channel and per"
                        + " tensor, " + r.layers().size() + " layers timed per choice on " + r.latencyBackend() + ", "
                        + r.profileRuns() + " timed runs per model)")
                .row("cost drift", String.format(Locale.ROOT, "INT8 model %.1f us before the cost profile, %.1f us after"
                        + " (%+.1f%%: latency differences of that size are noise)", r.baseMicrosBefore(),
                        r.baseMicrosAfter(), r.baseMicrosBefore() > 0
                                ? 100 * (r.baseMicrosAfter() - r.baseMicrosBefore()) / r.baseMicrosBefore() : 0))
                .row("total", Formats.duration(r.totalTime()))
                .row("data", data.description())
                .print(out);
        out.flush();
    }

    private static void row(TextTable table, ReportedModel m, SearchOutcome o) {
        table.row(m.name(), m.assignment().count(LayerChoice.FLOAT), m.assignment().count(LayerChoice.FP16),
                m.assignment().count(LayerChoice.INT8_PER_TENSOR),
                pp(m.validationDrop().estimate()) + (o != null && !o.withinBudget() ? " !" : ""),
                String.format(Locale.ROOT, "%.4f", m.testMetric()),
                pp(m.testDrop().estimate()) + " [" + pp(m.testDrop().lower()) + ", " + pp(m.testDrop().upper()) + "]",
                String.format(Locale.ROOT, "%.2f ms", m.latencyMillis()), String.format(Locale.ROOT, "%.2fx", m.speedup()),
                Formats.bytes(m.sizeBytes()), o == null ? "-" : Formats.duration(o.time()));
    }

    private static String pp(double drop) {
        return String.format(Locale.ROOT, "%+.2f pp", 100 * drop);
    }

    /** {@code --profile-runs}: a positive count, or {@code auto} ({@link MixedPrecisionRequest#AUTO_PROFILE_RUNS}). */
    static final class ProfileRunsConverter implements picocli.CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return value.equalsIgnoreCase("auto") ? MixedPrecisionRequest.AUTO_PROFILE_RUNS
                    : new CountConverter.Positive().convert(value);
        }
    }
}
