package org.quant4j.cli.sensitivity;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.cli.CliCommand;
import org.quant4j.cli.Quant4jCli;
import org.quant4j.cli.console.Formats;
import org.quant4j.cli.console.ProgressBar;
import org.quant4j.cli.console.TextTable;
import org.quant4j.cli.data.DataOptions;
import org.quant4j.cli.data.DataSources;
import org.quant4j.cli.data.DataSources.OpenedData;
import org.quant4j.cli.options.CountConverter;
import org.quant4j.cli.options.CalibrationOptions;
import org.quant4j.cli.options.ModelOption;
import org.quant4j.cli.options.NameConverter;
import org.quant4j.cli.options.OutputOptions;
import org.quant4j.cli.options.RuntimeOptions;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.report.render.SensitivityReport;
import org.quant4j.sensitivity.LayerSensitivity;
import org.quant4j.sensitivity.PassTime;
import org.quant4j.sensitivity.SensitivityAnalysis;
import org.quant4j.sensitivity.SensitivityFiles;
import org.quant4j.sensitivity.SensitivityRequest;
import org.quant4j.sensitivity.SensitivityRequest.Metric;
import org.quant4j.sensitivity.SensitivityResult;
import org.quant4j.sensitivity.VariantScore;
import org.quant4j.sensitivity.gradient.GradientEstimate;
import org.quant4j.sensitivity.gradient.GradientEstimators;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quant4j sensitivity}: which layers of a float model lose accuracy in static INT8, ranked
 * ({@link SensitivityAnalysis}), printed as a table or JSON, optionally written as JSON, CSV and a
 * report with charts ({@link SensitivityReport}).
 */
@Command(name = "sensitivity", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "quant4j sensitivity -m FILE -d PATH [--layer NAME]... [--top K] [--csv FILE] [-o FILE]"
                + " [--report DIR] [OPTIONS]",
        description = {
            "Rank the layers of an FP32 ONNX model by how much static INT8 quantization of each costs: one-on (only"
                    + " the layer in INT8) and one-off (every layer but it in INT8) drops of top-1 accuracy (labelled"
                    + " data) or of the argmax agreement with the FP32 model (any data), each with a paired 95%%"
                    + " bootstrap interval and stopped early once clearly within or beyond --tolerance; and the SQNR"
                    + " of every layer's quantized output, accumulated and local, and of each weight channel, from one"
                    + " pass. Calibration runs once; every variant is built from that table.",
            "A dataset directory gives calibration samples from its training split and evaluation samples from its"
                    + " test split; a file gives both."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  Every layer of a Fashion-MNIST model, 2,000 test images, two threads:",
            "    quant4j sensitivity -m model.onnx -d /usr/share/datasets/fashion-mnist \\",
            "        --eval-samples 2000 --threads 2",
            "  Two layers of a recognizer, unlabelled lines, table and CSV:",
            "    quant4j sensitivity -m rec.onnx -d lines.npy --layer Conv_3 --layer MatMul_12 --csv rec.csv"
        })
public final class SensitivityCommand extends CliCommand {

    @Mixin
    private ModelOption model;

    @Mixin
    private DataOptions data;

    @Mixin
    private CalibrationOptions calibration;

    @Mixin
    private RuntimeOptions runtime;

    @Option(names = "--layer", paramLabel = "NAME",
            description = "Analyse this layer (node name); repeat for several (default: every quantizable layer).")
    private List<String> layers = new ArrayList<>();

    @Option(names = "--metric", paramLabel = "NAME", converter = MetricConverter.class,
            completionCandidates = MetricConverter.class,
            description = "${COMPLETION-CANDIDATES}: auto is top-1 on labelled data, else agreement (of the first"
                    + " output's argmax with the FP32 model); noise is the first output's noise-to-signal energy"
                    + " ratio 10^(-SQNR/10), for maps and features (default: auto).")
    private Metric metric = Metric.AUTO;

    @Option(names = "--eval-samples", paramLabel = "N",
            converter = CountConverter.Positive.class,
            description = "Evaluate on N samples chosen with --seed (default: all of the evaluation data).")
    private Integer evalSamples;

    @Option(names = "--tolerance", paramLabel = "DROP", defaultValue = "0.01",
            description = "Drop of the metric that is acceptable, e.g. 0.01 for one point (default: ${DEFAULT-VALUE}).")
    private double tolerance;

    @Option(names = "--first-stage", paramLabel = "N",
            converter = CountConverter.Positive.class, defaultValue = "500",
            description = "Samples a variant is first evaluated on; doubled until its interval is clear of the"
                    + " tolerance (default: ${DEFAULT-VALUE}).")
    private int firstStage;

