package org.quant4j.onnxruntime.quantize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quant4j.api.Provenance;
import org.quant4j.api.Quant4jVersion;
import org.quant4j.api.QuantException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.runtime.OrtRuntime;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.quant4j.onnx.quantize.DynamicQuantizer;
import org.quant4j.onnx.quantize.Fp16Converter;
import org.quant4j.onnx.quantize.GraphQuantization;
import org.quant4j.onnx.quantize.GraphQuantizer;
import org.quant4j.onnx.quantize.QuantizationContext;
import org.quant4j.onnx.quantize.StaticQdqQuantizer;
import org.quant4j.onnx.transform.TransformPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code "onnxruntime"} quantizer: reads an ONNX model, applies the inference transforms
 * (Identity/Dropout removal, BatchNormalization folding), raises the opset to 13 where that
 * changes no node, hands the graph to the {@link GraphQuantizer} of the requested mode and writes
 * the result atomically. The input file is never modified; when anything fails, nothing is written.
 */
public final class OnnxRuntimeQuantizer implements Quantizer {

    /** The provider name. */
    public static final String NAME = "onnxruntime";

    /** Opset every mode's output needs (DequantizeLinear with a per-channel axis). */
    static final int REQUIRED_OPSET = StaticQdqQuantizer.REQUIRED_OPSET;

    private static final Logger LOG = LoggerFactory.getLogger(OnnxRuntimeQuantizer.class);

    private final Map<QuantizationMode, GraphQuantizer> quantizers;
    private final RunnerOptions runnerOptions;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A quantizer offering static QDQ quantization. */
    public OnnxRuntimeQuantizer() {
        this(List.of(new StaticQdqQuantizer(), new DynamicQuantizer(), new Fp16Converter()));
    }

    /** A quantizer offering the modes of {@code quantizers}, one each. */
    public OnnxRuntimeQuantizer(List<GraphQuantizer> quantizers) {
        this(quantizers, RunnerOptions.defaults());
    }

    /**
     * A quantizer offering the modes of {@code quantizers}, one each.
     *
     * @param runnerOptions threads of the ONNX Runtime sessions used for calibration
     */
    public OnnxRuntimeQuantizer(List<GraphQuantizer> quantizers, RunnerOptions runnerOptions) {
        Map<QuantizationMode, GraphQuantizer> map = new EnumMap<>(QuantizationMode.class);
        for (GraphQuantizer q : quantizers) {
            GraphQuantizer previous = map.put(q.mode(), q);
            if (previous != null) {
                throw new IllegalArgumentException("Two graph quantizers for mode " + q.mode() + ": "
                        + previous.getClass().getName() + " and " + q.getClass().getName());
            }
        }
        this.quantizers = map;
        this.runnerOptions = Objects.requireNonNull(runnerOptions, "runnerOptions");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public QuantizationResult quantize(QuantizationRequest request) {
        if (closed.get()) {
            throw new IllegalStateException("OnnxRuntimeQuantizer is closed");
        }
        long start = System.nanoTime();
        QuantizationConfig config = request.config();
        GraphQuantizer quantizer = quantizers.get(config.mode());
        if (quantizer == null) {
            throw new QuantException("Quantization mode " + config.mode() + " is not available in the " + NAME
                    + " quantizer; it offers " + quantizers.keySet());
        }
        Path output = request.output();
        request.checkOutput();
        OnnxModel model = OnnxModel.read(request.model());

        Graph graph = model.graph();
        Map<String, NodeDecision> transformDecisions = new HashMap<>();
        List<NodeDecision> decisions = new ArrayList<>();
        for (NodeDecision d : TransformPipeline.inference().apply(graph)) {
            if (d.action() == NodeDecision.Action.FOLDED) {
                decisions.add(d);
            } else {
                transformDecisions.put(d.nodeName(), d);
            }
        }
        graph.requireOpset(REQUIRED_OPSET);
        RunnerOptions options = runnerOptions.withThreads(request.threads());
        QuantizationContext context = new QuantizationContext(config, request.calibrationData().map(
                data -> new CalibrationPass(config, data, request.batchSize(), request.listener(), options)));
        GraphQuantization result = quantizer.quantize(graph, context);
        for (NodeDecision d : result.decisions()) {
            NodeDecision before = transformDecisions.get(d.nodeName());
            decisions.add(before == null || d.action() != NodeDecision.Action.SKIPPED ? d
                    : new NodeDecision(d.nodeName(), d.opType(), d.action(), d.reason() + "; " + before.reason()));
        }
        OnnxModel quantized = graph.toModel();
        List<String> warnings = config.mode() == QuantizationMode.FP16 ? List.of()
                : KernelPortability.check(quantized, config.kernelTarget(), request.calibrationData(),
                        options);
        // Calibration may take minutes: check again that no file appeared at the output meanwhile.
        request.checkOutput();
        quantized.write(output);
        Duration total = Duration.ofNanos(System.nanoTime() - start);

        QuantizationResult.Builder b = QuantizationResult.builder()
                .files(request.model(), output)
                .mode(config.mode())
                .calibrationTime(result.calibrationTime())
                .totalTime(total)
                .provenance(provenance(request));
        decisions.forEach(b::decision);
        result.ranges().forEach(b::range);
        warnings.forEach(b::warning);
        QuantizationResult r = b.build();
        LOG.info("Quantized {} to {} ({}): {} -> {} bytes in {} ms", request.model(), output, config.mode(),
                r.inputBytes(), r.outputBytes(), total.toMillis());
        return r;
    }

    private static Provenance provenance(QuantizationRequest request) {
        QuantizationConfig config = request.config();
        Provenance.Builder p = Provenance.builder()
                .quantization(NAME, config)
                .tool("quant4j", Quant4jVersion.get())
                .backend("onnxruntime", OrtRuntime.version());
        if (config.mode() == QuantizationMode.STATIC) {
            p.calibration(config.calibrationMethod().id(),
                    request.calibrationData().map(d -> d.fingerprint()).orElse("none"));
            p.put(Provenance.CALIBRATION_OPTIONS, config.calibrationOptions().toString());
            p.put(Provenance.CALIBRATION_SAMPLES,
                    request.calibrationData().map(d -> Integer.toString(d.size())).orElse("0"));
        }
        return p.seed(config.seed())
                .platform()
                .build();
    }

    @Override
    public void close() {
        closed.set(true);
    }

    @Override
    public String toString() {
        return "OnnxRuntimeQuantizer[modes=" + quantizers.keySet() + (closed.get() ? ", closed" : "") + "]";
    }
}
