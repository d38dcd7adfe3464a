package org.quant4j.qat.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;
import org.quant4j.api.ModelException;
import org.quant4j.qat.TinyModels;

class FiniteGradientsTest {

    @Test
    void aNonFiniteGradientIsFoundAndDiscarded() {
        TrainingLoop.seededEngine(TrainingOptions.builder().build());
        SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(3).build())
                .add(BatchNorm.builder().build());
        try (Model model = Model.newInstance("finite"); NDManager scope = model.getNDManager().newSubManager()) {
            model.setBlock(block);
            block.initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, new Shape(4, 2));
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    p.getValue().getArray().setRequiresGradient(true);
                }
            }
            NDArray x = scope.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(4, 2));
            try (GradientCollector collector = model.getNDManager().getEngine().newGradientCollector()) {
                NDArray y = block.forward(new ParameterStore(scope, false), new NDList(x), true).singletonOrThrow();
                collector.backward(y.square().sum());
            }
            assertTrue(FiniteGradients.allFinite(block, scope));
            assertTrue(FiniteGradients.statisticsFinite(block, scope));

            NDArray weight = block.getChildren().get(0).getValue().getParameters().get("weight").getArray();
            NDArray gradient = weight.getGradient();
            gradient.attach(scope);
            float[] poisoned = gradient.toFloatArray();
            poisoned[1] = Float.NaN;
            gradient.set(FloatBuffer.wrap(poisoned));
            assertFalse(FiniteGradients.allFinite(block, scope));

            FiniteGradients.discard(block);
            assertTrue(FiniteGradients.allFinite(block, scope));
            NDArray cleared = weight.getGradient();
            cleared.attach(scope);
            assertArrayEquals(new float[6], cleared.toFloatArray());

            NDArray runningMean = block.getChildren().get(1).getValue().getParameters().get("runningMean").getArray();
            runningMean.set(FloatBuffer.wrap(new float[] {0, Float.POSITIVE_INFINITY, 0}));
            assertFalse(FiniteGradients.statisticsFinite(block, scope));
        }
    }

    @Test
    void aRunThatDivergesStopsWithAClearError() {
        // A learning rate of 1e8 sends the weights to infinity within a step or two, every attempt.
        TrainingOptions options = TinyModels.shortRun(5).epochs(1).stepSchedule(0, 100, 1f).learningRate(1e8f)
                .build();
        ModelException e = assertThrows(ModelException.class, () -> ClassifierTraining.train(TinyModels.resNet(),
                TinyModels.train(), TinyModels.test(), options).close());
        assertTrue(e.getMessage().contains("Training diverged at epoch 1, step ")
                && e.getMessage().contains("Lower the learning rate (now 1.0E8)"), e.getMessage());
    }
}
