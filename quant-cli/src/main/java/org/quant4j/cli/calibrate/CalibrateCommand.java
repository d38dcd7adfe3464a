package org.quant4j.cli.calibrate;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.CalibrationRequest;
import org.quant4j.api.calibration.CalibrationResult;
import org.quant4j.api.calibration.CalibratorOptions;
import org.quant4j.api.calibration.ModelCalibrator;
import org.quant4j.api.calibration.ModelCalibrators;
import org.quant4j.api.calibration.TensorObserver;
import org.quant4j.api.calibration.TensorSelection;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.io.AtomicFiles;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.calibration.histogram.AbsHistogram;
import org.quant4j.calibration.stats.StatisticsExport;
import org.quant4j.calibration.stats.TensorStatistics;
import org.quant4j.calibration.stats.TensorStatisticsCollector;
import org.quant4j.calibration.table.CalibrationTable;
import org.quant4j.calibration.table.TensorRtCalibrationCache;
import org.quant4j.calibration.table.TensorRtCalibrationCache.Algorithm;
import org.quant4j.cli.CliCommand;
import org.quant4j.cli.Quant4jCli;
import org.quant4j.cli.console.Formats;
import org.quant4j.cli.console.JsonOutput;
import org.quant4j.cli.console.ProgressBar;
import org.quant4j.cli.console.TextTable;
import org.quant4j.cli.data.DataOptions;
import org.quant4j.cli.data.DataSources;
import org.quant4j.cli.data.DataSources.OpenedData;
import org.quant4j.cli.options.ActivationSchemeConverter;
import org.quant4j.cli.options.CacheOptions;
import org.quant4j.cli.options.CalibrationOptions;
import org.quant4j.cli.options.ModelOption;
import org.quant4j.cli.options.NameConverter;
import org.quant4j.cli.options.OutputOptions;
import org.quant4j.cli.options.RuntimeOptions;
import org.quant4j.onnx.graph.TensorInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quant4j calibrate}: runs the calibration data through the model with the
 * {@code onnxruntime} {@link ModelCalibrator} (the calibration step of static quantization,
 * without quantizing) and writes the range of every float tensor the model computes, and of its
 * input ({@link TensorSelection#allFloatTensors()}), as a JSON calibration table and, on request,
 * a TensorRT calibration cache. Tensor names are the model's
 * own, as TensorRT sees them when it parses the model.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "quant4j calibrate -m FILE -d PATH [-o FILE] [--trt-cache FILE] [--stats FILE] [OPTIONS]",
        description = {
            "Calibrate the activation ranges of an ONNX model on --data; write a JSON calibration table and, with"
                    + " --trt-cache, a TensorRT calibration cache.",
            "The table goes beside the model unless --output says otherwise: MODEL.calibration.json."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  Entropy calibration on 500 Fashion-MNIST training images, written as",
            "  a JSON table and a TensorRT cache:",
            "    quant4j calibrate -m model.onnx -d /usr/share/datasets/fashion-mnist \\",
            "        --method entropy -o model.calibration.json --trt-cache model.cache",
            "  Percentile ranges of the samples in a .npy file, every range printed:",
            "    quant4j calibrate -m model.onnx -d samples.npy --method percentile \\",
            "        --method-option percentile=99.9 --details",
            "  Min-max ranges plus per-tensor statistics as CSV, from the same pass:",
            "    quant4j calibrate -m model.onnx -d samples.npy --stats model.stats.csv"
        })
public final class CalibrateCommand extends CliCommand {

    @Mixin
    private ModelOption model;

    @Mixin
    private DataOptions data;

    @Mixin
    private CalibrationOptions calibration;

    @Mixin
    private RuntimeOptions runtime;

    @Mixin
    private OutputOptions output;

    @Mixin
    private CacheOptions calibrationCache;

    @Option(names = "--trt-cache", paramLabel = "FILE",
            description = "Also write the ranges as a TensorRT calibration cache (int8 symmetric scales).")
    private Path trtCache;

    @Option(names = "--trt-version", paramLabel = "N", defaultValue = "100100",
            description = "TensorRT version in the cache header, as TensorRT writes it: 8601 for 8.6.1, 100100 for"
                    + " 10.1.0 (default: ${DEFAULT-VALUE}).")
    private int trtVersion;

    @Option(names = "--trt-algorithm", paramLabel = "NAME", converter = AlgorithmConverter.class,
            completionCandidates = AlgorithmConverter.class,
            description = "Calibrator named in the cache header, which must match the TensorRT calibrator that reads"
                    + " it: ${COMPLETION-CANDIDATES} (default: MinMaxCalibration for the min-max methods, else"
                    + " EntropyCalibration2).")
    private Algorithm trtAlgorithm;

    @Option(names = "--stats", paramLabel = "FILE",
            description = "Also write statistics of every calibrated tensor (count, min, max, mean, std, histogram of"
                    + " |x|, the method's range), gathered in the same pass: CSV when FILE ends in .csv, else JSON.")
    private Path stats;

    @Option(names = "--details", description = "Print the range of every tensor.")
    private boolean details;

    /** The model calibrator that runs the model. */
    private static final String BACKEND = "onnxruntime";

    @Override
    protected int run() {
        Path modelPath = model.path();
        // Only the inputs: the library operation parses the model, once.
        List<TensorInfo> inputs = model.inputs();
        Path tablePath = output.output(defaultTable(modelPath));
        if (trtCache != null && AtomicFiles.isSameFile(trtCache, tablePath)) {
            throw new InvalidInputException("--trt-cache " + trtCache + " is the calibration table's path too:"
                    + " give the two files different names");
        }
        if (stats != null && (AtomicFiles.isSameFile(stats, tablePath)
                || (trtCache != null && AtomicFiles.isSameFile(stats, trtCache)))) {
            throw new InvalidInputException("--stats " + stats + " is also the path of the "
                    + (AtomicFiles.isSameFile(stats, tablePath) ? "calibration table" : "TensorRT cache")
                    + ": give each output file its own name");
        }
        // Everything this run reads; no output is ever one of them, not even with --overwrite.
        List<OutputTarget.Input> reads = new ArrayList<>(List.of(model.input()));
        reads.addAll(data.inputs());
        reads.addAll(calibrationCache.inputs());
        // Before any data is read: a full or read-only disk is found now, not after calibration.
        OutputTarget tableTarget = output.checkWritable(tablePath, "the calibration table", reads, 0);
        OutputTarget trtTarget = trtCache == null ? null
                : output.checkWritable(trtCache, "the TensorRT calibration cache", reads, 0);
        OutputTarget statsTarget = stats == null ? null
                : output.checkWritable(stats, "the tensor statistics", reads, 0);
        if (!data.given()) {
            throw usageError("Calibration runs the model on data: give it with --data");
        }
        // TensorRT quantizes activations symmetrically, so its cache defaults to symmetric ranges.
        QuantScheme scheme = calibration.activations(
                trtCache != null ? QuantScheme.INT8_SYMMETRIC : QuantScheme.UINT8_ASYMMETRIC);
        QuantizationConfig config = calibration.applyTo(QuantizationConfig.builder().activationScheme(scheme)).build();
        OpenedData opened = DataSources.open(data, DataOptions.Split.TRAIN, DataSources.inputShape(inputs));
        Dataset samples = calibrationCache.apply(calibration.select(opened.dataset()), reads);

        // Created on a tensor's first batch; the observer is called for several tensors at once.
        Map<String, TensorStatisticsCollector> collectors = new ConcurrentHashMap<>();
        Map<String, CalibratorOptions> methodOptions = Map.of(config.calibrationMethod().id(),
                CalibratorOptions.of(config.calibrationOptions()).forScheme(scheme));
        TensorObserver observer = stats == null ? null
                : (tensor, values, offset, length) -> collectors.computeIfAbsent(tensor,
                        t -> new TensorStatisticsCollector(t, methodOptions, AbsHistogram.DEFAULT_BINS))
                        .observe(values, offset, length);
        CalibrationResult result;
        try (ModelCalibrator calibrator = ModelCalibrators.get(BACKEND); ProgressBar bar = progressBar()) {
            result = calibrator.calibrate(CalibrationRequest.builder()
                    .model(modelPath)
                    .data(samples)
                    .config(config)
                    .tensors(TensorSelection.allFloatTensors())
                    .batchSize(calibration.batchSize())
                    .threads(runtime.threads())
                    .listener(bar)
                    .observer(observer)
                    .build());
        }
        CalibrationTable table = CalibrationTable.of(result);
        table.write(tableTarget);
        if (stats != null) {
            List<TensorStatistics> statistics = result.ranges().keySet().stream()
                    .map(t -> collectors.get(t).statistics()).toList();
            if (stats.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
                StatisticsExport.writeCsv(statistics, statsTarget);
            } else {
                StatisticsExport.writeJson(statistics, statsTarget);
            }
        }
        TensorRtCalibrationCache cache = null;
        if (trtCache != null) {
            Algorithm algorithm = trtAlgorithm != null ? trtAlgorithm : defaultAlgorithm(config.calibrationMethod());
            cache = TensorRtCalibrationCache.fromTable(table, trtVersion, algorithm);
            cache.write(trtTarget);
        }
        if (json()) {
            Map<String, Object> doc = document(modelPath, tablePath, opened, table, cache, result);
            doc.put("calibrationCache", calibrationCache.json());
            printJson(doc);
        } else {
            calibrationCache.reportHit(err());
            printSummary(modelPath, tablePath, opened, table, cache, result, scheme);
        }
        return Quant4jCli.OK;
    }

    /** {@code model.calibration.json} beside the model. */
    static Path defaultTable(Path model) {
        return ModelOption.sibling(model, ".calibration.json");
    }

    /** MinMaxCalibration for the min-max methods; TensorRT's recommended EntropyCalibration2 otherwise. */
    static Algorithm defaultAlgorithm(CalibrationMethod method) {
        return method.equals(CalibrationMethod.MIN_MAX) || method.equals(CalibrationMethod.MOVING_AVERAGE_MIN_MAX)
                ? Algorithm.MIN_MAX_CALIBRATION : Algorithm.ENTROPY_CALIBRATION_2;
    }

    private void printSummary(Path modelPath, Path tablePath, OpenedData opened, CalibrationTable table,
            TensorRtCalibrationCache cache, CalibrationResult result, QuantScheme scheme) {
        PrintWriter out = out();
        out.println("Calibrated " + table.size() + " tensors of " + modelPath + " (" + table.calibrationMethod() + ", "
                + ActivationSchemeConverter.name(scheme) + " activations, " + Formats.count(result.samples())
                + " samples)");
        TextTable summary = TextTable.plain()
                .row("time", Formats.duration(result.time()))
                .row("data", opened.description());
        result.sampleShapes().ifPresent(shapes -> summary.row("shapes", shapes.describe()));
        summary.row("table", tablePath.toAbsolutePath().normalize());
        if (stats != null) {
            summary.row("statistics", stats.toAbsolutePath().normalize());
        }
        if (cache != null) {
            summary.row("TensorRT", trtCache.toAbsolutePath().normalize() + " (" + cache.header() + ")");
        }
        summary.print(out);
        if (details) {
            out.println();
            TextTable ranges = TextTable.withHeader("TENSOR", "MIN", "MAX");
            table.entries().forEach((tensor, entry) -> ranges.row(tensor, number(entry.range().min()),
                    number(entry.range().max())));
            ranges.print(out);
        }
        out.flush();
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private Map<String, Object> document(Path modelPath, Path tablePath, OpenedData opened, CalibrationTable table,
            TensorRtCalibrationCache cache, CalibrationResult result) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", modelPath.toAbsolutePath().normalize().toString());
        doc.put("method", table.calibrationMethod());
        doc.put("data", opened.description());
        doc.put("samples", result.samples());
        result.sampleShapes().ifPresent(shapes -> doc.put("sampleShapes", shapes.toMaps()));
        doc.put("seed", table.seed());
        doc.put("millis", Formats.millis(result.time()));
        doc.put("table", tablePath.toAbsolutePath().normalize().toString());
        if (stats != null) {
            doc.put("statistics", stats.toAbsolutePath().normalize().toString());
        }
        if (cache != null) {
            doc.put("tensorRtCache", trtCache.toAbsolutePath().normalize().toString());
            doc.put("tensorRtHeader", cache.header());
        }
        Map<String, Object> ranges = new LinkedHashMap<>();
        for (Map.Entry<String, TensorRange> e : table.ranges().entrySet()) {
            ranges.put(e.getKey(), JsonOutput.range(e.getValue()));
        }
        doc.put("ranges", ranges);
        return doc;
    }

    /** A TensorRT calibrator by its cache-header name, e.g. {@code EntropyCalibration2}. */
    public static final class AlgorithmConverter extends NameConverter<Algorithm> {
        public AlgorithmConverter() {
            super("TensorRT calibrator", named(List.of(Algorithm.values()), Algorithm::headerName));
        }
    }
}
