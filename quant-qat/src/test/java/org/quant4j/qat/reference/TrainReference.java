package org.quant4j.qat.reference;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.evaluate.EvaluationRequest;
import org.quant4j.api.evaluate.EvaluationResult;
import org.quant4j.api.io.AtomicFiles;
import org.quant4j.api.platform.CpuFeatures;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.calibration.sampling.Subset;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.runtime.OrtEvaluator;
import org.quant4j.onnxruntime.runtime.OrtRuntime;
import org.quant4j.qat.cost.ModelCost;
import org.quant4j.qat.export.OnnxExporter;
import org.quant4j.qat.model.Architecture;
import org.quant4j.qat.train.ClassifierTraining;
import org.quant4j.qat.train.InMemoryImages;
import org.quant4j.qat.train.TrainedModel;
import org.quant4j.qat.train.TrainingOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one {@link ReferenceModel} on Fashion-MNIST, exports it to ONNX, measures it on the test set
 * with ONNX Runtime and writes the model and its card. Usage:
 * {@code TrainReference <resnet|vgg|efficientnet> [output directory]}; the directory defaults to
 * {@value ReferenceModel#DIRECTORY}. Fashion-MNIST is read from {@link FashionMnist#directory()}.
 */
public final class TrainReference {

    private static final Logger LOG = LoggerFactory.getLogger(TrainReference.class);
    /** Batch size of the ONNX Runtime test evaluation. */
    static final int EVALUATION_BATCH = 256;

    private TrainReference() {
    }

    /** Command-line entry point. */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            throw new InvalidInputException("Usage: TrainReference <resnet|vgg|efficientnet> [output directory];"
                    + " e.g. " + ModelCard.RETRAIN_COMMAND.replace("ID", "resnet"));
        }
        Path out = Path.of(args.length == 2 ? args[1] : ReferenceModel.DIRECTORY);
        ModelCard card = run(ReferenceModel.byId(args[0]), FashionMnist.directory(), out);
        LOG.info("{}: test accuracy {} (target {}), {} parameters, {} MACs, trained in {} s", card.model().id(),
                String.format(Locale.ROOT, "%.4f", card.testAccuracy()), card.model().targetAccuracy(),
                card.parameters(), card.macs(), Math.round(card.seconds()));
    }

    /**
     * Trains {@code model} on the Fashion-MNIST files in {@code dataDirectory} and writes its ONNX
     * file and card into {@code outputDirectory}.
     *
     * @throws InvalidInputException when the dataset is missing (naming the Debian package to install)
     */
    public static ModelCard run(ReferenceModel model, Path dataDirectory, Path outputDirectory) {
        return run(model, model.architecture(), model.options(), dataDirectory, outputDirectory);
    }

    /** {@link #run(ReferenceModel, Path, Path)} with another architecture and options, for short test runs. */
    static ModelCard run(ReferenceModel model, Architecture architecture, TrainingOptions options, Path dataDirectory,
            Path outputDirectory) {
        Dataset train = FashionMnist.train(dataDirectory);
        Dataset test = FashionMnist.test(dataDirectory);
        Subset validation = CalibrationSampler.stratified(train, ReferenceModel.VALIDATION_SIZE, ReferenceModel.SEED);
        Subset training = Subset.complement(train, validation);
        LOG.info("Reference model {}: {} training and {} validation images ({})", model.id(), training.size(),
                validation.size(), validation.selection());
        Path onnx = outputDirectory.resolve(model.modelFileName());
        double djlAccuracy;
        try (TrainedModel trained = ClassifierTraining.train(architecture, InMemoryImages.of(training),
                InMemoryImages.of(validation), options)) {
            djlAccuracy = trained.accuracy(InMemoryImages.of(test));
            OnnxModel exported = OnnxExporter.export(trained.block(), architecture, "fashion_" + model.id());
            exported.write(onnx);
            EvaluationResult result = evaluate(onnx, test);
            int correct = (int) Math.round(result.top1() * test.size());
            ModelCost cost = ModelCost.of(exported);
            String data = "Fashion-MNIST (Debian package dataset-fashion-mnist): " + training.size()
                    + " training images, " + validation.size() + " validation images drawn class-stratified from the"
                    + " 60,000 training images (seed " + ReferenceModel.SEED + "), " + test.size() + " test images";
            ModelCard card = new ModelCard(model, architecture.describe(), cost.parameters(), cost.macs(),
                    correct, test.size(), djlAccuracy, trained.history(), trained.bestEpoch(), trained.seconds(),
                    options.toString(), data, machine(), sha256(onnx), size(onnx));
            AtomicFiles.writeString(outputDirectory.resolve(model.cardFileName()), "model card", card.markdown());
            LOG.info("Wrote {} and {}", onnx, outputDirectory.resolve(model.cardFileName()));
            return card;
        }
    }

    /** Top-1 accuracy of an ONNX classifier on {@code data}, on ONNX Runtime with 2 threads. */
    public static EvaluationResult evaluate(Path onnx, Dataset data) {
        try (OrtEvaluator evaluator = new OrtEvaluator()) {
            return evaluator.evaluate(EvaluationRequest.builder().model(onnx).data(data).batchSize(EVALUATION_BATCH)
                    .topK(1).threads(2).build());
        }
    }

    static Map<String, String> machine() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("machine", CpuFeatures.host().model() + ", " + Runtime.getRuntime().availableProcessors() + " cores visible to the JVM, "
                + memoryGiB() + " GiB, " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("cpu for int8", CpuFeatures.host().int8Kind() + " (" + CpuFeatures.host().int8Flags() + ")");
        m.put("software", "Java " + System.getProperty("java.version") + ", DJL " + Engine.getDjlVersion()
                + ", PyTorch " + Engine.getEngine("PyTorch").getVersion() + " (CPU), ONNX Runtime "
                + OrtRuntime.version());
        return m;
    }

    private static String memoryGiB() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Long.toString(Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024)));
        }
        return "?";
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read the size of " + file + ": " + e.getMessage(), e);
        }
    }

    static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
