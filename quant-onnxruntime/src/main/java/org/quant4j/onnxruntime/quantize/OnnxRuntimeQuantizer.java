package org.quant4j.onnxruntime.quantize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.Provenance;
import org.quant4j.api.Quant4jVersion;
import org.quant4j.api.ModelException;
import org.quant4j.api.QuantException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.api.quantize.ProgressStages;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.api.quantize.WeightSummary;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.opset.OpsetConverter;
import org.quant4j.onnxruntime.runtime.OrtRuntime;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.quant4j.onnx.quantize.DynamicQuantizer;
import org.quant4j.onnx.quantize.Fp16Converter;
import org.quant4j.onnx.quantize.GraphQuantization;
import org.quant4j.onnx.quantize.GraphQuantizer;
import org.quant4j.onnx.quantize.QuantizedGraphCompaction;
import org.quant4j.onnx.quantize.QuantizationContext;
import org.quant4j.onnx.quantize.StaticQdqQuantizer;
import org.quant4j.onnx.quantize.WeightCensus;
import org.quant4j.onnx.transform.TransformPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code "onnxruntime"} quantizer: reads an ONNX model, applies the inference transforms
 * (Constant nodes into initializers, Identity/Dropout removal, constant subgraph evaluation,
 * BatchNormalization folding), raises the opset to 13 where that changes no node, hands the graph to
 * the {@link GraphQuantizer} of the requested mode and writes the result atomically. The input file
 * is never modified; when anything fails, nothing is written.
 *
 * <p>Nothing is silent: an INT8 quantization that leaves every weight in float, or any conversion
 * whose output would be larger than its input, fails with the first reason per op type; the result
 * counts the weight tensors stored in the lower precision and those left float
 * ({@link QuantizationResult#weights()}).
 *
 * <p>FP16 with calibration data observes min-max ranges (whatever method the config names) so that
 * {@link Fp16Converter} keeps out-of-range nodes in float32, then runs the converted and the original
 * model on the first batches of the data and refuses a result with inf/NaN where float32 is finite
 * ({@link Fp16OutputCheck}).
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
        ProgressListener listener = request.listener();
        listener.onProgress(ProgressStages.PREPARE, 0, ProgressStages.PREPARE_STEPS);
        Input input = read(request.model());
        listener.onProgress(ProgressStages.PREPARE, 1, ProgressStages.PREPARE_STEPS);

        Graph graph = input.graph();
        Map<String, NodeDecision> transformDecisions = new HashMap<>();
        List<NodeDecision> decisions = new ArrayList<>();
        for (NodeDecision d : TransformPipeline.inference().apply(graph)) {
            if (d.action() == NodeDecision.Action.FOLDED) {
                decisions.add(d);
            } else {
                transformDecisions.put(d.nodeName(), d);
            }
        }
        listener.onProgress(ProgressStages.PREPARE, 2, ProgressStages.PREPARE_STEPS);
        convertOpset(graph, config.targetOpset());
        listener.onProgress(ProgressStages.PREPARE, 3, ProgressStages.PREPARE_STEPS);
        WeightCensus census = WeightCensus.of(graph);
        RunnerOptions options = runnerOptions.withThreads(request.threads());
        boolean fp16 = config.mode() == QuantizationMode.FP16;
        // FP16 checks true extremes, whatever calibration method the config names.
        QuantizationConfig calibrationConfig = fp16
                ? config.toBuilder().calibrationMethod(CalibrationMethod.MIN_MAX).build() : config;
        QuantizationContext context = new QuantizationContext(config, request.calibrationData().map(
                data -> new CalibrationPass(calibrationConfig, data, request.batchSize(), listener, options)), listener);
        OnnxModel beforeFp16 = fp16 && request.calibrationData().isPresent() ? graph.toModel() : null;
        Set<String> original = QuantizedGraphCompaction.names(graph);
        GraphQuantization result = quantizer.quantize(graph, context);
        if (!fp16) {
            QuantizedGraphCompaction.apply(graph, original);
        }
        for (NodeDecision d : result.decisions()) {
            NodeDecision before = transformDecisions.get(d.nodeName());
            decisions.add(before == null || d.action() != NodeDecision.Action.SKIPPED ? d
                    : new NodeDecision(d.nodeName(), d.opType(), d.action(), d.reason() + "; " + before.reason()));
        }
        WeightSummary weights = census.after(graph, config.mode());
        OnnxModel quantized = graph.toModel();
        checkSomethingGained(request, input.bytes(), quantized, census, weights, decisions);
        List<String> warnings = new ArrayList<>(result.warnings());
        warnings.forEach(w -> LOG.warn("{}", w));
        if (beforeFp16 != null) {
            Fp16OutputCheck.check(beforeFp16, quantized, request.calibrationData().get(), request.batchSize(), options,
                    listener);
        }
        if (!fp16) {
            warnings.addAll(KernelPortability.check(quantized, config.kernelTarget(), request.calibrationData(),
                    options, listener));
        }
        // Published exclusively unless replacing is allowed: a file that appeared at the output while
        // this run calibrated (another run's) is never replaced.
        quantized.write(request.outputTarget());
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
        b.weights(weights);
        if (config.mode() != QuantizationMode.DYNAMIC) {
            request.calibrationData().ifPresent(data -> b.calibrationShapes(data.sampleShapes()));
        }
        QuantizationResult r = b.build();
        LOG.info("Quantized {} to {} ({}): {} -> {} bytes in {} ms", request.model(), output, config.mode(),
                r.inputBytes(), r.outputBytes(), total.toMillis());
        return r;
    }

    /** The graph of the model to quantize and the size of its serialized form. */
    private record Input(Graph graph, long bytes) {
    }

    /**
     * Reads {@code file} into a graph; the model itself is not kept, so that the float weights the
     * graph replaces (BatchNormalization folding, then quantization) can be freed as it goes.
     */
    private static Input read(Path file) {
        OnnxModel model = OnnxModel.read(file);
        return new Input(model.graph(), model.proto().getSerializedSize());
    }

    /**
     * Refuses an INT8 result that left every weight in float, and a result that left weights in float
     * and is larger than its input: both would be a model that only looks quantized.
     *
     * @throws ModelException with the first reason per op type and what to do
     */
    private static void checkSomethingGained(QuantizationRequest request, long inputBytes, OnnxModel quantized,
            WeightCensus census, WeightSummary weights, List<NodeDecision> decisions) {
        QuantizationMode mode = request.config().mode();
        String whatToDo = " Weights held in Constant nodes and constant subgraphs are folded before quantizing; a weight"
                + " computed from the model's inputs cannot be. Check --exclude-op/--exclude-node (and the API's"
                + " exclusions), or run 'quant4j quantize --details' to see every node's decision.";
        if (mode != QuantizationMode.FP16 && weights.converted() == 0) {
            throw new ModelException("Quantizing " + request.model() + " (" + mode.name().toLowerCase(Locale.ROOT)
                    + ") would leave every weight in float (" + weights.leftFloat() + " float weight tensors, "
                    + census.computedWeights().size() + " op types with computed weights), so nothing is written."
                    + " First reason per op type: " + census.firstReasons(decisions) + "." + whatToDo);
        }
        long outputBytes = quantized.proto().getSerializedSize();
        // A toy model whose every weight is int8 can still grow by the quantization nodes; the summary
        // states that size. Larger with weights left float means the conversion did not pay: refuse it.
        if (outputBytes > inputBytes && weights.leftFloat() > 0) {
            throw new ModelException("Quantizing " + request.model() + " (" + mode.name().toLowerCase(Locale.ROOT)
                    + ") would write " + outputBytes + " bytes, more than the " + inputBytes + " bytes of the input,"
                    + " so nothing is written: only " + weights.converted() + " of " + weights.total()
                    + " weight tensors are " + weights.precision() + " (" + weights.convertedBytes() + " bytes), "
                    + weights.leftFloat() + " stay float (" + weights.leftFloatBytes() + " bytes), and the added"
                    + " quantization nodes and parameters outweigh what they save. First reason per op type for"
                    + " weights left float: " + census.firstReasons(decisions) + "." + whatToDo);
        }
    }

    /**
     * Raises the graph to the opset the quantized model needs, or to the requested target: older
     * models are converted node by node (see {@link OpsetConverter}), and what changed is logged.
     */
    private static void convertOpset(Graph graph, int target) {
        if (target == 0) {
            OpsetConverter.requireAtLeast(graph, REQUIRED_OPSET);
            return;
        }
        if (target < REQUIRED_OPSET) {
            throw new InvalidInputException("Target opset " + target + " is below " + REQUIRED_OPSET
                    + ", the lowest the quantized model can declare (DequantizeLinear with a per-channel axis):"
                    + " choose an opset of at least " + REQUIRED_OPSET);
        }
        OpsetConverter.convert(graph, target);
    }

    private static Provenance provenance(QuantizationRequest request) {
        QuantizationConfig config = request.config();
        Provenance.Builder p = Provenance.builder()
                .quantization(NAME, config)
                .tool("quant4j", Quant4jVersion.get())
                .backend("onnxruntime", OrtRuntime.version());
        if (config.mode() == QuantizationMode.STATIC
                || config.mode() == QuantizationMode.FP16 && request.calibrationData().isPresent()) {
            // FP16 observes ranges with min-max whatever the config names (see quantize).
            p.calibration((config.mode() == QuantizationMode.FP16 ? CalibrationMethod.MIN_MAX
                    : config.calibrationMethod()).id(),
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
