package org.quant4j.onnxruntime.calibrate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.Provenance;
import org.quant4j.api.Quant4jVersion;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.calibration.CalibrationRequest;
import org.quant4j.api.calibration.CalibrationResult;
import org.quant4j.api.calibration.CalibratorOptions;
import org.quant4j.api.calibration.ModelCalibrator;
import org.quant4j.api.calibration.ModelSource;
import org.quant4j.calibration.data.Fingerprint;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnx.opset.OpsetConverter;
import org.quant4j.onnx.quantize.CalibratedRanges;
import org.quant4j.onnx.quantize.QuantizationContext;
import org.quant4j.onnx.quantize.StaticQdqQuantizer;
import org.quant4j.onnx.transform.TransformPipeline;
import org.quant4j.onnxruntime.quantize.ActivationCalibration;
import org.quant4j.onnxruntime.quantize.CalibrationPass;
import org.quant4j.onnxruntime.runtime.OrtRuntime;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

/**
 * The {@code "onnxruntime"} model calibrator: reads the model, streams the data through it on ONNX
 * Runtime ({@link ActivationCalibration}) and calibrates the selected tensors:
 * <ul>
 *   <li>{@link org.quant4j.api.calibration.TensorSelection.Kind#QUANTIZER}: the model after the
 *       inference transforms (Identity/Dropout removal, BatchNormalization folding) at opset 13 or
 *       above, as the {@code onnxruntime} quantizer sees it; the tensors and ranges are those of
 *       {@link StaticQdqQuantizer#calibratedRanges}, so exactly what static quantization would
 *       use (pre-activation tensors whose Relu or Clip is absorbed are not observed).</li>
 *   <li>{@link org.quant4j.api.calibration.TensorSelection.Kind#ALL_FLOAT}: the model as given,
 *       every node output and data input that holds float32 values.</li>
 *   <li>{@link org.quant4j.api.calibration.TensorSelection.Kind#EXPLICIT}: the model as given,
 *       the named tensors that hold float32 values; a name that is neither a data input nor a
 *       node output is an {@link InvalidInputException}.</li>
 * </ul>
 * Each tensor is calibrated for {@link QuantizationConfig#activationScheme(String)}. The model is
 * never modified. Closing twice is harmless; calibrating after close throws.
 */
public final class OnnxRuntimeModelCalibrator implements ModelCalibrator {

    /** The provider name. */
    public static final String NAME = "onnxruntime";

    /** How many valid tensor names an unknown-name error lists. */
    private static final int NAMES_SHOWN = 8;

    private final RunnerOptions runnerOptions;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A calibrator running ONNX Runtime with its default settings. */
    public OnnxRuntimeModelCalibrator() {
        this(RunnerOptions.defaults());
    }

