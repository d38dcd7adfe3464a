package org.quant4j.qat.reference;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.quant4j.api.InvalidInputException;
import org.quant4j.qat.model.Architecture;
import org.quant4j.qat.model.EfficientNetStyle;
import org.quant4j.qat.model.MbConvStage;
import org.quant4j.qat.model.ResNetStyle;
import org.quant4j.qat.model.VggStyle;
import org.quant4j.qat.train.BatchAugmenter;
import org.quant4j.qat.train.OptimizerKind;
import org.quant4j.qat.train.TrainingOptions;

/**
 * The three reference models of quant4j, trained on Fashion-MNIST: the recipe (architecture and
 * training options) of each, and where its ONNX file and model card live in {@link #DIRECTORY}.
 * The sizes were chosen so that each trains in under 15 minutes on 2 CPU cores.
 */
public enum ReferenceModel {

    /** ResNet-style, widths 16-32-64, two basic blocks per stage. */
    RESNET("resnet", 0.925,
            ResNetStyle.builder().stemWidth(16).widths(16, 32, 64).blocksPerStage(2).build(),
            () -> TrainingOptions.builder().epochs(10).optimizer(OptimizerKind.SGD_MOMENTUM).learningRate(0.1f)
                    .weightDecay(5e-4f).cosineSchedule(1, 0).patience(4)),
    /** VGG-style, widths 24-48-96, two Conv-BN-ReLU per stage, hidden layer of 256. */
    VGG("vgg", 0.925,
            VggStyle.builder().widths(24, 48, 96).convsPerStage(2).batchNorm(true).hiddenUnits(256).dropout(0.2f)
                    .build(),
            () -> TrainingOptions.builder().epochs(10).optimizer(OptimizerKind.SGD_MOMENTUM).learningRate(0.05f)
                    .weightDecay(5e-4f).cosineSchedule(1, 0).patience(4)),
    /** EfficientNet-style, stride-2 stem, four MBConv stages with squeeze-and-excitation. */
    EFFICIENTNET("efficientnet", 0.915,
            EfficientNetStyle.builder().stemWidth(24).stemStride(2)
                    .stages(List.of(new MbConvStage(1, 3, 1, 24, 1), new MbConvStage(4, 3, 2, 40, 2),
                            new MbConvStage(4, 3, 1, 64, 2), new MbConvStage(4, 3, 2, 96, 1)))
                    .headWidth(256).dropout(0.1f).build(),
            () -> TrainingOptions.builder().epochs(9).optimizer(OptimizerKind.SGD_MOMENTUM).learningRate(0.1f)
                    .weightDecay(5e-4f).cosineSchedule(1, 0).patience(4).augmenter(new BatchAugmenter(2, false)));

    /** Folder of the committed models and cards, relative to the repository root. */
    public static final String DIRECTORY = "models/reference";
    /** Seed of every reference run. */
    public static final long SEED = 42;
    /** Images of the class-stratified validation split taken from the 60,000 training images. */
    public static final int VALIDATION_SIZE = 5000;
    /** Wall-clock budget of one training run: no epoch starts that would end after it. */
    public static final double TIME_BUDGET_SECONDS = 14 * 60;

    private final String id;
    private final double target;
    private final Architecture architecture;
    private final Supplier<TrainingOptions.Builder> options;

    ReferenceModel(String id, double target, Architecture architecture, Supplier<TrainingOptions.Builder> options) {
        this.id = id;
        this.target = target;
        this.architecture = architecture;
        this.options = options;
    }

    /** The short name used on the command line and in file names. */
    public String id() {
        return id;
    }

    /** The test accuracy the model is required to reach. */
    public double targetAccuracy() {
        return target;
    }

    public Architecture architecture() {
        return architecture;
    }

    /** The training options of the reference run: seed {@link #SEED}, 2 threads, the time budget. */
    public TrainingOptions options() {
        return options.get().seed(SEED).threads(2).timeBudgetSeconds(TIME_BUDGET_SECONDS).build();
    }

    /** File name of the ONNX model, e.g. {@code fashion-resnet.onnx}. */
    public String modelFileName() {
        return "fashion-" + id + ".onnx";
    }

    /** File name of the quantization-aware-trained INT8 model, e.g. {@code fashion-resnet-qat.onnx}. */
    public String qatModelFileName() {
        return "fashion-" + id + "-qat.onnx";
    }

    /** File name of the card of the QAT model, e.g. {@code fashion-resnet-qat.md}. */
    public String qatCardFileName() {
        return "fashion-" + id + "-qat.md";
    }

    /** File name of the model card, e.g. {@code fashion-resnet.md}. */
    public String cardFileName() {
        return "fashion-" + id + ".md";
    }

    /**
     * The reference model called {@code id} (case-insensitive).
     *
     * @throws InvalidInputException naming the known ids when none matches
     */
    public static ReferenceModel byId(String id) {
        for (ReferenceModel m : values()) {
            if (m.id.equalsIgnoreCase(id.trim())) {
                return m;
            }
        }
        throw new InvalidInputException("Unknown reference model '" + id + "'; choose one of "
                + Arrays.stream(values()).map(ReferenceModel::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id.toUpperCase(Locale.ROOT);
    }
}
