package org.quant4j.qat.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.qat.TinyModels;
import org.quant4j.qat.model.ResNetStyle;

class ClassifierTrainingTest {

    @Test
    void aFewStepsLowerTheLoss() {
        // Constant learning rate (a step schedule with factor 1), so only learning changes the loss.
        TrainingOptions options = TinyModels.shortRun(15).epochs(3).stepSchedule(0, 100, 1f).learningRate(0.05f).build();
        try (TrainedModel m = ClassifierTraining.train(TinyModels.resNet(), TinyModels.train(), TinyModels.test(),
                options)) {
            double first = m.history().get(0).trainLoss();
            double last = m.history().get(2).trainLoss();
            // An untrained 10-class classifier starts near ln(10) = 2.30.
            assertTrue(first < 2.6, "first-epoch loss " + first);
            assertTrue(last < first - 0.2, "loss went from " + first + " to " + last);
            assertEquals(45, m.history().stream().mapToInt(EpochRecord::steps).sum());
            assertTrue(m.bestValidationAccuracy() > 0.3, "validation accuracy " + m.bestValidationAccuracy());
        }
    }

    @Test
    void sameSeedGivesTheSameTraining() {
        TrainingOptions options = TinyModels.shortRun(4).augmenter(new BatchAugmenter(2, true)).build();
        double[] firstRun = trainLosses(options);
        double[] secondRun = trainLosses(options);
        assertArrayEquals(firstRun, secondRun, 1e-6, Arrays.toString(firstRun) + " vs " + Arrays.toString(secondRun));
    }

    private static double[] trainLosses(TrainingOptions options) {
        try (TrainedModel m = ClassifierTraining.train(TinyModels.vgg(), TinyModels.train(), TinyModels.test(), options)) {
            return m.history().stream().mapToDouble(EpochRecord::trainLoss).toArray();
        }
    }

    @Test
    void snapshotRestoreBringsBackEveryParameterAndStatistic() {
        try (TrainedModel m = ClassifierTraining.train(TinyModels.resNet(), TinyModels.train(), TinyModels.test(),
                TinyModels.shortRun(2).build())) {
            Map<String, float[]> saved = TrainingLoop.snapshot(m.block());
            for (Pair<String, Parameter> p : m.block().getParameters()) {
                float[] zeros = new float[Math.toIntExact(p.getValue().getArray().size())];
                p.getValue().getArray().set(FloatBuffer.wrap(zeros));
            }
            assertNotEquals(saved.get(saved.keySet().iterator().next())[0],
                    m.block().getParameters().get(0).getValue().getArray().toFloatArray()[0]);
            TrainingLoop.restore(m.block(), saved);
            for (Pair<String, Parameter> p : m.block().getParameters()) {
                assertArrayEquals(saved.get(p.getKey()), p.getValue().getArray().toFloatArray(), p.getKey());
            }
        }
    }

    @Test
    void parameterCountOfTinyResNetIsTheHandCount() {
        // stem 1*4*9 + BN 8; block 4->4: 2 * (4*4*9 + 8); block 4->8 stride 2: 4*8*9 + 16 + 8*8*9 + 16 + 4*8 + 16;
        // linear 8*10 + 10.
        long expected = 36 + 8 + 2 * (144 + 8) + (288 + 16 + 576 + 16 + 32 + 16) + 90;
        try (TrainedModel m = ClassifierTraining.train(TinyModels.resNet(), TinyModels.train(), TinyModels.test(),
                TinyModels.shortRun(1).epochs(1).cosineSchedule(0, 0).build())) {
            assertEquals(expected, TrainingLoop.parameterCount(m.block()));
        }
    }

    @Test
    void imagesOfAnotherSizeAreRejected() {
        ResNetStyle big = ResNetStyle.builder().imageSize(32).build();
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ClassifierTraining.train(big,
                TinyModels.train(), TinyModels.test(), TinyModels.shortRun(1).build()));
        assertTrue(e.getMessage().contains("1x28x28") && e.getMessage().contains("1x32x32"), e.getMessage());
    }

    @Test
    void invalidOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> TrainingOptions.builder().epochs(0).build());
        assertThrows(IllegalArgumentException.class, () -> TrainingOptions.builder().momentum(1f).build());
        assertThrows(IllegalArgumentException.class,
                () -> TrainingOptions.builder().epochs(3).cosineSchedule(3, 0).build());
        assertThrows(IllegalArgumentException.class, () -> TrainingOptions.builder().timeBudgetSeconds(-1).build());
    }
}
