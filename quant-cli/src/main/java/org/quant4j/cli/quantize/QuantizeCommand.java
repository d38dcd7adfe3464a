package org.quant4j.cli.quantize;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.api.provider.ProviderRegistry;
import org.quant4j.api.quantize.DataNeed;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.api.quantize.QuantizerProvider;
import org.quant4j.api.quantize.Quantizers;
import org.quant4j.api.quantize.WeightSummary;
import org.quant4j.cli.CliCommand;
import org.quant4j.cli.Quant4jCli;
import org.quant4j.cli.console.Formats;
import org.quant4j.cli.console.JsonOutput;
import org.quant4j.cli.console.ProgressBar;
import org.quant4j.cli.console.TextTable;
import org.quant4j.cli.data.DataOptions;
import org.quant4j.cli.data.DataSources;
import org.quant4j.cli.data.DataSources.OpenedData;
import org.quant4j.cli.options.CacheOptions;
import org.quant4j.cli.options.ActivationSchemeConverter;
import org.quant4j.cli.options.CalibrationOptions;
import org.quant4j.cli.options.ModelOption;
import org.quant4j.cli.options.OutputOptions;
import org.quant4j.cli.options.QuantizationModeConverter;
import org.quant4j.cli.options.QuantizationOptions;
import org.quant4j.cli.options.RuntimeOptions;
import org.quant4j.onnx.graph.TensorInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quant4j quantize}: quantizes a model with a quantizer backend ({@code onnxruntime} by
 * default), drawing a progress bar while it calibrates, and prints what it did: the settings with
 * the kernel target, node counts, sizes, times and where the model went; with {@code --details}
 * every node's decision and reason.
 *
 * <p>The result's warnings (e.g. layers of a vnni-target model that saturate on AVX2 without VNNI)
 * reach the console once: the quantizer logs each at WARN, which the CLI's SLF4J binding prints on
 * stderr at every verbosity, so the text output does not repeat them; {@code --json} lists them
 * under {@code "warnings"} for scripts.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "quant4j quantize -m FILE [-d PATH] [-o FILE] [OPTIONS]",
        description = {
            "Quantize an ONNX model: static INT8 calibrated on --data, dynamic INT8 or FP16.",
            "The output goes beside the model unless --output says otherwise: MODEL-int8.onnx, MODEL-int8-dynamic.onnx"
                    + " or MODEL-fp16.onnx."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  Static INT8 calibrated on 500 Fashion-MNIST training images,",
            "  written to model-int8.onnx:",
            "    quant4j quantize -m model.onnx -d /usr/share/datasets/fashion-mnist",
            "  Percentile calibration, per-tensor weights, the classifier head in float:",
            "    quant4j quantize -m model.onnx -d images/ --method percentile \\",
            "        --method-option percentile=99.99 --no-per-channel \\",
            "        --exclude-op Gemm -o model-p9999.onnx",
            "  Quantization-aware training on the 60,000 Fashion-MNIST training images:",
            "    quant4j quantize -m model.onnx -d /usr/share/datasets/fashion-mnist \\",
            "        --backend qat",
            "  Dynamic INT8 (no data needed), with every node's decision:",
            "    quant4j quantize -m model.onnx --mode dynamic --details"
        })
public final class QuantizeCommand extends CliCommand {

    @Mixin
    private ModelOption model;

    @Mixin
    private QuantizationOptions quantization;

    @Mixin
    private DataOptions data;

    @Mixin
    private CalibrationOptions calibration;

    @Mixin
    private OutputOptions output;

    @Mixin
    private RuntimeOptions runtime;

