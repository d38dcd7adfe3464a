package org.quant4j.qat.train;

import ai.djl.Device;
import ai.djl.Model;
import java.util.Locale;
import org.quant4j.api.InvalidInputException;
import org.quant4j.qat.model.Architecture;

/**
 * Trains an {@link Architecture} as an image classifier from scratch with softmax cross-entropy on
 * the DJL PyTorch engine ({@link TrainingLoop}). Reproducible: the engine seed fixes the
 * initialisation (He-normal weights) and dropout, and the same seed fixes the order of the data and
 * the augmentation.
 */
public final class ClassifierTraining {

    private ClassifierTraining() {
    }

    /**
     * Trains a new block of {@code architecture} on {@code train}, choosing the epoch by its
     * accuracy on {@code validation}.
     *
     * @throws InvalidInputException when the images do not fit the architecture
     */
    public static TrainedModel train(Architecture architecture, InMemoryImages train, InMemoryImages validation,
            TrainingOptions options) {
        checkFits(architecture, train, "training");
        checkFits(architecture, validation, "validation");
        TrainingLoop.seededEngine(options);
        Model model = Model.newInstance(architecture.family().name().toLowerCase(Locale.ROOT), Device.cpu(),
                TorchRuntime.ENGINE);
        try {
            model.setBlock(architecture.newBlock());
            TrainingLoop.Outcome outcome = TrainingLoop.run(model, architecture.inputShape(1), train, validation,
                    options, TrainingLoop.EpochHook.NONE);
            return new TrainedModel(model, architecture, options, outcome.history(), outcome.bestEpoch(),
                    outcome.seconds());
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    private static void checkFits(Architecture architecture, InMemoryImages images, String role) {
        int[] shape = images.sampleShape();
        if (shape[0] != architecture.inputChannels() || shape[1] != architecture.imageSize()
                || shape[2] != architecture.imageSize()) {
            throw new InvalidInputException("The " + role + " images are " + shape[0] + "x" + shape[1] + "x" + shape[2]
                    + " but the architecture takes " + architecture.inputChannels() + "x" + architecture.imageSize()
                    + "x" + architecture.imageSize() + "; resize the data or build the architecture for its size");
        }
        if (images.numClasses() > architecture.numClasses()) {
            throw new InvalidInputException("The " + role + " images have " + images.numClasses()
                    + " classes but the architecture outputs " + architecture.numClasses()
                    + "; build it with numClasses(" + images.numClasses() + ")");
        }
        if (images.size() == 0) {
            throw new InvalidInputException("The " + role + " set is empty");
        }
    }
}