    /**
     * A calibrator running ONNX Runtime sessions with {@code runnerOptions}; a request's
     * {@link CalibrationRequest#threads()}, when above 0, replaces their intra-op threads.
     */
    public OnnxRuntimeModelCalibrator(RunnerOptions runnerOptions) {
        this.runnerOptions = Objects.requireNonNull(runnerOptions, "runnerOptions");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CalibrationResult calibrate(CalibrationRequest request) {
        if (closed.get()) {
            throw new IllegalStateException("OnnxRuntimeModelCalibrator is closed");
        }
        QuantizationConfig config = request.config();
        Graph graph = read(request.model()).graph();
        RunnerOptions options = runnerOptions.withThreads(request.threads());
        CalibrationPass pass = new CalibrationPass(config, request.data(), request.batchSize(), request.listener(),
                options, request.observer().orElse(null));
        CalibratedRanges calibrated = switch (request.tensors().kind()) {
            case QUANTIZER -> {
                TransformPipeline.inference().apply(graph);
                OpsetConverter.requireAtLeast(graph, StaticQdqQuantizer.REQUIRED_OPSET);
                yield StaticQdqQuantizer.calibratedRanges(graph, QuantizationContext.calibratedBy(config, pass));
            }
            case ALL_FLOAT -> pass.calibrate(graph, dataInputsAndNodeOutputs(graph), config::activationScheme);
            case EXPLICIT -> pass.calibrate(graph, known(graph, request.model(), request.tensors().names()),
                    config::activationScheme);
        };
        CalibrationResult.Builder result = CalibrationResult.builder()
                .method(config.calibrationMethod().id())
                .calibratorOptions(CalibratorOptions.of(config.calibrationOptions()))
                .samples(calibrated.samples())
                .time(calibrated.time())
                .dataFingerprint(request.data().fingerprint())
                .sampleShapes(request.data().sampleShapes())
                .seed(config.seed())
                .provenance(provenance(request));
        calibrated.ranges().forEach((tensor, range) -> result.range(tensor, range, config.activationScheme(tensor)));
        return result.build();
    }

    private static OnnxModel read(ModelSource source) {
        if (source instanceof ModelSource.File file) {
            return OnnxModel.read(file.path());
        }
        ModelSource.Bytes bytes = (ModelSource.Bytes) source;
        return OnnxModel.parse(bytes.toByteArray(), "in-memory model '" + bytes.name() + "'");
    }

    /**
     * The graph's data inputs and every node output, in graph order: all the tensors an engine may
     * quantize.
     */
    static List<String> dataInputsAndNodeOutputs(Graph graph) {
        Set<String> tensors = new LinkedHashSet<>();
        graph.inputs().stream().map(TensorInfo::name).filter(n -> !graph.isInitializer(n)).forEach(tensors::add);
        for (Node node : graph.nodes()) {
            for (String out : node.outputs()) {
                if (!out.isEmpty()) {
                    tensors.add(out);
                }
            }
        }
        return new ArrayList<>(tensors);
    }

    /**
     * {@code names}, each of which must be a data input or node output of {@code graph}, or a node
     * output inside a subgraph nested in it (If branches, Loop and Scan bodies, which the pass observes
     * as the quantizer's calibration does).
     *
     * @throws InvalidInputException naming the first unknown tensor and a few valid ones
     */
    private static List<String> known(Graph graph, ModelSource model, List<String> names) {
        List<String> valid = dataInputsAndNodeOutputs(graph);
        Set<String> validSet = new HashSet<>(valid);
        for (Graph sub : graph.nestedSubgraphs()) {
            sub.nodes().forEach(n -> validSet.addAll(n.outputs()));
        }
        for (String name : names) {
            if (!validSet.contains(name)) {
                String shown = valid.size() <= NAMES_SHOWN ? valid.toString()
                        : valid.subList(0, NAMES_SHOWN) + " and " + (valid.size() - NAMES_SHOWN) + " more";
                throw new InvalidInputException("Tensor '" + name + "' is not a data input or node output of model "
                        + model.name() + " (graph '" + graph.name() + "'): name tensors of the model, e.g. "
                        + shown);
            }
        }
        return names;
    }

    /** Exactly the keys {@code quant4j calibrate} has always written, so its tables stay the same. */
    private static Provenance provenance(CalibrationRequest request) {
        QuantizationConfig config = request.config();
        String method = config.calibrationMethod().id();
        String fingerprint = request.data().fingerprint();
        ModelSource model = request.model();
        CalibratorOptions options = CalibratorOptions.of(config.calibrationOptions())
                .forScheme(config.activationScheme());
        return Provenance.builder()
                .tool("quant4j", Quant4jVersion.get())
                .backend(NAME, OrtRuntime.version())
                .put(Provenance.MODEL, model.name())
                .put(Provenance.MODEL_SHA256, model instanceof ModelSource.File file ? Fingerprint.sha256Hex(file.path())
                        : Fingerprint.sha256Hex(((ModelSource.Bytes) model).toByteArray()))
                .calibration(method, fingerprint)
                .put(Provenance.CALIBRATION_OPTIONS, options.toString())
                .put(Provenance.ACTIVATIONS, config.activationScheme().toString())
                .seed(config.seed())
                .platform()
                .build();
    }

    @Override
    public void close() {
        closed.set(true);
    }

    @Override
    public String toString() {
        return "OnnxRuntimeModelCalibrator[" + (closed.get() ? "closed" : "open") + "]";
    }
}
