package org.quant4j.qat.quantize;

import ai.djl.Model;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.ModelException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorOverride;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.ModelCalibrator;
import org.quant4j.api.calibration.ModelCalibrators;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.opset.OpsetConverter;
import org.quant4j.onnx.quantize.ApiTensorCalibration;
import org.quant4j.onnx.quantize.GraphQuantization;
import org.quant4j.onnx.quantize.QuantizationContext;
import org.quant4j.onnx.quantize.QuantizedGraphCompaction;
import org.quant4j.onnx.quantize.StaticQdqQuantizer;
import org.quant4j.onnx.transform.TransformPipeline;
import org.quant4j.qat.simulate.QatGraph;
import org.quant4j.qat.train.EpochRecord;
import org.quant4j.qat.train.InMemoryImages;
import org.quant4j.qat.train.TrainedModel;
import org.quant4j.qat.train.TrainingLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model after quantization-aware training: the simulated-INT8 DJL block (holding the parameters and
 * ranges of the best validation epoch) and the record of the run, with the export to a QDQ ONNX
 * model. Owns the DJL model's native memory: close it. Closing twice is harmless; use after close
 * throws {@link IllegalStateException}.
 */
public final class QatModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QatModel.class);

    /**
     * The exported INT8 model.
     *
     * @param model     the QDQ model
     * @param decisions what happened to every node (folding, quantization)
     * @param ranges    the activation ranges the model was quantized with (the trained ones)
     */
    public record Export(OnnxModel model, List<NodeDecision> decisions, Map<String, TensorRange> ranges) {
        public Export {
            decisions = List.copyOf(decisions);
            ranges = Map.copyOf(ranges);
        }
    }

    private final Model model;
    private final QatGraph block;
    private final OnnxModel source;
    private final QuantizationConfig config;
    private final Dataset calibration;
    private final QatOptions options;
    private final TrainingLoop.Outcome training;
    private final Duration calibrationTime;
    private final double floatValidationAccuracy;
    private final double calibratedValidationAccuracy;
    private final CalibrationMethod initialMethod;
    private final AtomicBoolean closed = new AtomicBoolean();

    QatModel(Model model, QatGraph block, OnnxModel source, QuantizationConfig config, Dataset calibration,
            QatOptions options,
            TrainingLoop.Outcome training, Duration calibrationTime,
            double floatValidationAccuracy, double calibratedValidationAccuracy, CalibrationMethod initialMethod) {
        this.model = model;
        this.block = block;
        this.source = source;
        this.config = config;
        this.calibration = calibration;
        this.options = options;
        this.training = training;
        this.calibrationTime = calibrationTime;
        this.floatValidationAccuracy = floatValidationAccuracy;
        this.calibratedValidationAccuracy = calibratedValidationAccuracy;
        this.initialMethod = initialMethod;
    }

    /** The simulated-INT8 block. */
    public QatGraph block() {
        requireOpen();
        return block;
    }

    public QatOptions options() {
        return options;
    }

    /** One record per epoch run; validation accuracies are of the simulated-INT8 model. */
    public List<EpochRecord> history() {
        return training.history();
    }

    /** The calibration method of the ranges training started from. */
    public CalibrationMethod initialMethod() {
        return initialMethod;
    }

    /** The 1-based epoch whose parameters and ranges the model holds; 0 when no epoch beat the calibrated start. */
    public int bestEpoch() {
        return training.bestEpoch();
    }

    /** Wall-clock seconds of the training epochs, validation included. */
    public double trainingSeconds() {
        return training.seconds();
    }

    /** Wall time of the calibration that gave the initial ranges. */
    public Duration calibrationTime() {
        return calibrationTime;
    }

    /** Validation accuracy of the float model before training. */
    public double floatValidationAccuracy() {
        return floatValidationAccuracy;
    }

    /** Validation accuracy of the simulated-INT8 model with the calibrated ranges, before training (simulated PTQ). */
    public double calibratedValidationAccuracy() {
        return calibratedValidationAccuracy;
    }

    /** Validation accuracy of the simulated-INT8 model at {@link #bestEpoch()}. */
    public double validationAccuracy() {
        int best = training.bestEpoch();
        return best == 0 ? calibratedValidationAccuracy : training.history().get(best - 1).validationAccuracy();
    }

    /** Top-1 accuracy of the simulated-INT8 model on {@code data}, in inference mode. */
    public double accuracy(InMemoryImages data) {
        requireOpen();
        return TrainedModel.accuracy(block, model.getNDManager(), data, options.training().evaluationBatchSize());
    }

    /**
     * The QDQ ONNX model of the trained network: the source model with the trained weights, biases
     * and batch-norm statistics, quantized by the static QDQ quantizer with every activation range
     * fixed to the trained one (the calibration images only show ONNX Runtime which tensors are
     * float; their ranges are not used). Batch-norm folding and per-channel weight quantization in the
     * quantizer reproduce the weights the simulation used.
     */
    public Export export() {
        requireOpen();
        Graph graph = Graph.of(source);
        block.initializers().forEach(graph::putInitializer);
        Map<String, TensorRange> ranges = block.activationRanges();
        QuantizationConfig.Builder c = config.toBuilder();
        ranges.forEach((tensor, range) -> {
            TensorOverride user = config.tensorOverrides().get(tensor);
            c.tensorOverride(tensor, new TensorOverride(false, user == null ? Optional.empty() : user.scheme(),
                    Optional.of(range)));
        });
        List<NodeDecision> decisions = new ArrayList<>(TransformPipeline.inference().apply(graph).stream()
                .filter(d -> d.action() == NodeDecision.Action.FOLDED).toList());
        OpsetConverter.requireAtLeast(graph, QuantizationAwareTraining.REQUIRED_OPSET);
        QuantizationConfig fixed = c.build();
        Set<String> original = QuantizedGraphCompaction.names(graph);
        GraphQuantization q;
        try (ModelCalibrator calibrator = ModelCalibrators.get(QuantizationAwareTraining.CALIBRATOR)) {
            q = new StaticQdqQuantizer().quantize(graph, QuantizationContext.calibratedBy(fixed,
                    new ApiTensorCalibration(calibrator, fixed, calibration, Math.min(64, calibration.size()),
                            options.training().threads(), ProgressListener.NONE)));
        }
        QuantizedGraphCompaction.apply(graph, original);
        q.warnings().forEach(w -> LOG.warn("{}", w));
        decisions.addAll(q.decisions());
        if (!q.ranges().keySet().equals(ranges.keySet())) {
            Set<String> onlyExported = new TreeSet<>(q.ranges().keySet());
            onlyExported.removeAll(ranges.keySet());
            Set<String> onlyTrained = new TreeSet<>(ranges.keySet());
            onlyTrained.removeAll(q.ranges().keySet());
            throw new ModelException("The exported model would quantize other tensors than were trained (only"
                    + " exported: " + onlyExported + "; only trained: " + onlyTrained + "), e.g. because a trained"
                    + " range no longer lets a Clip be absorbed; use RangeMode.MOVING_AVERAGE or exclude the node");
        }
        return new Export(graph.toModel(), decisions, q.ranges());
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            model.close();
        }
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("QatModel is closed");
        }
    }

    @Override
    public String toString() {
        return "QatModel[best epoch " + training.bestEpoch() + " of " + training.history().size()
                + (closed.get() ? ", closed" : "") + "]";
    }
}