    @Mixin
    private CacheOptions cache;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "onnxruntime",
            description = "Quantizer backend, see 'quant4j backends' (default: ${DEFAULT-VALUE}, or the one the system"
                    + " property " + ProviderRegistry.DEFAULT_BACKEND_PROPERTY + " names). 'qat' fine-tunes"
                    + " the model with simulated INT8 (quantization-aware training, 5 epochs) on all labelled"
                    + " images of --data and exports the static INT8 model; it takes minutes, not seconds.")
    private String backend;

    @Option(names = "--details", description = "List every node: quantized, skipped or folded, and why.")
    private boolean details;

    @Override
    protected int run() {
        Path modelPath = model.path();
        // Only the inputs: the library operation parses the model, once.
        List<TensorInfo> inputs = model.inputs();
        QuantizationMode mode = quantization.mode();
        backend = backend("--backend", backend, Quantizers.registry());
        // An unavailable backend fails here, before any data is opened or file written.
        QuantizerProvider provider = Quantizers.registry().get(backend);
        Path out = output.output(defaultOutput(modelPath, mode, provider.outputExtension()));
        // Everything this run reads; the output is never one of them, not even with --overwrite.
        List<OutputTarget.Input> reads = new ArrayList<>(List.of(model.input()));
        reads.addAll(data.inputs());
        reads.addAll(cache.inputs());
        // Before any data is read: a full or read-only disk is found now, not after calibration.
        output.checkWritable(out, "the quantized model", reads, model.size());
        QuantizationConfig.Builder builder = QuantizationConfig.builder()
                .activationScheme(calibration.activations(QuantScheme.UINT8_ASYMMETRIC));
        quantization.applyTo(builder);
        calibration.applyTo(builder);
        QuantizationConfig config = builder.build();

        DataNeed need = provider.dataNeed(mode);
        Dataset calibrationData = null;
        OpenedData opened = null;
        // Data that is optional for the mode (FP16's range check) is used when --data is given.
        if (need.needsData() || need.usesData() && data.given()) {
            if (!data.given()) {
                throw usageError("Static quantization calibrates on data: give it with --data, or use --mode dynamic"
                        + " or --mode fp16, which need none");
            }
            opened = DataSources.open(data, DataOptions.Split.TRAIN, DataSources.inputShape(inputs));
            // A quantizer that trains takes the whole labelled set and picks its own calibration part.
            calibrationData = need == DataNeed.LABELLED_TRAINING_DATA ? opened.dataset()
                    : cache.apply(calibration.select(opened.dataset()), reads);
        }
        QuantizationResult result;
        QuantizationRequest.Builder request = QuantizationRequest.builder()
                .model(modelPath)
                .output(out)
                .config(config)
                .calibrationData(calibrationData)
                .batchSize(calibration.batchSize())
                .overwriteOutput(output.overwrite())
                .overwriteHint(OutputOptions.OVERWRITE_HINT)
                .threads(runtime.threads());
        reads.forEach(input -> request.input(input.path(), input.what()));
        try (Quantizer quantizer = Quantizers.get(backend); ProgressBar bar = progressBar()) {
            result = quantizer.quantize(request.listener(bar).build());
        }
        if (json()) {
            Map<String, Object> doc = document(modelPath, config, opened, calibrationData, result);
            if (calibrationData != null) {
                doc.put("calibrationCache", cache.json());
            }
            printJson(doc);
        } else {
            cache.reportHit(err());
            printSummary(modelPath, config, need, opened, calibrationData, result);
        }
        return Quant4jCli.OK;
    }

    /** {@code model-int8.onnx}, {@code model-int8-dynamic.onnx} or {@code model-fp16.onnx} beside the model. */
    static Path defaultOutput(Path model, QuantizationMode mode) {
        return defaultOutput(model, mode, ".onnx");
    }

    /** {@code model-int8}, {@code model-int8-dynamic} or {@code model-fp16} with the backend's {@code extension}. */
    static Path defaultOutput(Path model, QuantizationMode mode, String extension) {
        return ModelOption.sibling(model, switch (mode) {
            case STATIC -> "-int8";
            case DYNAMIC -> "-int8-dynamic";
            case FP16 -> "-fp16";
        } + extension);
    }

    private static String settings(QuantizationConfig config, Dataset calibrationData) {
        String weights = (config.perChannel() ? "per-channel" : "per-tensor") + " int8 weights";
        return switch (config.mode()) {
            case STATIC -> "static: " + config.calibrationMethod().id() + " calibration on "
                    + Formats.count(calibrationData.size()) + " samples, " + weights + ", "
                    + ActivationSchemeConverter.name(config.activationScheme()) + " activations, "
                    + kernelTarget(config.kernelTarget());
            case DYNAMIC -> "dynamic: " + weights + ", activations quantized at run time, "
                    + kernelTarget(config.kernelTarget());
            case FP16 -> "fp16: float16 weights and compute";
        };
    }

    /**
     * {@code kernel target portable}; for {@code host}, with the target it resolves to on this
     * machine, as the quantizer resolved it: {@code kernel target host -> vnni}.
     */
    static String kernelTarget(KernelTarget target) {
        return "kernel target " + target.id() + (target == KernelTarget.HOST ? " -> " + target.resolve().id() : "");
    }

    /** {@code 3.53x smaller}, or {@code 1.14x larger} for a model too small to outweigh the added QDQ nodes. */
    static String sizeChange(double ratio) {
        return ratio >= 1 ? String.format(Locale.ROOT, "%.2fx smaller", ratio)
                : String.format(Locale.ROOT, "%.2fx larger", 1 / ratio);
    }

    /** {@code 24 weight tensors in int8 (1.20 MiB), 2 left float (3.0 KiB)}. */
    static String weights(WeightSummary w) {
        return w.converted() + " weight tensor" + (w.converted() == 1 ? "" : "s") + " in " + w.precision() + " ("
                + Formats.bytes(w.convertedBytes()) + "), " + w.leftFloat() + " left float ("
                + Formats.bytes(w.leftFloatBytes()) + ")";
    }

    private void printSummary(Path modelPath, QuantizationConfig config, DataNeed need, OpenedData opened,
            Dataset calibrationData, QuantizationResult result) {
        PrintWriter out = out();
        int quantized = result.decisions(NodeDecision.Action.QUANTIZED).size();
        int skipped = result.decisions(NodeDecision.Action.SKIPPED).size();
        int folded = result.decisions(NodeDecision.Action.FOLDED).size();
        out.println("Quantized " + modelPath + " (" + (need == DataNeed.LABELLED_TRAINING_DATA
                ? "quantization-aware training on " + Formats.count(calibrationData.size()) + " labelled samples, then"
                        + " static INT8 with the trained ranges, " + (config.perChannel() ? "per-channel" : "per-tensor")
                        + " int8 weights, " + kernelTarget(config.kernelTarget())
                : settings(config, calibrationData)) + ")");
        TextTable summary = TextTable.plain()
                .row("nodes", quantized + " quantized, " + skipped + " skipped, " + folded + " folded"
                        + (skipped > 0 && !details ? " (--details says why)" : ""));
        result.weights().ifPresent(w -> summary.row("weights", weights(w)));
        summary.row("size", Formats.bytes(result.inputBytes()) + " -> " + Formats.bytes(result.outputBytes())
                        + " (" + sizeChange(result.compressionRatio()) + ")")
                .row("time", Formats.duration(result.totalTime())
                        + (config.mode() == QuantizationMode.STATIC
                                ? " (calibration " + Formats.duration(result.calibrationTime()) + ")" : ""));
        if (opened != null) {
            summary.row("data", opened.description());
        }
        result.calibrationShapes().ifPresent(shapes -> summary.row("shapes", shapes.describe()));
        summary.row("output", result.output().toAbsolutePath().normalize());
        summary.print(out);
        if (details) {
            out.println();
            TextTable table = TextTable.withHeader("ACTION", "OP", "NODE", "REASON");
            for (NodeDecision d : result.decisions()) {
                table.row(d.action().name().toLowerCase(Locale.ROOT), d.opType(), d.nodeName(), d.reason());
            }
            table.print(out);
        }
        out.flush();
    }

    private Map<String, Object> document(Path modelPath, QuantizationConfig config, OpenedData opened,
            Dataset calibrationData, QuantizationResult result) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", modelPath.toAbsolutePath().normalize().toString());
        doc.put("output", result.output().toAbsolutePath().normalize().toString());
        doc.put("backend", backend);
        doc.put("mode", QuantizationModeConverter.name(config.mode()));
        doc.put("perChannel", config.perChannel());
        if (config.mode() != QuantizationMode.FP16) {
            doc.put("kernelTarget", config.kernelTarget().id());
            doc.put("resolvedKernelTarget", config.kernelTarget().resolve().id());
        }
        if (config.mode() == QuantizationMode.STATIC) {
            doc.put("method", config.calibrationMethod().id());
            doc.put("methodOptions", config.calibrationOptions());
            doc.put("activations", ActivationSchemeConverter.name(config.activationScheme()));
            doc.put("data", opened.description());
            doc.put("calibrationSamples", calibrationData.size());
        }
        result.calibrationShapes().ifPresent(shapes -> doc.put("calibrationShapes", shapes.toMaps()));
        if (config.mode() == QuantizationMode.STATIC) {
            doc.put("seed", config.seed());
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        for (NodeDecision.Action a : NodeDecision.Action.values()) {
            counts.put(a.name().toLowerCase(Locale.ROOT), result.decisions(a).size());
        }
        doc.put("nodes", counts);
        result.weights().ifPresent(w -> {
            Map<String, Object> weights = new LinkedHashMap<>();
            weights.put("precision", w.precision());
            weights.put("converted", w.converted());
            weights.put("convertedBytes", w.convertedBytes());
            weights.put("leftFloat", w.leftFloat());
            weights.put("leftFloatBytes", w.leftFloatBytes());
            doc.put("weights", weights);
        });
        doc.put("inputBytes", result.inputBytes());
        doc.put("outputBytes", result.outputBytes());
        doc.put("compressionRatio", result.compressionRatio());
        doc.put("calibrationMillis", Formats.millis(result.calibrationTime()));
        doc.put("totalMillis", Formats.millis(result.totalTime()));
        doc.put("warnings", result.warnings());
        List<Map<String, Object>> decisions = new ArrayList<>();
        for (NodeDecision d : result.decisions()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("node", d.nodeName());
            entry.put("opType", d.opType());
            entry.put("action", d.action().name().toLowerCase(Locale.ROOT));
            entry.put("reason", d.reason());
            decisions.add(entry);
        }
        doc.put("decisions", decisions);
        Map<String, Object> ranges = new LinkedHashMap<>();
        result.ranges().forEach((tensor, range) -> ranges.put(tensor, JsonOutput.range(range)));
        doc.put("ranges", ranges);
        doc.put("provenance", result.provenance().entries());
        return doc;
    }
}
