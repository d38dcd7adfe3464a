package org.quant4j.cli.compare;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.data.ImageFolderDataset;
import org.quant4j.cli.CliCommand;
import org.quant4j.cli.options.ComparisonOptions;
import org.quant4j.cli.Quant4jCli;
import org.quant4j.cli.console.ProgressBar;
import org.quant4j.cli.data.DataOptions;
import org.quant4j.cli.data.DataSources;
import org.quant4j.cli.data.DataSources.OpenedData;
import org.quant4j.cli.mixed.MixedRows;
import org.quant4j.cli.options.CacheOptions;
import org.quant4j.cli.options.ModelOption;
import org.quant4j.cli.options.OutputOptions;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.report.compare.ComparisonReport;
import org.quant4j.report.compare.MethodComparison;
import org.quant4j.report.render.ReportFiles;
import org.quant4j.report.render.ReportWriter;
import org.quant4j.report.render.ResultsJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quant4j compare}: every quantization method on one model and dataset (accuracy with
 * confidence intervals, size, latency, throughput, memory), written as {@code report.md},
 * {@code report.html} and {@code results.json}. Data without labels is compared by fidelity: each
 * method's outputs against the FP32 model's on the same samples.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "quant4j compare -m FILE -d PATH [OPTIONS]",
        description = {"Compare FP32, FP16, dynamic INT8 and static INT8 with each calibrator (per tensor and per"
                + " channel) on one model: accuracy with confidence intervals, size, latency, throughput and memory.",
            "An IDX or CIFAR-10 directory is calibrated on its train split and evaluated on its test split; other data"
                + " is used for both (the report says so).",
            "Data without labels (a .npy or .npz file, say) is compared by fidelity instead of accuracy: each method's"
                + " outputs against the FP32 model's on the same samples (SQNR, cosine, argmax agreement with"
                + " confidence intervals), and the recommendation ranks by that fidelity."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  Every method on Fashion-MNIST, report in compare-report/:",
            "    quant4j compare -m model.onnx -d /usr/share/datasets/fashion-mnist",
            "  Two methods on 1,000 test images, with a QAT model:",
            "    quant4j compare -m model.onnx -d /usr/share/datasets/fashion-mnist --test-samples 1000 \\",
            "        --methods \"FP32,static INT8 entropy per-channel\" --qat model-qat.onnx -o out/",
            "  A detector on 64 unlabelled samples, compared by fidelity to FP32:",
            "    quant4j compare -m detector.onnx -d pages.npy --methods \"FP32,dynamic INT8,static INT8 minmax per-channel\"",
            "  With a row per mixed-precision search (fastest within half a point of FP32):",
            "    quant4j compare -m model.onnx -d /usr/share/datasets/fashion-mnist --mixed all --max-drop 0.005"
        })
public final class CompareCommand extends CliCommand {

    @Mixin
    private ModelOption model;

    @Mixin
    private DataOptions data;

    @Mixin
    private ComparisonOptions comparison;

    @Mixin
    private CacheOptions cache;

    @Mixin
    private MixedRows mixed;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of the sample choices, calibrators and bootstrap (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--methods", paramLabel = "NAMES", split = ",",
            description = "Comma-separated methods to compare (default: all): FP32, FP16, dynamic INT8, static INT8"
                    + " {minmax,entropy,percentile,mse} {per-tensor,per-channel}. FP32 is always included.")
    private List<String> methods;

    @Option(names = "--qat", paramLabel = "MODEL",
            description = "Also compare this model made by quantization-aware training, as \"" + MethodSelection.QAT
                    + "\".")
    private Path qat;

    @Option(names = "--qat-train",
            description = "Also run quantization-aware training here (the '" + QAT_QUANTIZER + "' quantizer, static"
                    + " per-channel INT8, 5 epochs) on every image of the train split, as \"" + QAT_TRAINED + "\". Takes minutes.")
    private boolean qatTrain;

    /** The quantizer {@code --qat-train} runs (quant-qat's quantization-aware training), named only here. */
    static final String QAT_QUANTIZER = "qat";

