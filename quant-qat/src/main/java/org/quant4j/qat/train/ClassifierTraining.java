package org.quant4j.qat.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.quant4j.api.InvalidInputException;
import org.quant4j.qat.model.Architecture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains an {@link Architecture} as an image classifier with softmax cross-entropy on the DJL
 * PyTorch engine. Reproducible: the engine seed fixes the initialisation (He-normal weights) and
 * dropout, and a {@link SplittableRandom} of the same seed fixes the order of the data and the
 * augmentation. Each epoch shuffles the training images, augments every batch on the engine
 * ({@link BatchAugmenter}), takes one optimizer step per batch, then measures the validation
 * accuracy and logs the epoch. The parameters of the best validation epoch are kept and restored
 * at the end; training stops early after {@link TrainingOptions#patience()} epochs without
 * improvement.
 */
public final class ClassifierTraining {

    private static final Logger LOG = LoggerFactory.getLogger(ClassifierTraining.class);

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
        Engine engine = TorchRuntime.engine(options.threads());
        // The engine takes an int seed; fold the long so that every bit of it counts.
        engine.setRandomSeed((int) (options.seed() ^ (options.seed() >>> 32)));
        SplittableRandom random = new SplittableRandom(options.seed());
        int fullSteps = (train.size() + options.batchSize() - 1) / options.batchSize();
        int stepsPerEpoch = options.maxStepsPerEpoch() > 0 ? Math.min(fullSteps, options.maxStepsPerEpoch()) : fullSteps;
        LearningRateSchedule schedule = options.learningRateSchedule(stepsPerEpoch);

        Model model = Model.newInstance(architecture.family().name().toLowerCase(Locale.ROOT), Device.cpu(),
                TorchRuntime.ENGINE);
        try {
            model.setBlock(architecture.newBlock());
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(optimizer(options, schedule))
                    .optDevices(new Device[] {Device.cpu()})
                    .optInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                            XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
            List<EpochRecord> history = new ArrayList<>();
            int bestEpoch;
            long start = System.nanoTime();
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(architecture.inputShape(1));
                LOG.info("Training {} ({} parameters) on {} images, validating on {}: {}; schedule {}",
                        architecture.describe(), parameterCount(model.getBlock()), train.size(), validation.size(),
                        options, schedule);
                bestEpoch = runEpochs(trainer, model, train, validation, options, stepsPerEpoch, schedule, random,
                        history);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            LOG.info("Training finished after {} epochs in {} s; best validation accuracy {} at epoch {}",
                    history.size(), String.format(Locale.ROOT, "%.1f", seconds),
                    String.format(Locale.ROOT, "%.4f", history.get(bestEpoch - 1).validationAccuracy()), bestEpoch);
            return new TrainedModel(model, architecture, options, history, bestEpoch, seconds);
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    private static int runEpochs(Trainer trainer, Model model, InMemoryImages train, InMemoryImages validation,
            TrainingOptions options, int stepsPerEpoch, LearningRateSchedule schedule, SplittableRandom random,
            List<EpochRecord> history) {
        Block block = model.getBlock();
        int[] order = train.allIndices();
        Map<String, float[]> best = null;
        int bestEpoch = 0;
        double bestAccuracy = -1;
        int step = 0;
        long start = System.nanoTime();
        for (int epoch = 1; epoch <= options.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            if (options.timeBudgetSeconds() > 0 && !history.isEmpty()) {
                double spent = (epochStart - start) / 1e9;
                double next = history.get(history.size() - 1).seconds();
                if (spent + next > options.timeBudgetSeconds()) {
                    LOG.warn("Stopping before epoch {}: {} s spent and an epoch takes about {} s, over the budget of"
                            + " {} s", epoch, Math.round(spent), Math.round(next), options.timeBudgetSeconds());
                    break;
                }
            }
            shuffle(order, random);
            double lossSum = 0;
            long correct = 0;
            int seen = 0;
            for (int s = 0; s < stepsPerEpoch; s++) {
                int from = s * options.batchSize();
                int to = Math.min(order.length, from + options.batchSize());
                try (NDManager scope = trainer.getManager().newSubManager()) {
                    NDArray x = train.images(scope, order, from, to);
                    if (!options.augmenter().isIdentity()) {
                        x = options.augmenter().apply(x, random);
                    }
                    NDArray y = train.labels(scope, order, from, to);
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                        NDArray loss = trainer.getLoss().evaluate(new NDList(y), new NDList(logits));
                        collector.backward(loss);
                        lossSum += loss.getFloat() * (to - from);
                        correct += TrainedModel.countCorrect(logits, y);
                    }
                    trainer.step();
                }
                seen += to - from;
                step++;
            }
            double validationAccuracy = TrainedModel.accuracy(block, model.getNDManager(), validation,
                    options.evaluationBatchSize());
            double seconds = (System.nanoTime() - epochStart) / 1e9;
            EpochRecord record = new EpochRecord(epoch, stepsPerEpoch, lossSum / seen, (double) correct / seen,
                    validationAccuracy, schedule.valueAt(step - 1), seconds);
            history.add(record);
            boolean improved = validationAccuracy > bestAccuracy;
            LOG.info(String.format(Locale.ROOT,
                    "epoch %d/%d: loss %.4f, train accuracy %.4f, validation accuracy %.4f%s, lr %.5f, %.1f s",
                    epoch, options.epochs(), record.trainLoss(), record.trainAccuracy(), validationAccuracy,
                    improved ? " (best)" : "", record.learningRate(), seconds));
            if (improved) {
                bestAccuracy = validationAccuracy;
                bestEpoch = epoch;
                best = snapshot(block);
            } else if (options.patience() > 0 && epoch - bestEpoch >= options.patience()) {
                LOG.info("Stopping early: no better validation accuracy for {} epochs", options.patience());
                break;
            }
        }
        if (bestEpoch != history.size()) {
            LOG.info("Restoring the parameters of epoch {} (validation accuracy {})", bestEpoch,
                    String.format(Locale.ROOT, "%.4f", bestAccuracy));
            restore(block, best);
        }
        return bestEpoch;
    }

    private static Optimizer optimizer(TrainingOptions options, LearningRateSchedule schedule) {
        return options.optimizer() == OptimizerKind.SGD_MOMENTUM
                ? Optimizer.sgd().setLearningRateTracker(schedule).optMomentum(options.momentum())
                        .optWeightDecays(options.weightDecay()).build()
                : Optimizer.adamW().optLearningRateTracker(schedule).optWeightDecays(options.weightDecay()).build();
    }

    /** Fisher-Yates shuffle. */
    private static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }

    /** Copies of every parameter, batch-norm running statistics included. */
    static Map<String, float[]> snapshot(Block block) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            values.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return values;
    }

    static void restore(Block block, Map<String, float[]> values) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            p.getValue().getArray().set(FloatBuffer.wrap(values.get(p.getKey())));
        }
    }

    /** Number of trainable values (batch-norm running statistics excluded). */
    public static long parameterCount(Block block) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                n += p.getValue().getArray().size();
            }
        }
        return n;
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