    @Option(names = "--parallel", paramLabel = "N",
            converter = CountConverter.Positive.class, defaultValue = "1",
            description = "Variants evaluated at once, each in its own session sharing --threads (default:"
                    + " ${DEFAULT-VALUE}).")
    private int parallel;

    @Option(names = "--no-one-on", description = "Skip the one-on variants.")
    private boolean noOneOn;

    @Option(names = "--no-one-off", description = "Skip the one-off variants.")
    private boolean noOneOff;

    @Option(names = "--no-sqnr", description = "Skip the per-tensor and weight SQNR.")
    private boolean noSqnr;

    @Option(names = "--no-local", description = "Measure the accumulated SQNR only, not the local one.")
    private boolean noLocal;

    @Option(names = "--local-samples", paramLabel = "N", defaultValue = "0",
            description = "Measure the local SQNR on about N of the evaluation samples (a seeded sub-sample of every"
                    + " batch; at least N, the JSON's localSamples says how many) instead of all of them: faster, less"
                    + " precise. The accumulated SQNR still uses every sample (default: 0, every sample).")
    private int localSamples;

    @Option(names = "--variant-layers", paramLabel = "N", defaultValue = "0",
            description = "Build one-on and one-off variants only for the N layers of lowest SQNR, measured first;"
                    + " the others get their SQNR only (default: 0, every layer).")
    private int variantLayers;

    @Option(names = "--gradient", paramLabel = "NAME",
            description = "Also estimate each layer's sensitivity from gradients of the FP32 model with this"
                    + " estimator (fisher: the Fisher information times each weight channel's rounding noise, on"
                    + " DJL; models with ops it cannot run get the reason) and report its rank correlation with"
                    + " the one-on drops.")
    private String gradient;

    @Option(names = "--gradient-samples", paramLabel = "N", converter = CountConverter.Positive.class,
            defaultValue = "256",
            description = "Evaluation samples the gradient estimate averages over, one backward pass each"
                    + " (default: ${DEFAULT-VALUE}).")
    private int gradientSamples;

    @Option(names = "--resamples", paramLabel = "N",
            converter = CountConverter.Positive.class, defaultValue = "1000",
            description = "Bootstrap resamples of the intervals (default: ${DEFAULT-VALUE}).")
    private int resamples;

    @Option(names = "--top", paramLabel = "K",
            converter = CountConverter.Positive.class,
            description = "Print only the K most sensitive layers (default: all).")
    private Integer top;

    /** What this run reads, which no output may replace; set when the run starts. */
    private List<OutputTarget.Input> reads;

