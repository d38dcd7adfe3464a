package org.quant4j.cli.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.io.AtomicFiles;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.cli.CliCommand;
import org.quant4j.cli.options.ComparisonOptions;
import org.quant4j.cli.Quant4jCli;
import org.quant4j.cli.compare.ComparisonRun;
import org.quant4j.cli.compare.ComparisonTable;
import org.quant4j.cli.compare.MethodSelection;
import org.quant4j.cli.compare.StratifiedSubset;
import org.quant4j.cli.console.Formats;
import org.quant4j.cli.console.ProgressBar;
import org.quant4j.cli.options.OutputOptions;
import org.quant4j.report.compare.ComparisonReport;
import org.quant4j.report.render.ReportFiles;
import org.quant4j.report.render.ReportWriter;
import org.quant4j.report.render.SuiteReport;
import org.quant4j.sensitivity.SensitivityAnalysis;
import org.quant4j.sensitivity.SensitivityRequest;
import org.quant4j.sensitivity.SensitivityResult;
import org.quant4j.cli.mixed.MixedRows;
import org.quant4j.mixedprecision.SearchMethod;
import org.quant4j.report.compare.MethodComparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quant4j demo}: the whole comparison on the Fashion-MNIST reference models, one command on
 * a fresh machine. Installs Fashion-MNIST when it may, compares every method on each
 * {@code fashion-*.onnx} of {@code --models} (with its {@code -qat.onnx} sibling when present),
 * measures each model's per-layer sensitivity to INT8 on a seeded subset, and writes one suite
 * report whose per-model reports show the sensitivity section.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "quant4j demo [OPTIONS]",
        description = {"Compare every quantization method on the Fashion-MNIST reference models (fashion-*.onnx in"
                + " --models): 500 calibration samples from the train split, the 10,000 test images, 2 threads.",
            "Installs Fashion-MNIST (Debian package " + FashionMnistInstaller.PACKAGE + ") when it is missing and"
                + " quant4j may; writes report.html, report.md and results.json to --output."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  quant4j demo",
            "  A quick run on 1,000 test images and one timing round:",
            "    quant4j demo --test-samples 1000 --rounds 1 -o quick-report",
            "  Without the mixed-precision searches (by default all three run on " + "fashion-efficientnet.onnx):",
            "    quant4j demo --no-mixed",
            "  With a row per mixed-precision search on each model (minutes per model):",
            "    quant4j demo --mixed all --max-drop 0.005"
        })
public final class DemoCommand extends CliCommand {

    /** Seed of the sample choices, calibrators and bootstrap. */
    static final long SEED = 42;

