package org.quant4j.cli.evaluate;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.evaluate.EvaluationRequest;
import org.quant4j.api.evaluate.EvaluationResult;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.evaluate.FidelityRequest;
import org.quant4j.api.evaluate.FidelityResult;
import org.quant4j.api.provider.ProviderRegistry;
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
import org.quant4j.cli.options.ModelOption;
import org.quant4j.cli.options.RuntimeOptions;
import org.quant4j.tensorrt.EngineFile;
import org.quant4j.tensorrt.TensorRtEvaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quant4j evaluate}: top-1 and top-k accuracy of a classifier on labelled data or, with
 * {@code --reference}, the fidelity of any model to its reference model on any data, with an
 * evaluator backend ({@code onnxruntime} by default) and a progress bar.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "quant4j evaluate -m FILE -d PATH [--reference FILE] [OPTIONS]",
        description = {"Measure the top-1 and top-k accuracy of an ONNX classifier on labelled --data, or, with"
                + " --reference, how closely any model follows its reference model (the FP32 model it was quantized"
                + " from) on the same --data, labelled or not: per output the SQNR, cosine similarity, max and mean"
                + " absolute error and argmax agreement, with bootstrap confidence intervals over samples."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  The 10,000 Fashion-MNIST test images:",
            "    quant4j evaluate -m model-int8.onnx -d /usr/share/datasets/fashion-mnist",
            "  1,000 of them (stratified, seeded), two threads, as JSON:",
            "    quant4j evaluate -m model-int8.onnx -d /usr/share/datasets/fashion-mnist \\",
            "        --samples 1000 --threads 2 --json",
            "  A recognizer's INT8 model against its FP32 model on unlabelled inputs:",
            "    quant4j evaluate -m rec-int8.onnx --reference rec.onnx -d lines.npy",
            "  A serialized TensorRT engine on the GPU:",
            "    quant4j evaluate -m model-int8.engine -d /usr/share/datasets/fashion-mnist \\",
            "        --backend tensorrt"
        })
public final class EvaluateCommand extends CliCommand {

    @Mixin
    private ModelOption model;

    @Mixin
    private DataOptions data;

    @Option(names = "--reference", paramLabel = "FILE",
            description = "Compare the model with this reference model (its FP32 original) instead of measuring"
                    + " accuracy; the data need no labels.")
    private Path reference;

    @Option(names = "--samples", paramLabel = "N",
            converter = CountConverter.Positive.class,
            description = "Evaluate on N samples chosen with --seed, in proportion to the classes when the data is"
                    + " labelled, uniformly otherwise (default: all).")
    private Integer samples;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of the choice of --samples and of the bootstrap (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--top-k", paramLabel = "K",
            converter = CountConverter.Positive.class,
            description = "Also report top-K accuracy (default: 5, or the number of classes when fewer).")
    private Integer topK;

    @Option(names = "--argmax-axis", paramLabel = "AXIS", defaultValue = "-1",
            description = "With --reference: the axis of each output the argmax agreement is taken along, counted on"
                    + " the full output with the batch as axis 0; negative counts from the end (default:"
                    + " ${DEFAULT-VALUE}, the last).")
    private int argmaxAxis;

    @Option(names = "--resamples", paramLabel = "N",
            converter = CountConverter.Positive.class, defaultValue = "1000",
            description = "With --reference: bootstrap resamples of the 95% confidence intervals (default:"
                    + " ${DEFAULT-VALUE}).")
    private int resamples;

    @Option(names = "--batch-size", paramLabel = "N",
            converter = CountConverter.Positive.class, defaultValue = "32",
            description = "Samples per ONNX Runtime run (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Mixin
    private RuntimeOptions runtime;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "onnxruntime",
            description = "Evaluator backend, see 'quant4j backends' (default: ${DEFAULT-VALUE}, or the one the system"
                    + " property " + ProviderRegistry.DEFAULT_BACKEND_PROPERTY + " names).")
    private String backend;

