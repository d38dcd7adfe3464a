package org.quant4j.qat.reference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.io.AtomicFiles;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.calibration.sampling.Subset;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.quantize.OnnxRuntimeQuantizer;
import org.quant4j.onnxruntime.runtime.OptimizedOps;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.quant4j.qat.quantize.QatModel;
import org.quant4j.qat.quantize.QatOptions;
import org.quant4j.qat.quantize.QuantizationAwareTraining;
import org.quant4j.qat.train.InMemoryImages;
import org.quant4j.qat.train.TrainingOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quantization-aware training of one committed {@link ReferenceModel}: fine-tunes its FP32 ONNX file
 * with simulated INT8 on the same training/validation split it was trained on, exports the INT8 QDQ
 * model, and measures it on the Fashion-MNIST test set with ONNX Runtime next to the FP32 model and
 * static per-channel PTQ with each calibration method. Usage:
 * {@code QatReference <resnet|vgg|efficientnet> [model directory]}; writes
 * {@link ReferenceModel#qatModelFileName()} and {@link ReferenceModel#qatCardFileName()} there.
 */
public final class QatReference {

    private static final Logger LOG = LoggerFactory.getLogger(QatReference.class);
    /** Wall-clock budget of the QAT epochs: no epoch starts that would end after it. */
    public static final double TIME_BUDGET_SECONDS = 17 * 60;
    /** Calibration samples of the PTQ baselines and of the initial QAT ranges. */
    static final int CALIBRATION_SAMPLES = 500;

    private QatReference() {
    }

    /** Command-line entry point. */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            throw new InvalidInputException("Usage: QatReference <resnet|vgg|efficientnet> [model directory]; e.g. "
                    + QatCard.COMMAND.replace("ID", "resnet"));
        }
        ReferenceModel model = ReferenceModel.byId(args[0]);
        Path dir = Path.of(args.length == 2 ? args[1] : ReferenceModel.DIRECTORY);
        QatCard card = run(model, options(model).build(), FashionMnist.directory(), dir);
        LOG.info(String.format(Locale.ROOT, "%s: FP32 %.4f, best PTQ %.4f (%s), QAT %.4f (DJL %.4f) in %.0f s",
                model.id(), card.floatAccuracy(), card.bestPtq().getValue(), card.bestPtq().getKey(),
                card.qatAccuracy(), card.simulatedAccuracy(), card.qatSeconds()));
    }

    /**
     * The QAT options of a reference model: the defaults with its augmentation, seed, 2 threads, and
     * the start chosen on validation among the four calibration methods.
     */
    public static QatOptions.Builder options(ReferenceModel model) {
        TrainingOptions reference = model.options();
        return QatOptions.builder().training(QatOptions.defaultTraining().seed(ReferenceModel.SEED).threads(2)
                .augmenter(reference.augmenter()).timeBudgetSeconds(TIME_BUDGET_SECONDS).build())
                .initialMethods(CalibrationMethod.MIN_MAX, CalibrationMethod.ENTROPY, CalibrationMethod.PERCENTILE,
                        CalibrationMethod.MSE);
    }

    /** Runs QAT of {@code model} (read from {@code directory}) and writes the INT8 model and its card there. */
    public static QatCard run(ReferenceModel model, QatOptions options, Path dataDirectory, Path directory) {
        Path fp32 = directory.resolve(model.modelFileName());
        if (!Files.isRegularFile(fp32)) {
            throw new InvalidInputException("Reference model " + fp32 + " is missing; train it first: "
                    + ModelCard.RETRAIN_COMMAND.replace("ID", model.id()));
        }
        Dataset train = FashionMnist.train(dataDirectory);
        Dataset test = FashionMnist.test(dataDirectory);
        Subset validation = CalibrationSampler.stratified(train, options.validationSamples(), ReferenceModel.SEED);
        Subset training = Subset.complement(train, validation);
        Subset calibration = CalibrationSampler.stratified(training, options.calibrationSamples(), ReferenceModel.SEED);
        QuantizationConfig config = QuantizationConfig.builder().mode(QuantizationMode.STATIC).perChannel(true)
                .calibrationMethod(CalibrationMethod.MIN_MAX).seed(ReferenceModel.SEED).build();

        double floatAccuracy = TrainReference.evaluate(fp32, test).top1();
        Map<String, Double> ptq = ptqAccuracies(fp32, calibration, test, config);
        LOG.info("{}: FP32 test accuracy {}, static per-channel PTQ {}", model.id(), floatAccuracy, ptq);

        long start = System.nanoTime();
        InMemoryImages testImages = InMemoryImages.of(test);
        Path out = directory.resolve(model.qatModelFileName());
        try (QatModel qat = QuantizationAwareTraining.train(OnnxModel.read(fp32), InMemoryImages.of(training),
                InMemoryImages.of(validation), calibration, config, options, ProgressListener.NONE)) {
            QatModel.Export export = qat.export();
            double seconds = (System.nanoTime() - start) / 1e9;
            export.model().write(out);
            double simulated = qat.accuracy(testImages);
            double qatAccuracy = TrainReference.evaluate(out, test).top1();
            String operators = new TreeMap<>(OptimizedOps.list(out, RunnerOptions.defaults()).counts()).toString();
            QatCard card = new QatCard(model, floatAccuracy, ptq, simulated, qatAccuracy, test.size(),
                    qat.floatValidationAccuracy(), qat.calibratedValidationAccuracy(), qat.initialMethod().id(),
                    qat.history(), qat.bestEpoch(),
                    seconds, options.toString(), TrainReference.machine(), TrainReference.sha256(out),
                    TrainReference.size(out), operators);
            AtomicFiles.writeString(directory.resolve(model.qatCardFileName()), "QAT model card", card.markdown());
            LOG.info("Wrote {} and {}", out, directory.resolve(model.qatCardFileName()));
            return card;
        }
    }

    /** Test accuracy of static per-channel PTQ of {@code fp32} with each calibration method but none. */
    static Map<String, Double> ptqAccuracies(Path fp32, Dataset calibration, Dataset test, QuantizationConfig base) {
        Map<String, Double> accuracies = new LinkedHashMap<>();
        try (OnnxRuntimeQuantizer quantizer = new OnnxRuntimeQuantizer()) {
            for (CalibrationMethod method : new CalibrationMethod[] {CalibrationMethod.MIN_MAX,
                CalibrationMethod.ENTROPY, CalibrationMethod.PERCENTILE, CalibrationMethod.MSE}) {
                Path out = tempFile(method.id());
                try {
                    quantizer.quantize(QuantizationRequest.builder().model(fp32).output(out).overwriteOutput(true)
                            .config(base.toBuilder().calibrationMethod(method).build()).calibrationData(calibration)
                            .batchSize(64).threads(2).build());
                    accuracies.put(method.id(), TrainReference.evaluate(out, test).top1());
                } finally {
                    deleteQuietly(out);
                }
            }
        }
        return accuracies;
    }

    private static Path tempFile(String method) {
        try {
            return Files.createTempFile("quant4j-ptq-" + method, ".onnx");
        } catch (java.io.IOException e) {
            throw new InvalidInputException("Cannot create a temporary file: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
            LOG.warn("Could not delete temporary file {}: {}", file, e.getMessage());
        }
    }
}