    @Option(names = "--models", paramLabel = "DIR", defaultValue = "models/reference",
            description = "Folder of the reference models fashion-*.onnx (default: ${DEFAULT-VALUE}, from the current"
                    + " directory).")
    private Path models;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "demo-report",
            description = "Directory of the report (default: ${DEFAULT-VALUE}).")
    private Path output;

    @Mixin
    private ComparisonOptions comparison;

    /**
     * {@code --mixed}: by default the three searches run on {@value #MIXED_MODEL} only (they take
     * minutes per model); {@code --mixed SEARCHES} runs those on every model.
     */
    @Mixin
    private MixedRows mixed;

    @Option(names = "--no-mixed", description = "Skip the mixed-precision searches, which by default run on "
            + DemoCommand.MIXED_MODEL + " (greedy, dp and evolutionary, a row each).")
    private boolean noMixed;

    /** The reference model the three mixed-precision searches run on by default: the EfficientNet-style one. */
    static final String MIXED_MODEL = "fashion-efficientnet.onnx";

    /**
     * The demo's search effort: a smaller evolutionary search (8 individuals, 3 generations, 500
     * validation samples each) and 10 profiled runs per model, to keep the demo's extra time modest.
     */
    static final MixedRows.Effort MIXED_EFFORT = new MixedRows.Effort(8, 3, 500, 10);

    @Option(names = "--sensitivity-samples", paramLabel = "N", defaultValue = "500",
            description = "Test images (stratified with the demo's seed) the per-layer sensitivity of each model is"
                    + " measured on: the SQNR of every layer, one-on and one-off variants for the "
                    + SENSITIVITY_VARIANT_LAYERS + " of lowest SQNR, stopped early after " + SENSITIVITY_FIRST_STAGE
                    + " when clear of the 1-point tolerance; 0 skips it (default: ${DEFAULT-VALUE}).")
    private int sensitivitySamples;

    /** Layers (those of lowest SQNR) that get one-on and one-off variants: building them is what takes time. */
    static final int SENSITIVITY_VARIANT_LAYERS = 12;

    /** Samples a sensitivity variant is first evaluated on before its interval is checked against the tolerance. */
    static final int SENSITIVITY_FIRST_STAGE = 250;

    @Override
    protected int run() {
        long start = System.nanoTime();
        List<Path> referenceModels = referenceModels(models.toAbsolutePath().normalize());
        // The reference models are read; the report never replaces them, and its directory is checked now.
        List<OutputTarget.Input> reads = List.of(new OutputTarget.Input(models, "the reference models (--models)"));
        long modelBytes = referenceModels.stream().mapToLong(AtomicFiles::size).sum();
        if (noMixed && mixed.given()) {
            throw usageError("--no-mixed and --mixed contradict each other: give one of them");
        }
        int mixedRows = noMixed ? 0 : mixed.given() ? mixed.rowCount() : SearchMethod.values().length;
        OutputOptions.checkReportDirectory(output, reads, modelBytes * (MethodSelection.select(List.of(), SEED, null,
                comparison.target()).size() + mixedRows));
        FashionMnistInstaller.ensureInstalled(err());
        Dataset train = FashionMnist.train();
        Dataset calibration = StratifiedSubset.of(train, comparison.calibrationSamples(), SEED,
                "--calibration-samples");
        Dataset test = StratifiedSubset.of(FashionMnist.test(), comparison.testSamples(), SEED, "--test-samples");
        String datasetName = test.size() == FashionMnist.test().size()
                ? "Fashion-MNIST test set"
                : String.format(Locale.ROOT, "Fashion-MNIST test set (%,d stratified images, seed %d)", test.size(), SEED);
        String note = String.format(Locale.ROOT, "Calibration: %,d images stratified from the Fashion-MNIST train"
                + " split (seed %d); evaluation: %s; pixels scaled to [0, 1].", calibration.size(), SEED, datasetName);
        if (sensitivitySamples < 0) {
            throw new InvalidInputException("--sensitivity-samples must be >= 0 (0 skips the sensitivity), got "
                    + sensitivitySamples);
        }
        PrintWriter out = out();
        List<ComparisonReport> reports = new ArrayList<>();
        long sensitivityNanos = 0;
        long mixedNanos = 0;
        for (int i = 0; i < referenceModels.size(); i++) {
            Path model = referenceModels.get(i);
            Path qat = qatSibling(model);
            String slug = model.getFileName().toString().replaceFirst("\\.onnx$", "");
            if (!json()) {
                out.println("Model " + (i + 1) + " of " + referenceModels.size() + ": " + model.getFileName()
                        + (Files.isRegularFile(qat) ? " (with " + qat.getFileName() + ")" : ""));
                out.flush();
            }
            List<MethodComparison.Method> methods = new ArrayList<>(MethodSelection.select(List.of(), SEED,
                    Files.isRegularFile(qat) ? qat : null, comparison.target()));
            List<String> notes = new ArrayList<>(List.of(note));
            if (!noMixed && (mixed.given() || model.getFileName().toString().equals(MIXED_MODEL))) {
                long mixedStart = System.nanoTime();
                // The searches choose on training images other than the calibration ones.
                Dataset validation = mixed.validation(train, calibration, SEED);
                MixedRows.Searched searched;
                try (ProgressBar bar = progressBar()) {
                    searched = mixed.run(model, calibration, validation, test, comparison.target(), SEED,
                            comparison.threads(), MIXED_EFFORT, mixed.given() ? mixed.searches()
                                    : EnumSet.allOf(SearchMethod.class),
                            output.resolve("models").resolve(slug).resolve("mixed"), bar);
                }
                mixedNanos += System.nanoTime() - mixedStart;
                methods.addAll(searched.rows());
                notes.add(mixed.note(searched, "Fashion-MNIST training images"));
                if (!json()) {
                    out.println("Mixed precision: " + searched.rows().size() + " searches in "
                            + Formats.duration(System.nanoTime() - mixedStart));
                    out.flush();
                }
            }
            ComparisonRun run = new ComparisonRun(model, calibration, test, datasetName, FashionMnist.CLASS_NAMES,
                    methods, comparison.threads(), comparison.rounds(), comparison.measureMemory(),
                    output.resolve("models").resolve(slug), notes, null);
            ComparisonReport report;
            try (ProgressBar bar = progressBar()) {
                report = run.run(bar);
            }
            if (sensitivitySamples > 0) {
                long sensitivityStart = System.nanoTime();
                SensitivityResult sensitivity = sensitivity(model, calibration, test);
                sensitivityNanos += System.nanoTime() - sensitivityStart;
                report = report.withSensitivity(sensitivity);
                if (!json()) {
                    printSensitivity(sensitivity, System.nanoTime() - sensitivityStart, out);
                }
            }
            reports.add(report);
            if (!json()) {
                ComparisonTable.print(report, out);
                out.println();
                out.flush();
            }
        }
        ReportFiles files = ReportWriter.writeSuite(reports, output, OutputOptions.reportTargets(reads));
        long nanos = System.nanoTime() - start;
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("report", files.html().toString());
            doc.put("markdown", files.markdown().toString());
            doc.put("results", files.json().toString());
            doc.put("models", SuiteReport.slugs(reports));
            doc.put("seconds", nanos / 1e9);
            doc.put("sensitivitySeconds", sensitivityNanos / 1e9);
            doc.put("mixedSeconds", mixedNanos / 1e9);
            printJson(doc);
        } else {
            out.println("Report: " + files.html() + " (also " + files.markdown().getFileName() + ", "
                    + files.json().getFileName() + ", one folder per model)");
            List<String> parts = new ArrayList<>();
            if (sensitivitySamples > 0) {
                parts.add("per-layer sensitivity " + Formats.duration(sensitivityNanos));
            }
            if (mixedNanos > 0) {
                parts.add("mixed precision " + Formats.duration(mixedNanos));
            }
            out.println("Total time: " + Formats.duration(nanos) + (parts.isEmpty() ? ""
                    : " (" + String.join(", ", parts) + ")"));
            out.flush();
        }
        return Quant4jCli.OK;
    }

    /**
     * The per-layer sensitivity of {@code model} to static INT8 (the default configuration, for the
     * demo's kernel target): calibrated on the demo's calibration images, evaluated on a seeded
     * stratified subset of the test images with the staged early stop, variants for the layers of
     * lowest SQNR only.
     */
    private SensitivityResult sensitivity(Path model, Dataset calibration, Dataset test) {
        SensitivityRequest.Builder request = SensitivityRequest.builder().model(model).calibration(calibration)
                .evaluation(StratifiedSubset.of(test, sensitivitySamples, SEED, "--sensitivity-samples"))
                .config(QuantizationConfig.builder().kernelTarget(comparison.target()).seed(SEED).build())
                .firstStage(Math.min(SENSITIVITY_FIRST_STAGE, sensitivitySamples)).threads(comparison.threads())
                .variantLayers(SENSITIVITY_VARIANT_LAYERS)
                .seed(SEED);
        try (ProgressBar bar = progressBar()) {
            return SensitivityAnalysis.run(request.listener(bar).build());
        }
    }

    private static void printSensitivity(SensitivityResult r, long nanos, PrintWriter out) {
        String most = r.layers().isEmpty() ? "no layer" : r.layers().get(0).node() + " (" + r.layers().get(0).opType()
                + r.layers().get(0).oneOn().map(s -> String.format(Locale.ROOT, ", one-on drop %+.2f pp",
                        s.drop().estimate() * 100)).orElse("") + ")";
        out.println("Sensitivity: " + r.layers().size() + " layers, most sensitive " + most + "; "
                + Formats.duration(nanos));
        out.println();
        out.flush();
    }

    /** The {@code fashion-*.onnx} models of {@code dir} other than QAT models, by name. */
    static List<Path> referenceModels(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException("Reference model folder " + dir + " does not exist: run the demo from the"
                    + " quant4j repository root or give the folder with --models");
        }
        List<Path> found;
        try (Stream<Path> files = Files.list(dir)) {
            found = files.filter(Files::isRegularFile)
                    .filter(f -> {
                        String name = f.getFileName().toString();
                        return name.startsWith("fashion-") && name.endsWith(".onnx") && !name.endsWith("-qat.onnx");
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new InvalidInputException("Cannot list reference model folder " + dir + ": " + e, e);
        }
        if (found.isEmpty()) {
            throw new InvalidInputException("Reference model folder " + dir + " holds no fashion-*.onnx model: add the"
                    + " reference models (fashion-resnet.onnx, ...) or give another folder with --models");
        }
        return found;
    }

    /** {@code fashion-X-qat.onnx} beside {@code fashion-X.onnx}. */
    static Path qatSibling(Path model) {
        return model.resolveSibling(model.getFileName().toString().replaceFirst("\\.onnx$", "") + "-qat.onnx");
    }
}
