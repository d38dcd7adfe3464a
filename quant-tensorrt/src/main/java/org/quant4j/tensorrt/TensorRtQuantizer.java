package org.quant4j.tensorrt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.Provenance;
import org.quant4j.api.Quant4jVersion;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.tensorrt.calibration.CalibrationCacheStore;
import org.quant4j.tensorrt.engine.EngineBuilder;
import org.quant4j.tensorrt.engine.EngineRunner;
import org.quant4j.tensorrt.engine.SerializedEngine;
import org.quant4j.tensorrt.engine.TensorRtRuntime;
import org.quant4j.tensorrt.inspect.EngineLayer;
import org.quant4j.tensorrt.inspect.EngineLayers;

/**
 * The {@code tensorrt} quantizer: builds a serialized TensorRT engine (the output file) from an
 * ONNX model. Static mode builds an explicit INT8 engine from a model that already has
 * QuantizeLinear/DequantizeLinear nodes (quant4j's {@code onnxruntime} quantizer writes them),
 * and otherwise calibrates the float model with TensorRT's implicit INT8 calibrator of the
 * config's method (entropy: EntropyCalibrator2; minmax: MinMaxCalibrator) on the request's data;
 * FP16 mode builds an FP16 engine. Nodes the config excludes run in FP32 (a per-layer
 * constraint). The result's decisions are the engine inspector's layers: INT8 layers quantized,
 * the others left in their precision. Everything needs a GPU; without one the first call throws
 * {@link TensorRtUnavailableException} before reading or writing anything.
 */
public final class TensorRtQuantizer implements Quantizer {

    /** The provider name. */
    public static final String NAME = "tensorrt";

    private final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public QuantizationResult quantize(QuantizationRequest request) {
        requireOpen();
        // First: without a GPU nothing is read or written.
        TensorRtRuntime.require();
        request.checkOutput();
        TensorRtOptions options = options(request.config(), hasQdq(request.model()), request.batchSize());
        return build(request.model(), request.outputTarget(), options, request.calibrationData(), request.config());
    }

    /**
     * Builds an engine with explicit {@link TensorRtOptions} (per-layer precisions, strong typing,
     * a calibration cache) and writes it to {@code output} atomically.
     */
    public QuantizationResult build(Path model, Path output, TensorRtOptions options, Optional<Dataset> data,
            QuantizationConfig config) {
        return build(model, OutputTarget.replacing(output, "the TensorRT engine").withInput(model, "the input model"),
                options, data, config);
    }

    private QuantizationResult build(Path model, OutputTarget target, TensorRtOptions options, Optional<Dataset> data,
            QuantizationConfig config) {
        requireOpen();
        Path output = target.path();
        OutputTarget checked = options.calibrationCache()
                .map(cache -> target.withInput(cache, "the TensorRT calibration cache")).orElse(target);
        checked.checkNotInput();
        String version = TensorRtRuntime.require();
        // Before calibration: a calibration cache TensorRT will write needs a writable directory.
        options.calibrationCache().ifPresent(cache -> new CalibrationCacheStore(cache, options.calibrator()).preflight());
        long start = System.nanoTime();
        QuantizationResult.Builder result = QuantizationResult.builder().mode(config.mode());
        try (SerializedEngine engine = EngineBuilder.build(model, options, data)) {
            engine.write(checked);
            try (EngineRunner runner = EngineRunner.open(engine.bytes())) {
                EngineLayers layers = runner.layers();
                for (EngineLayer layer : layers.layers()) {
                    boolean int8 = layer.precision() == LayerPrecision.INT8;
                    boolean fp16 = layer.precision() == LayerPrecision.FP16 && options.precision() == EnginePrecision.FP16;
                    result.decision(new NodeDecision(layer.name(), layer.type(), int8 || fp16
                            ? NodeDecision.Action.QUANTIZED : NodeDecision.Action.SKIPPED,
                            "TensorRT runs it in " + layer.precision().id()));
                }
                layers.executedLayers().forEach(result::executedLayer);
            }
        }
        Provenance.Builder p = Provenance.builder().quantization(NAME, config).tool("quant4j", Quant4jVersion.get())
                .backend(NAME, version).put("tensorrt.precision", options.precision().name())
                .put("tensorrt.options", options.toString());
        if (options.precision() == EnginePrecision.IMPLICIT_INT8) {
            p.calibration(options.calibrator().methodId(), data.map(Dataset::fingerprint)
                    .orElse(options.calibrationCache().map(c -> "cache " + c).orElse("none")));
            p.put("tensorrt.calibrator", options.calibrator().headerName());
        }
        return result.files(model, output)
                .totalTime(Duration.ofNanos(System.nanoTime() - start))
                .provenance(p.seed(config.seed()).platform().build())
                .build();
    }

    /**
     * The build options a quant4j config asks for: static with Q/DQ nodes is explicit INT8, static
     * without is implicit INT8 with the config's calibrator, FP16 is FP16; excluded nodes run in FP32.
     *
     * @throws InvalidInputException for dynamic quantization, which TensorRT does not have
     */
    static TensorRtOptions options(QuantizationConfig config, boolean modelHasQdq, int batchSize) {
        EnginePrecision precision = switch (config.mode()) {
            case STATIC -> modelHasQdq ? EnginePrecision.EXPLICIT_INT8 : EnginePrecision.IMPLICIT_INT8;
            case FP16 -> EnginePrecision.FP16;
            case DYNAMIC -> throw new InvalidInputException("TensorRT has no dynamic quantization: use --mode static"
                    + " (or --backend onnxruntime for dynamic INT8)");
        };
        TensorRtOptions.Builder b = TensorRtOptions.builder(precision).batchSize(batchSize);
        if (precision == EnginePrecision.IMPLICIT_INT8) {
            b.calibrator(TensorRtOptions.calibratorOf(config.calibrationMethod()));
        }
        if (!config.excludeNodes().isEmpty()) {
            b.stronglyTyped(false);
            config.excludeNodes().forEach(n -> b.layerPrecision(n, LayerPrecision.FP32));
        }
        return b.build();
    }

    /** Whether the model has QuantizeLinear nodes (explicit quantization). */
    static boolean hasQdq(Path model) {
        return OnnxModel.read(model).graph().nodes().stream().anyMatch(n -> n.is("QuantizeLinear"));
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("TensorRtQuantizer is closed");
        }
    }

    @Override
    public void close() {
        closed.set(true);
    }
}
