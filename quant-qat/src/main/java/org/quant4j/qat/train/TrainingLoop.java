package org.quant4j.qat.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.quant4j.api.ModelException;
import org.quant4j.api.quantize.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch loop shared by FP32 training and quantization-aware training: softmax cross-entropy on
 * the DJL PyTorch engine, reproducible from {@link TrainingOptions#seed()}. Each epoch runs the
 * {@link EpochHook}, shuffles the training images, augments every batch on the engine
 * ({@link BatchAugmenter}), takes one optimizer step per batch (a step whose loss or gradients are
 * not finite is discarded and the batch computed again, up to three times), then measures the
 * validation accuracy in inference mode and logs the epoch. The parameters of the best validation epoch (every
 * {@link Parameter} of the block: batch-norm statistics and quantization ranges included) are kept
 * and restored at the end; training stops early after {@link TrainingOptions#patience()} epochs
 * without improvement, and no epoch starts that would end after the time budget.
 */
public final class TrainingLoop {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

    /**
     * Attempts at one batch before a run with non-finite losses or gradients stops. libtorch 2.7.1 on
     * CPU now and then returns non-finite gradients for a batch whose recomputation is finite (about
     * 1 training run of the tiny test ResNet in 9 to 25 on an AMD EPYC with AVX-512, one thread, oneDNN
     * limited to AVX2); such a step is discarded and recomputed. A run that truly diverges gives
     * non-finite values every time and stops with an error.
     */
    static final int MAX_ATTEMPTS = 3;

    /** Stage name reported to a {@link ProgressListener}. */
    public static final String STAGE = "training";

    /** Called before each epoch, e.g. to freeze batch-norm statistics or quantization ranges. */
    @FunctionalInterface
    public interface EpochHook {
        /** No action. */
        EpochHook NONE = epoch -> {
        };

        /** Runs before the 1-based {@code epoch}. */
        void beforeEpoch(int epoch);
    }

    /**
     * What a run did.
     *
     * @param history   one record per epoch run
     * @param bestEpoch the 1-based epoch whose parameters the block holds now, or 0 when no epoch beat
     *                  the starting parameters given a validation accuracy
     * @param seconds   wall-clock seconds of the run, validation included
     */
    public record Outcome(List<EpochRecord> history, int bestEpoch, double seconds) {
        public Outcome {
            history = List.copyOf(history);
        }
    }

    private TrainingLoop() {
    }

    /**
     * Seeds the engine and returns it with the options' threads; call before building the block so
     * that its initialisation is reproducible.
     */
    public static Engine seededEngine(TrainingOptions options) {
        Engine engine = TorchRuntime.engine(options.threads());
        // The engine takes an int seed; fold the long so that every bit of it counts.
        engine.setRandomSeed((int) (options.seed() ^ (options.seed() >>> 32)));
        return engine;
    }

    /**
     * Trains the block of {@code model} (initialising, He-normal, only the parameters that have no
     * value yet) and leaves it holding the parameters of the best validation epoch.
     *
     * @param inputShape shape of one input sample batch of 1, for initialisation
     */
    public static Outcome run(Model model, Shape inputShape, InMemoryImages train, InMemoryImages validation,
            TrainingOptions options, EpochHook hook) {
        return run(model, inputShape, train, validation, options, hook, OptionalDouble.empty(), 0,
                ProgressListener.NONE);
    }

    /**
     * {@link #run(Model, Shape, InMemoryImages, InMemoryImages, TrainingOptions, EpochHook)}, with the
     * starting parameters competing as epoch 0 when their validation accuracy is given: an epoch must
     * beat it to be kept, and when none does the starting parameters are restored (fine-tuning never
     * returns a model worse on validation than the one it started from).
     *
     * @param patienceFrom the epoch from which patience counts at the earliest: a schedule that
     *                     changes what is trained at that epoch (QAT freezing ranges) is not stopped
     *                     before it has run {@link TrainingOptions#patience()} epochs past it
     * @param listener     told of every training step as stage {@value #STAGE}, out of all steps of
     *                     all epochs
     */
    public static Outcome run(Model model, Shape inputShape, InMemoryImages train, InMemoryImages validation,
            TrainingOptions options, EpochHook hook, OptionalDouble startValidationAccuracy, int patienceFrom,
            ProgressListener listener) {
        SplittableRandom random = new SplittableRandom(options.seed());
        int fullSteps = (train.size() + options.batchSize() - 1) / options.batchSize();
        int stepsPerEpoch = options.maxStepsPerEpoch() > 0 ? Math.min(fullSteps, options.maxStepsPerEpoch()) : fullSteps;
        LearningRateSchedule schedule = options.learningRateSchedule(stepsPerEpoch);
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(optimizer(options, schedule))
                .optDevices(new Device[] {Device.cpu()})
                .optInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                        XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
        long start = System.nanoTime();
        List<EpochRecord> history = new ArrayList<>();
        int bestEpoch;
        try (Trainer trainer = model.newTrainer(config)) {
            trainer.initialize(inputShape);
            LOG.info("Training {} parameters on {} images, validating on {}: {}; schedule {}",
                    parameterCount(model.getBlock()), train.size(), validation.size(), options, schedule);
            bestEpoch = runEpochs(trainer, model, train, validation, options, stepsPerEpoch, schedule, random, history,
                    hook, startValidationAccuracy, patienceFrom, listener);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info("Training finished after {} epochs in {} s; best validation accuracy {} at epoch {}",
                history.size(), String.format(Locale.ROOT, "%.1f", seconds), String.format(Locale.ROOT, "%.4f",
                        bestEpoch == 0 ? startValidationAccuracy.getAsDouble()
                                : history.get(bestEpoch - 1).validationAccuracy()), bestEpoch);
        return new Outcome(history, bestEpoch, seconds);
    }

    private static int runEpochs(Trainer trainer, Model model, InMemoryImages train, InMemoryImages validation,
            TrainingOptions options, int stepsPerEpoch, LearningRateSchedule schedule, SplittableRandom random,
            List<EpochRecord> history, EpochHook hook, OptionalDouble startValidationAccuracy, int patienceFrom,
            ProgressListener listener) {
        long totalSteps = (long) options.epochs() * stepsPerEpoch;
        Block block = model.getBlock();
        int[] order = train.allIndices();
        Map<String, float[]> best = startValidationAccuracy.isPresent() ? snapshot(block) : null;
        int bestEpoch = 0;
        double bestAccuracy = startValidationAccuracy.orElse(-1);
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
            hook.beforeEpoch(epoch);
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
                    for (int attempt = 1;; attempt++) {
                        float loss;
                        long hits;
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                            NDArray lossArray = trainer.getLoss().evaluate(new NDList(y), new NDList(logits));
                            collector.backward(lossArray);
                            loss = lossArray.getFloat();
                            hits = TrainedModel.countCorrect(logits, y);
                        }
                        if (Float.isFinite(loss) && FiniteGradients.allFinite(block, scope)) {
                            trainer.step();
                            lossSum += loss * (to - from);
                            correct += hits;
                            break;
                        }
                        FiniteGradients.discard(block);
                        String where = "epoch " + epoch + ", step " + (s + 1) + " of " + stepsPerEpoch;
                        if (!FiniteGradients.statisticsFinite(block, scope)) {
                            throw new ModelException("Training diverged at " + where + ": loss " + loss + " and the"
                                    + " batch-norm running statistics are no longer finite. Lower the learning rate"
                                    + " (now " + options.learningRate() + ") or add warm-up epochs");
                        }
                        if (attempt == MAX_ATTEMPTS) {
                            throw new ModelException("Training diverged at " + where + ": the loss or gradients were"
                                    + " not finite in " + MAX_ATTEMPTS + " attempts at the same batch (last loss " + loss
                                    + "). Lower the learning rate (now " + options.learningRate()
                                    + ") or add warm-up epochs");
                        }
                        LOG.warn("Non-finite loss or gradients at {} (loss {}): the step was discarded, nothing was"
                                + " updated, and the batch is computed again (attempt {} of {})", where, loss,
                                attempt + 1, MAX_ATTEMPTS);
                    }
                }
                seen += to - from;
                step++;
                listener.onProgress(STAGE, step, totalSteps);
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
            } else if (options.patience() > 0 && epoch - Math.max(bestEpoch, patienceFrom) >= options.patience()) {
                LOG.info("Stopping early: no better validation accuracy for {} epochs", epoch - bestEpoch);
                break;
            }
        }
        if (bestEpoch != history.size()) {
            LOG.info("Restoring the parameters of {} (validation accuracy {})",
                    bestEpoch == 0 ? "the start: no epoch beat them" : "epoch " + bestEpoch,
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
}