    @Override
    protected int run() {
        Path modelPath = model.path();
        backend = backend("--backend", backend, Evaluators.registry());
        Optional<long[]> inputShape;
        if (EngineFile.hasEngineName(modelPath)) {
            checkEngine(modelPath);
            // The engine's input shape is TensorRT's to tell; the data is opened in its own shape.
            inputShape = Optional.empty();
        } else {
            EngineFile.requireNotEngine(modelPath);
            inputShape = DataSources.inputShape(model.read());
        }
        if (!data.given()) {
            throw usageError(reference != null ? "Comparing with the reference needs data: give it with --data"
                    : "Evaluation needs labelled data: give it with --data");
        }
        OpenedData opened = DataSources.open(data, DataOptions.Split.TEST, inputShape);
        Dataset dataset = opened.dataset();
        if (reference != null) {
            return compareWithReference(modelPath, opened);
        }
        if (dataset.numClasses() <= 0) {
            throw new InvalidInputException("Data " + data.path() + " has no labels, so accuracy cannot be measured:"
                    + " give the labels file with --labels, or measure its fidelity to the model it was made from with"
                    + " --reference FP32_MODEL");
        }
        dataset = chooseSamples(dataset);
        int k = topK != null ? topK : Math.min(5, dataset.numClasses());
        long start = System.nanoTime();
        EvaluationResult result;
        try (Evaluator evaluator = Evaluators.get(backend); ProgressBar bar = progressBar()) {
            result = evaluator.evaluate(EvaluationRequest.builder()
                    .model(modelPath)
                    .data(dataset)
                    .batchSize(batchSize)
                    .topK(k)
                    .threads(runtime.threads())
                    .listener(bar)
                    .build());
        }
        long nanos = System.nanoTime() - start;
        int n = result.predictions().size();
        long correct = Math.round(result.top1() * n);
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", modelPath.toAbsolutePath().normalize().toString());
            doc.put("backend", backend);
            doc.put("data", opened.description());
            doc.put("samples", n);
            doc.put("classes", dataset.numClasses());
            doc.put("topK", k);
            doc.put("top1", result.top1());
            doc.put("top" + k, result.predictions().topAccuracy(k));
            doc.put("correctTop1", correct);
            doc.put("nonFinite", result.predictions().nonFinite());
            doc.put("millis", nanos / 1e6);
            doc.put("provenance", result.provenance().entries());
            printJson(doc);
        } else {
            PrintWriter out = out();
            out.println("Evaluated " + modelPath + " on " + Formats.count(n) + " samples");
            TextTable table = TextTable.plain()
                    .row("top-1", Formats.percent(result.top1()) + "  (" + Formats.count(correct) + " of "
                            + Formats.count(n) + ")");
            if (k > 1) {
                table.row("top-" + k, Formats.percent(result.predictions().topAccuracy(k)));
            }
            int nonFinite = result.predictions().nonFinite();
            table.row("NaN/inf", nonFinite == 0 ? "none" : Formats.count(nonFinite) + " samples whose scores held NaN or"
                    + " infinity: no prediction, counted as wrong");
            table.row("time", Formats.duration(nanos)
                    + String.format(Locale.ROOT, " (%,.0f samples/s)", n / Math.max(1e-9, nanos / 1e9)));
            table.row("data", opened.description());
            table.print(out);
            out.flush();
        }
        return Quant4jCli.OK;
    }

    /**
     * A serialized TensorRT engine given as the model: only the {@code tensorrt} backend runs it, for
     * accuracy; the file is checked ({@link EngineFile#check}) and then the backend is required,
     * before any data is read, so this machine's missing piece is reported with exit code 4.
     */
    private void checkEngine(Path engine) {
        if (!backend.trim().equalsIgnoreCase(TensorRtEvaluator.NAME)) {
            throw usageError(engine + " is a TensorRT engine: evaluate it with --backend " + TensorRtEvaluator.NAME
                    + " (the " + backend + " backend runs ONNX models)");
        }
        if (reference != null) {
            throw usageError("--reference compares ONNX models on the onnxruntime backend; " + engine
                    + " is a TensorRT engine: measure its accuracy on labelled data instead");
        }
        EngineFile.check(engine);
        Evaluators.registry().get(backend);
    }

    /**
     * The {@code --samples} of {@code dataset} chosen with {@code --seed}: in proportion to the
     * classes when it is labelled, uniformly otherwise; all of it without {@code --samples}.
     */
    private Dataset chooseSamples(Dataset dataset) {
        if (samples == null) {
            return dataset;
        }
        if (samples >= dataset.size()) {
            return dataset;
        }
        return dataset.numClasses() > 0 ? CalibrationSampler.stratified(dataset, samples, seed)
                : CalibrationSampler.uniform(dataset, samples, seed);
    }

    private int compareWithReference(Path modelPath, OpenedData opened) {
        if (topK != null) {
            throw usageError("--top-k measures accuracy against labels and does not apply with --reference");
        }
        Dataset dataset = chooseSamples(opened.dataset());
        long start = System.nanoTime();
        FidelityResult result;
        try (Evaluator evaluator = Evaluators.get(backend); ProgressBar bar = progressBar()) {
            result = evaluator.fidelity(FidelityRequest.builder()
                    .model(modelPath)
                    .reference(reference)
                    .data(dataset)
                    .batchSize(batchSize)
                    .threads(runtime.threads())
                    .argmaxAxis(argmaxAxis)
                    .bootstrapResamples(resamples)
                    .seed(seed)
                    .listener(bar)
                    .build());
        }
        long nanos = System.nanoTime() - start;
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", modelPath.toAbsolutePath().normalize().toString());
            doc.put("reference", reference.toAbsolutePath().normalize().toString());
            doc.put("backend", backend);
            doc.put("data", opened.description());
            doc.put("samples", result.samples());
            doc.putAll(FidelityTable.json(result));
            doc.put("millis", nanos / 1e6);
            doc.put("provenance", result.provenance().entries());
            printJson(doc);
        } else {
            PrintWriter out = out();
            out.println("Compared " + modelPath + " with reference " + reference + " on "
                    + Formats.count(result.samples()) + " samples (95% bootstrap intervals, " + Formats.count(resamples)
                    + " resamples, seed " + seed + ")");
            FidelityTable.print(result, out);
            TextTable.plain()
                    .row("time", Formats.duration(nanos))
                    .row("data", opened.description())
                    .print(out);
            out.flush();
        }
        return Quant4jCli.OK;
    }
}
