package org.quant4j.cli.evaluate;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.evaluate.EvaluationRequest;
import org.quant4j.api.evaluate.EvaluationResult;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.Evaluators;
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
import org.quant4j.cli.options.ModelOption;
import org.quant4j.cli.options.RuntimeOptions;
import org.quant4j.onnx.graph.OnnxModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quant4j evaluate}: top-1 and top-k accuracy of a classifier on labelled data, with an
 * evaluator backend ({@code onnxruntime} by default) and a progress bar.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "quant4j evaluate -m FILE -d PATH [OPTIONS]",
        description = "Measure the top-1 and top-k accuracy of an ONNX classifier on labelled --data.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  The 10,000 Fashion-MNIST test images:",
            "    quant4j evaluate -m model-int8.onnx -d /usr/share/datasets/fashion-mnist",
            "  1,000 of them (stratified, seeded), two threads, as JSON:",
            "    quant4j evaluate -m model-int8.onnx -d /usr/share/datasets/fashion-mnist \\",
            "        --samples 1000 --threads 2 --json"
        })
public final class EvaluateCommand extends CliCommand {

    @Mixin
    private ModelOption model;

    @Mixin
    private DataOptions data;

    @Option(names = "--samples", paramLabel = "N",
            description = "Evaluate on N samples chosen with --seed in proportion to the classes (default: all).")
    private Integer samples;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of the choice of --samples (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--top-k", paramLabel = "K",
            description = "Also report top-K accuracy (default: 5, or the number of classes when fewer).")
    private Integer topK;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
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
        OnnxModel onnx = model.read();
        if (!data.given()) {
            throw usageError("Evaluation needs labelled data: give it with --data");
        }
        OpenedData opened = DataSources.open(data, DataOptions.Split.TEST, DataSources.inputShape(onnx));
        Dataset dataset = opened.dataset();
        if (dataset.numClasses() <= 0) {
            throw new InvalidInputException("Data " + data.path() + " has no labels, so accuracy cannot be measured:"
                    + " give the labels file with --labels");
        }
        if (samples != null) {
            if (samples <= 0) {
                throw new InvalidInputException("--samples must be > 0, got " + samples);
            }
            if (samples < dataset.size()) {
                dataset = CalibrationSampler.stratified(dataset, samples, seed);
            }
        }
        int k = topK != null ? topK : Math.min(5, dataset.numClasses());
        long start = System.nanoTime();
        EvaluationResult result;
        backend = backend("--backend", backend, Evaluators.registry());
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
            table.row("time", Formats.duration(nanos)
                    + String.format(Locale.ROOT, " (%,.0f samples/s)", n / Math.max(1e-9, nanos / 1e9)));
            table.row("data", opened.description());
            table.print(out);
            out.flush();
        }
        return Quant4jCli.OK;
    }
}
