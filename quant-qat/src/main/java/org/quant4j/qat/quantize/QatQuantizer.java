package org.quant4j.qat.quantize;

import ai.djl.engine.Engine;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.Provenance;
import org.quant4j.api.Quant4jVersion;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.calibration.sampling.Subset;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.qat.train.InMemoryImages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code "qat"} quantizer: quantization-aware training of a float ONNX classifier
 * ({@link QuantizationAwareTraining}) on the request's data, which must be labelled training images
 * (the request's calibration data), then export to a static INT8 QDQ model written atomically. A
 * class-stratified, seeded part of the data ({@link QatOptions#validationSamples()}, at most a tenth)
 * is held out to choose the epoch, and {@link QatOptions#calibrationSamples()} of the rest give the
 * initial ranges with the config's calibration method; the config's seed seeds all of it. The input
 * file is never modified.
 */
public final class QatQuantizer implements Quantizer {

    /** The provider name. */
    public static final String NAME = "qat";

    private static final Logger LOG = LoggerFactory.getLogger(QatQuantizer.class);

    private final QatOptions options;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A quantizer with the default QAT schedule. */
    public QatQuantizer() {
        this(QatOptions.defaults());
    }

    public QatQuantizer(QatOptions options) {
        this.options = options;
    }

    @Override
    public String name() {
        return NAME;
    }

    public QatOptions options() {
        return options;
    }

    @Override
    public QuantizationResult quantize(QuantizationRequest request) {
        if (closed.get()) {
            throw new IllegalStateException("QatQuantizer is closed");
        }
        long start = System.nanoTime();
        QuantizationConfig config = request.config();
        if (config.mode() != QuantizationMode.STATIC) {
            throw new InvalidInputException("Quantization-aware training produces a static INT8 model; mode "
                    + config.mode() + " is not available in the " + NAME + " quantizer: use static mode");
        }
        Dataset data = request.calibrationData().orElseThrow(() -> new InvalidInputException(
                "Quantization-aware training needs labelled training images: give them as the request's calibration"
                        + " data (e.g. the training set of the model)"));
        if (data.numClasses() <= 0) {
            throw new InvalidInputException("Quantization-aware training needs labelled images, but " + data
                    + " has no labels: give a labelled dataset (IDX with a labels file, an image folder with one"
                    + " folder per class, CIFAR)");
        }
        request.checkOutput();
        OnnxModel model = OnnxModel.read(request.model());
        // The request's seed decides the split, the samples, the data order and the initialisation.
        long seed = config.seed();
        QatOptions options = this.options.toBuilder()
                .training(this.options.training().toBuilder().seed(seed).build()).build();
        int validationSize = Math.min(options.validationSamples(), Math.max(1, data.size() / 10));
        if (data.size() - validationSize < 1) {
            throw new InvalidInputException(data + " holds " + data.size() + " images; quantization-aware training"
                    + " needs at least 2 (one to train on, one to validate)");
        }
        Subset validation = CalibrationSampler.stratified(data, validationSize, seed);
        Subset training = Subset.complement(data, validation);
        Subset calibration = CalibrationSampler.stratified(training,
                Math.min(options.calibrationSamples(), training.size()), seed);
        LOG.info("QAT of {}: {} training, {} validation and {} calibration images; {}", request.model(),
                training.size(), validation.size(), calibration.size(), options);
        QatModel.Export export;
        Duration calibrationTime;
        String initialMethod;
        try (QatModel qat = QuantizationAwareTraining.train(model, InMemoryImages.of(training),
                InMemoryImages.of(validation), calibration, config, options, request.listener())) {
            export = qat.export();
            calibrationTime = qat.calibrationTime();
            initialMethod = qat.initialMethod().id();
        }
        // Published exclusively unless replacing is allowed: a file that appeared at the output while
        // this run trained (another run's) is never replaced.
        export.model().write(request.outputTarget());
        QuantizationResult.Builder b = QuantizationResult.builder().files(request.model(), request.output())
                .mode(config.mode()).calibrationTime(calibrationTime)
                .totalTime(Duration.ofNanos(System.nanoTime() - start))
                .provenance(Provenance.builder().quantization(NAME, config).tool("quant4j", Quant4jVersion.get())
                        .backend("djl-pytorch", Engine.getDjlVersion())
                        .calibration(initialMethod, calibration.fingerprint())
                        .put("qat.options", options.toString())
                        .put("qat.trainingData", training.fingerprint())
                        .seed(seed).platform().build());
        export.decisions().forEach(b::decision);
        export.ranges().forEach(b::range);
        return b.build();
    }

    @Override
    public void close() {
        closed.set(true);
    }

    @Override
    public String toString() {
        return "QatQuantizer[" + options + (closed.get() ? ", closed" : "") + "]";
    }
}