    /** Row name of the model trained by {@code --qat-train}. */
    static final String QAT_TRAINED = "QAT INT8 (trained here)";

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "compare-report",
            description = "Directory of the report (default: ${DEFAULT-VALUE}); its models/ holds the quantized"
                    + " models.")
    private Path output;

    @Override
    protected int run() {
        List<MethodComparison.Method> chosen = new ArrayList<>(MethodSelection.select(methods, seed, qat, comparison.target()));
        if (qatTrain) {
            chosen.add(MethodComparison.Method.byQuantizer(QAT_TRAINED, QuantizationConfig.builder().perChannel(true)
                    .kernelTarget(comparison.target()).seed(seed).build(), QAT_QUANTIZER));
        }
        int mixedRows = mixed.rowCount();
        OnnxModel onnx = model.read();
        if (!data.given()) {
            throw usageError("The comparison needs data: give it with --data (labelled to compare accuracy, or"
                    + " without labels to compare fidelity to the FP32 model)");
        }
        // Everything this run reads, which the report never replaces; checked before the long comparison.
        List<OutputTarget.Input> reads = new ArrayList<>(List.of(model.input()));
        reads.addAll(data.inputs());
        reads.addAll(cache.inputs());
        OutputOptions.checkReportDirectory(output, reads, model.size() * (chosen.size() + mixedRows));
        var shape = DataSources.inputShape(onnx);
        OpenedData test = DataSources.open(data, DataOptions.Split.TEST, shape);
        OpenedData calibration = DataSources.open(data, DataOptions.Split.TRAIN, shape);
        List<String> notes = new ArrayList<>();
        if (test.dataset().numClasses() <= 0) {
            notes.add("The data has no labels: each method is compared with the FP32 model by the fidelity of its"
                    + " outputs on the same samples instead of by accuracy (give --labels to compare accuracy).");
        }
        if (calibration.description().equals(test.description())) {
            notes.add("Calibration samples were drawn from the evaluation data itself (" + test.description()
                    + "), which has no separate train split: accuracy may be slightly optimistic for static methods.");
        } else {
            notes.add("Calibration: " + calibration.description() + "; evaluation: " + test.description() + ".");
        }
        Dataset testSet = StratifiedSubset.of(test.dataset(), comparison.testSamples(), seed, "--test-samples");
        Dataset calibrationChoice = StratifiedSubset.of(calibration.dataset(), comparison.calibrationSamples(), seed,
                "--calibration-samples");
        Dataset calibrationSet = cache.apply(calibrationChoice, reads);
        if (qatTrain && calibration.description().equals(test.description())) {
            throw new InvalidInputException("--qat-train trains on the train split, but " + data.path() + " has none:"
                    + " give an IDX or CIFAR-10 directory with train and test files");
        }
        if (mixed.given()) {
            // One search run; each search's model becomes a row, compared like every other method.
            // The searches choose on training samples other than the calibration ones, and are reported on the test data.
            Dataset validation = mixed.validation(calibration.dataset(), calibrationChoice, seed);
            MixedRows.Searched searched;
            try (ProgressBar bar = progressBar()) {
                searched = mixed.run(model.path(), calibrationSet, validation, testSet, comparison.target(), seed,
                        comparison.threads(), MixedRows.Effort.DEFAULT, output.resolve("models").resolve("mixed"), bar);
            }
            chosen.addAll(searched.rows());
            notes.add(mixed.note(searched, calibration.description().equals(test.description())
                    ? "other samples of the evaluation data (it has no separate train split, so they overlap the"
                            + " test samples)"
                    : "training samples"));
        }
        ComparisonRun run = new ComparisonRun(model.path(), calibrationSet, testSet, test.description(),
                classNames(test), chosen, comparison.threads(), comparison.rounds(), comparison.measureMemory(),
                output.resolve("models"), notes,
                qatTrain ? calibration.dataset() : null);
        ComparisonReport report;
        try (ProgressBar bar = progressBar()) {
            report = run.run(bar);
        }
        ReportFiles files = ReportWriter.write(report, output, OutputOptions.reportTargets(reads));
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("report", files.html().toString());
            doc.put("markdown", files.markdown().toString());
            doc.put("results", ResultsJson.toTree(report));
            doc.put("calibrationCache", cache.json());
            printJson(doc);
        } else {
            cache.reportHit(err());
            PrintWriter out = out();
            out.println("Compared " + report.methods().size() + " methods on " + model.path() + " ("
                    + testSet.size() + " test samples, " + calibrationSet.size() + " calibration samples)");
            ComparisonTable.print(report, out);
            out.println("Report: " + files.html() + " (also " + files.markdown().getFileName() + ", "
                    + files.json().getFileName() + ")");
            out.flush();
        }
        return Quant4jCli.OK;
    }

    /** The class names of the data: an image folder's sub-folders, Fashion-MNIST's names, else the class numbers. */
    static List<String> classNames(OpenedData data) {
        Dataset dataset = data.dataset();
        if (dataset instanceof ImageFolderDataset folder) {
            return folder.classNames();
        }
        if (dataset.numClasses() == FashionMnist.CLASS_NAMES.size() && data.format().equals("idx")
                && data.description().contains(FashionMnist.directory().toString())) {
            return FashionMnist.CLASS_NAMES;
        }
        return IntStream.range(0, dataset.numClasses()).mapToObj(Integer::toString).toList();
    }
}
