package org.quant4j.qat;

import java.util.List;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.qat.export.OnnxExporter;
import org.quant4j.qat.train.ClassifierTraining;
import org.quant4j.qat.train.TrainedModel;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.qat.model.Architecture;
import org.quant4j.qat.model.EfficientNetStyle;
import org.quant4j.qat.model.MbConvStage;
import org.quant4j.qat.model.ResNetStyle;
import org.quant4j.qat.model.VggStyle;
import org.quant4j.qat.train.BatchAugmenter;
import org.quant4j.qat.train.InMemoryImages;
import org.quant4j.qat.train.TrainingOptions;

/** Tiny models of each family and a small slice of Fashion-MNIST, for fast tests. */
public final class TinyModels {

    private static InMemoryImages train;
    private static InMemoryImages test;
    private static OnnxModel exportedResNet;

    private TinyModels() {
    }

    /** ResNet with widths 4-8, one block per stage: an identity and a projection shortcut. */
    public static ResNetStyle resNet() {
        return ResNetStyle.builder().stemWidth(4).widths(4, 8).blocksPerStage(1).build();
    }

    /** VGG with widths 4-8 and a hidden layer of 16. */
    public static VggStyle vgg() {
        return VggStyle.builder().widths(4, 8).convsPerStage(1).hiddenUnits(16).build();
    }

    /** EfficientNet with an unexpanded block, a strided block and a residual block. */
    public static EfficientNetStyle efficientNet() {
        return EfficientNetStyle.builder().stemWidth(8).stemStride(2)
                .stages(List.of(new MbConvStage(1, 3, 1, 8, 1), new MbConvStage(2, 3, 2, 12, 2)))
                .headWidth(16).build();
    }

    /** The three tiny models. */
    public static List<Architecture> all() {
        return List.of(resNet(), vgg(), efficientNet());
    }

    /**
     * The tiny ResNet after a few training steps (batch-norm statistics away from 0 and 1), exported
     * to ONNX: Conv-BN-Relu, residual Adds with identity and projection shortcuts, global average
     * pooling, Flatten and Gemm.
     */
    public static synchronized OnnxModel exportedResNet() {
        if (exportedResNet == null) {
            try (TrainedModel trained = ClassifierTraining.train(resNet(), train(), test(), shortRun(5).build())) {
                exportedResNet = OnnxExporter.export(trained.block(), resNet(), "tiny_resnet");
            }
        }
        return exportedResNet;
    }

    /** 1000 training images, class-stratified, seed 1. */
    public static synchronized InMemoryImages train() {
        if (train == null) {
            train = InMemoryImages.of(CalibrationSampler.stratified(FashionMnist.train(), 1000, 1));
        }
        return train;
    }

    /** 200 test images, class-stratified, seed 2. */
    public static synchronized InMemoryImages test() {
        if (test == null) {
            test = InMemoryImages.of(CalibrationSampler.stratified(FashionMnist.test(), 200, 2));
        }
        return test;
    }

    /** A few steps of SGD without augmentation or warm-up. */
    public static TrainingOptions.Builder shortRun(int steps) {
        return TrainingOptions.builder().seed(7).epochs(2).batchSize(32).maxStepsPerEpoch(steps).cosineSchedule(0, 0)
                .learningRate(0.05f).augmenter(BatchAugmenter.NONE).patience(0);
    }
}