    /** {@code -o FILE}: the result as JSON; {@code --overwrite} applies to it and to {@code --csv}. */
    @Mixin
    private OutputOptions output;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the ranked table as CSV to FILE.")
    private Path csvFile;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Also write a report to DIR: report.html (charts embedded), report.md, the charts as PNG"
                    + " and sensitivity.json; --overwrite replaces files of those names.")
    private Path reportDir;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "onnxruntime",
            description = "Backend that calibrates and evaluates (default: ${DEFAULT-VALUE}).")
    private String backend;

    /** Converts {@code --metric}. */
    public static final class MetricConverter extends NameConverter<Metric> {
        public MetricConverter() {
            super("metric", names());
        }

        private static Map<String, Metric> names() {
            Map<String, Metric> names = new LinkedHashMap<>();
            names.put("auto", Metric.AUTO);
            names.put("top1", Metric.TOP1);
            names.put("agreement", Metric.AGREEMENT);
            names.put("noise", Metric.NOISE);
            return names;
        }
    }

    @Override
    protected int run() {
        Path modelPath = model.path();
        List<TensorInfo> inputs = model.inputs();
        if (!data.given()) {
            throw usageError("Sensitivity analysis calibrates and evaluates on data: give it with --data");
        }
        Path jsonFile = output.output(null);
        if (jsonFile != null && csvFile != null && jsonFile.toAbsolutePath().normalize()
                .equals(csvFile.toAbsolutePath().normalize())) {
            throw new InvalidInputException("--output and --csv are the same file " + csvFile + ": give each its own");
        }
        // Everything this run reads; no output is ever one of them, not even with --overwrite.
        reads = new ArrayList<>(List.of(model.input()));
        reads.addAll(data.inputs());
        // Before any data is read: a full or read-only disk is found now, not after the analysis.
        OutputTarget jsonTarget = jsonFile == null ? null
                : output.checkWritable(jsonFile, "the sensitivity result", reads, 0);
        OutputTarget csvTarget = csvFile == null ? null
                : output.checkWritable(csvFile, "the sensitivity table", reads, 0);
        if (reportDir != null) {
            checkReportDir();
        }
        Dataset calibrationData = calibration.select(DataSources.open(data, DataOptions.Split.TRAIN,
                DataSources.inputShape(inputs)).dataset());
        OpenedData opened = DataSources.open(data, DataOptions.Split.TEST, DataSources.inputShape(inputs));
        Dataset evaluation = evalSamples(opened.dataset());
        QuantizationConfig config = calibration.applyTo(QuantizationConfig.builder()).build();
        backend = backend("--backend", backend, Evaluators.registry());
        SensitivityRequest.Builder request = SensitivityRequest.builder()
                .model(modelPath).calibration(calibrationData).evaluation(evaluation).config(config).backend(backend)
                .metric(metric).tolerance(tolerance).firstStage(firstStage).parallelVariants(parallel)
                .oneOn(!noOneOn).oneOff(!noOneOff).tensorErrors(!noSqnr).localErrors(!noLocal)
                .localSamples(localSamples).variantLayers(variantLayers)
                .batchSize(calibration.batchSize()).threads(runtime.threads()).bootstrapResamples(resamples)
                .seed(calibration.seed()).gradientSamples(gradientSamples);
        if (gradient != null) {
            // Looked up at once, so that an unknown or unavailable name fails before any calibration.
            GradientEstimators.registry().get(gradient);
            request.gradientEstimator(gradient);
        }
        layers.forEach(request::layer);
        long start = System.nanoTime();
        SensitivityResult result;
        try (ProgressBar bar = progressBar()) {
            result = SensitivityAnalysis.run(request.listener(bar).build());
        }
        long nanos = System.nanoTime() - start;
        if (jsonTarget != null) {
            SensitivityFiles.writeJson(result, jsonTarget);
        }
        if (csvTarget != null) {
            SensitivityFiles.writeCsv(result, csvTarget);
        }
        if (reportDir != null) {
            SensitivityReport.write(result, reportDir, (file, what) -> output.target(file, what, reads));
        }
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>(SensitivityFiles.document(result));
            doc.put("data", opened.description());
            doc.put("evaluationSamples", evaluation.size());
            doc.put("calibrationSamples", calibrationData.size());
            doc.put("millis", nanos / 1e6);
            if (reportDir != null) {
                doc.put("report", reportDir.resolve(SensitivityReport.HTML).toAbsolutePath().normalize().toString());
            }
            printJson(doc);
        } else {
            print(result, opened, evaluation.size(), calibrationData.size(), nanos, jsonFile);
        }
        return Quant4jCli.OK;
    }

    /** Before the analysis runs: the report's files may be written into {@code --report}. */
    private void checkReportDir() {
        if (Files.exists(reportDir) && !Files.isDirectory(reportDir)) {
            throw new InvalidInputException("--report " + reportDir + " is a file: give a directory for the report");
        }
        for (String name : SensitivityReport.fileNames()) {
            output.checkWritable(reportDir.resolve(name), "the sensitivity report", reads, 0);
        }
    }

    private Dataset evalSamples(Dataset dataset) {
        if (evalSamples == null || evalSamples >= dataset.size()) {
            return dataset;
        }
        return dataset.numClasses() > 0 ? CalibrationSampler.stratified(dataset, evalSamples, calibration.seed())
                : CalibrationSampler.uniform(dataset, evalSamples, calibration.seed());
    }

    private void print(SensitivityResult r, OpenedData opened, int evaluated, int calibrated, long nanos,
            Path jsonFile) {
        PrintWriter out = out();
        String metricName = switch (r.metric()) {
            case TOP1 -> "top-1";
            case NOISE -> "noise-to-signal ratio";
            default -> "argmax agreement";
        };
        out.println("Sensitivity of " + r.model() + " to INT8 (" + metricName + " drop against FP32, tolerance "
                + number(r.tolerance()) + ", 95% paired bootstrap intervals)");
        TextTable.plain()
                .row("FP32 " + metricName, r.metric() == Metric.TOP1 ? Formats.percent(r.baseline())
                        : r.metric() == Metric.NOISE ? "0 (reference)" : "1 (reference)")
                .row("full INT8 drop", interval(Optional.of(r.fullInt8())))
                .print(out);
        out.println();
        boolean gradientColumn = r.gradient().filter(g -> g.unsupported().isEmpty()).isPresent();
        List<String> header = new ArrayList<>(List.of("#", "LAYER", "OP", "ONE-ON DROP [95% CI]", "N",
                "ONE-OFF RECOVERY", "SQNR ACC dB", "SQNR LOCAL dB", "WEIGHT dB (MIN)"));
        if (gradientColumn) {
            header.add("GRADIENT");
        }
        TextTable table = TextTable.withHeader(header.toArray(String[]::new));
        List<LayerSensitivity> shown = top == null ? r.layers() : r.top(top);
        int rank = 1;
        for (LayerSensitivity l : shown) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(rank++), l.node(), l.opType(),
                    interval(l.oneOn()), l.oneOn().map(s -> Integer.toString(s.samples())).orElse("-"),
                    l.recovery().isPresent() ? signed(l.recovery().getAsDouble()) : "-",
                    l.sqnrAccumulated().isPresent() ? number(l.sqnrAccumulated().getAsDouble()) : "-",
                    l.sqnrLocal().isPresent() ? number(l.sqnrLocal().getAsDouble()) : "-",
                    l.weightSqnrMin().isPresent() ? number(l.weightSqnrMin().getAsDouble()) : "-"));
            if (gradientColumn) {
                row.add(l.gradient().isPresent() ? String.format(Locale.ROOT, "%.3g", l.gradient().getAsDouble())
                        : "-");
            }
            table.row(row.toArray());
        }
        table.print(out);
        if (shown.size() < r.layers().size()) {
            out.println("(" + (r.layers().size() - shown.size()) + " more layers; all of them with --csv or --json)");
        }
        out.println();
        TextTable summary = TextTable.plain();
        r.correlations().forEach((name, rho) -> summary.row("Spearman " + name, number(rho)));
        summary.row("calibration", r.calibratedTensors() + " tensors, " + Formats.count(calibrated) + " samples, "
                        + Formats.duration(r.calibrationTime()))
                .row("variants", Formats.duration(r.variantTime()))
                .row("SQNR pass", Formats.duration(r.tensorErrorTime()) + (r.floatPassTime().isZero() ? ""
                        : String.format(Locale.ROOT, " (%.1fx the FP32 pass over the same samples, %s)",
                                Formats.millis(r.tensorErrorTime()) / Math.max(1e-9, Formats.millis(r.floatPassTime())),
                                Formats.duration(r.floatPassTime()))))
                .row("SQNR pass split", splitText(r))
                .row("local SQNR on", r.localSamples() == 0 ? "-" : Formats.count(r.localSamples()) + " of "
                        + Formats.count(evaluated) + " samples")
                .row("total", Formats.duration(nanos));
        r.gradient().ifPresent(g -> summary.row("gradient (" + g.estimator() + ")", gradientSummary(g)));
        summary
                .row("data", opened.description() + ", " + Formats.count(evaluated) + " evaluation samples");
        if (jsonFile != null) {
            summary.row("JSON", jsonFile.toAbsolutePath().normalize());
        }
        if (csvFile != null) {
            summary.row("CSV", csvFile.toAbsolutePath().normalize());
        }
        if (reportDir != null) {
            summary.row("report", reportDir.resolve(SensitivityReport.HTML).toAbsolutePath().normalize());
        }
        summary.print(out);
        out.flush();
    }

    /** The fixed and per-batch cost of the SQNR pass and of the FP32 pass, as {@link PassTime} splits them. */
    private static String splitText(SensitivityResult r) {
        if (r.tensorErrorSplit().isEmpty()) {
            return "-";
        }
        PassTime t = r.tensorErrorSplit().get();
        String text = String.format(Locale.ROOT, "%d ms fixed + %.1f ms a batch of %d", t.fixed().toMillis(),
                t.perBatch().toNanos() / 1e6, t.batchSize());
        if (r.floatPassSplit().isPresent()) {
            PassTime f = r.floatPassSplit().get();
            text += String.format(Locale.ROOT, " (FP32 pass %d ms fixed + %.1f ms a batch: %.1fx per batch)",
                    f.fixed().toMillis(), f.perBatch().toNanos() / 1e6,
                    (double) t.perBatch().toNanos() / Math.max(1, f.perBatch().toNanos()));
        }
        return text;
    }

    private static String gradientSummary(GradientEstimate g) {
        if (g.unsupported().isPresent()) {
            return "not estimated: " + g.unsupported().get();
        }
        return "predicted " + g.objective().name().toLowerCase(Locale.ROOT).replace('_', ' ') + " increase, "
                + Formats.count(g.samples()) + " samples, " + Formats.duration(g.time());
    }

    private static String interval(Optional<VariantScore> s) {
        if (s.isEmpty()) {
            return "-";
        }
        ConfidenceInterval d = s.get().drop();
        String mark = s.get().verdict() == VariantScore.Verdict.BEYOND ? " !" : "";
        return signed(d.estimate()) + " [" + signed(d.lower()) + ", " + signed(d.upper()) + "]" + mark;
    }

    private static String signed(double v) {
        return String.format(Locale.ROOT, "%+.4f", v);
    }

    private static String number(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
