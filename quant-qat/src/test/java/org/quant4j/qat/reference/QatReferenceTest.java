package org.quant4j.qat.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.onnxruntime.runtime.OptimizedOps;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.quant4j.qat.quantize.QatOptions;

/**
 * A short QAT run of the committed ResNet-style reference model end to end: PTQ baselines, QAT,
 * export, ONNX Runtime evaluation and the card. The exported model must reproduce the simulated-INT8
 * accuracy of the DJL model and run on integer kernels.
 */
class QatReferenceTest {

    private static final Path MODELS = ReferenceModelsTest.directory();

    @Test
    void shortQatOfTheResNetExportsAModelThatOnnxRuntimeRunsAsTrained(@TempDir Path dir) throws IOException {
        ReferenceModel model = ReferenceModel.RESNET;
        Files.copy(MODELS.resolve(model.modelFileName()), dir.resolve(model.modelFileName()));
        QatOptions options = QatReference.options(model).calibrationSamples(200).validationSamples(1000)
                .freezeBatchNormAfter(1).freezeObserversAfter(1)
                .training(QatOptions.defaultTraining().seed(ReferenceModel.SEED).epochs(2).maxStepsPerEpoch(15)
                        .build())
                .build();

        QatCard card = QatReference.run(model, options, FashionMnist.directory(), dir);

        Path qat = dir.resolve(model.qatModelFileName());
        assertTrue(Files.isRegularFile(qat));
        // The acceptance bound of the issue: ONNX Runtime reproduces the simulated accuracy within 0.3%.
        assertEquals(card.simulatedAccuracy(), card.qatAccuracy(), 0.003, card.markdown());
        // A few steps at a small learning rate from a 92.9% model cannot lose much.
        assertTrue(card.qatAccuracy() > card.floatAccuracy() - 0.02, card.markdown());
        assertEquals(4, card.ptqAccuracies().size());
        assertEquals(2, card.history().size());

        OptimizedOps ops = OptimizedOps.list(qat, RunnerOptions.defaults());
        assertTrue(ops.contains("QLinearConv"), ops.toString());
        assertFalse(ops.contains("Conv"), ops.toString());
        String markdown = Files.readString(dir.resolve(model.qatCardFileName()));
        assertTrue(markdown.contains(TrainReference.sha256(qat)), markdown);
        assertTrue(Files.readAllBytes(dir.resolve(model.modelFileName())).length > 0);
        assertEquals(Files.size(MODELS.resolve(model.modelFileName())), Files.size(dir.resolve(model.modelFileName())),
                "the FP32 input must not change");
    }
}
