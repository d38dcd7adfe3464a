package org.quant4j.qat.quantize;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.calibration.ModelCalibrator;
import org.quant4j.api.calibration.ModelCalibrators;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.opset.OpsetConverter;
import org.quant4j.onnx.quantize.ApiTensorCalibration;
import org.quant4j.onnx.quantize.QdqLayout;
import org.quant4j.onnx.quantize.QuantizationContext;
import org.quant4j.onnx.quantize.StaticQdqQuantizer;
import org.quant4j.onnx.transform.TransformPipeline;
import org.quant4j.qat.simulate.QatGraph;
import org.quant4j.qat.train.InMemoryImages;
import org.quant4j.qat.train.TorchRuntime;
import org.quant4j.qat.train.TrainedModel;
import org.quant4j.qat.train.TrainingLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quantization-aware training of a float ONNX classifier:
 * <ol>
 *   <li>the static QDQ quantizer plans the quantization of the folded graph and calibrates its
 *       activation ranges on the calibration images ({@link StaticQdqQuantizer#layout}), with the
 *       config's calibration method or, given {@link QatOptions#initialMethods()}, with the one
 *       whose simulated-INT8 validation accuracy is best;</li>
 *   <li>{@link QatGraph} runs the float model on DJL with fake quantizers exactly there, starting from
 *       those ranges;</li>
 *   <li>{@link TrainingLoop} fine-tunes it, freezing batch-norm statistics and then the ranges at
 *       the configured epochs, choosing the epoch by the simulated-INT8 validation accuracy (the
 *       calibrated start competes as epoch 0); early stopping counts its patience from the last
 *       freeze at the earliest, so it never cuts the schedule before the frozen phase has run;</li>
 *   <li>{@link QatModel#export()} writes the result as a QDQ model.</li>
 * </ol>
 */
public final class QuantizationAwareTraining {

    /** Opset of the exported QDQ model (per-channel DequantizeLinear). */
    static final int REQUIRED_OPSET = 13;

    /** The model calibrator that runs the folded model on the calibration images. */
    static final String CALIBRATOR = "onnxruntime";

    private static final Logger LOG = LoggerFactory.getLogger(QuantizationAwareTraining.class);

    private QuantizationAwareTraining() {
    }

    /**
     * Trains {@code model} with simulated INT8.
     *
     * @param config      static quantization config (per-channel, activation scheme, exclusions,
     *                    calibration method of the initial ranges)
     * @param calibration images whose calibration gives the initial ranges
     * @throws InvalidInputException when the config is not static or the images do not fit the model
     */
    public static QatModel train(OnnxModel model, InMemoryImages train, InMemoryImages validation, Dataset calibration,
            QuantizationConfig config, QatOptions options, ProgressListener listener) {
        if (config.mode() != QuantizationMode.STATIC) {
            throw new InvalidInputException("Quantization-aware training produces a static INT8 model; the config"
                    + " asks for " + config.mode() + " mode: use STATIC");
        }
        Graph folded = Graph.of(model);
        TransformPipeline.inference().apply(folded);
        OpsetConverter.requireAtLeast(folded, REQUIRED_OPSET);
        List<CalibrationMethod> methods = options.initialMethods().isEmpty()
                ? List.of(config.calibrationMethod()) : options.initialMethods();
        long start = System.nanoTime();
        List<QdqLayout> layouts = new ArrayList<>();
        try (ModelCalibrator calibrator = ModelCalibrators.get(CALIBRATOR)) {
            for (CalibrationMethod method : methods) {
                QuantizationConfig calibrated = config.toBuilder().calibrationMethod(method).build();
                layouts.add(StaticQdqQuantizer.layout(folded, QuantizationContext.calibratedBy(calibrated,
                        new ApiTensorCalibration(calibrator, calibrated, calibration,
                                Math.min(64, calibration.size()), options.training().threads(), listener))));
            }
        }
        Duration calibrationTime = Duration.ofNanos(System.nanoTime() - start);
        LOG.info("Initial ranges of {} activation groups calibrated ({}) on {} samples in {} ms; {} weights quantized",
                layouts.get(0).activations().size(), methods, calibration.size(), calibrationTime.toMillis(),
                layouts.get(0).weights().size());

        TrainingLoop.seededEngine(options.training());
        Model djl = Model.newInstance("qat", Device.cpu(), TorchRuntime.ENGINE);
        try {
            QatGraph block = new QatGraph(model, layouts.get(0), options.rangeMode(), options.averagingConstant(),
                    djl.getNDManager());
            djl.setBlock(block);
            int batch = options.training().evaluationBatchSize();
            block.setFakeQuantization(false);
            double floatAccuracy = TrainedModel.accuracy(block, djl.getNDManager(), validation, batch);
            block.setFakeQuantization(true);
            int chosen = 0;
            double calibratedAccuracy = -1;
            for (int i = 0; i < layouts.size(); i++) {
                block.resetActivationRanges(layouts.get(i));
                double accuracy = TrainedModel.accuracy(block, djl.getNDManager(), validation, batch);
                LOG.info(String.format(Locale.ROOT, "Simulated INT8 with %s ranges: validation accuracy %.4f",
                        methods.get(i).id(), accuracy));
                if (accuracy > calibratedAccuracy) {
                    calibratedAccuracy = accuracy;
                    chosen = i;
                }
            }
            block.resetActivationRanges(layouts.get(chosen));
            CalibrationMethod initialMethod = methods.get(chosen);
            LOG.info(String.format(Locale.ROOT, "Before QAT: validation accuracy %.4f float, %.4f simulated INT8 with"
                    + " %s ranges", floatAccuracy, calibratedAccuracy, initialMethod.id()));
            int[] sample = train.sampleShape();
            TrainingLoop.Outcome outcome = TrainingLoop.run(djl, new Shape(1, sample[0], sample[1], sample[2]), train,
                    validation, options.training(), epoch -> {
                        if (options.freezeBatchNormAfter() > 0 && epoch > options.freezeBatchNormAfter()
                                && !block.batchNormFrozen()) {
                            LOG.info("Epoch {}: batch-norm statistics frozen", epoch);
                            block.setBatchNormFrozen(true);
                        }
                        if (options.freezeObserversAfter() > 0 && epoch > options.freezeObserversAfter()
                                && !block.observersFrozen()) {
                            LOG.info("Epoch {}: activation ranges frozen", epoch);
                            block.setObserversFrozen(true);
                        }
                    }, OptionalDouble.of(calibratedAccuracy),
                    Math.max(options.freezeBatchNormAfter(), options.freezeObserversAfter()), listener);
            return new QatModel(djl, block, model, config, calibration, options, outcome, calibrationTime,
                    floatAccuracy, calibratedAccuracy, initialMethod);
        } catch (RuntimeException | Error e) {
            djl.close();
            throw e;
        }
    }
}
