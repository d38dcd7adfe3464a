package org.quant4j.qat.train;

import java.util.Objects;

/**
 * Settings of one training run. Built with {@link #builder()}; immutable. The defaults are the
 * recipe of the reference models: SGD with momentum 0.9, learning rate 0.1 with one epoch of
 * linear warm-up and cosine decay, weight decay 5e-4, batch 128, random crops with 2 pixels of
 * padding and horizontal flips, early stopping after 5 epochs without a better validation accuracy.
 */
public final class TrainingOptions {

    private final long seed;
    private final int epochs;
    private final int batchSize;
    private final OptimizerKind optimizer;
    private final float learningRate;
    private final float momentum;
    private final float weightDecay;
    private final LearningRateSchedule.Kind schedule;
    private final int warmupEpochs;
    private final float finalLearningRate;
    private final int stepEpochs;
    private final float stepFactor;
    private final int patience;
    private final BatchAugmenter augmenter;
    private final int threads;
    private final int maxStepsPerEpoch;
    private final int evaluationBatchSize;
    private final double timeBudgetSeconds;

    private TrainingOptions(Builder b) {
        this.seed = b.seed;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.optimizer = b.optimizer;
        this.learningRate = b.learningRate;
        this.momentum = b.momentum;
        this.weightDecay = b.weightDecay;
        this.schedule = b.schedule;
        this.warmupEpochs = b.warmupEpochs;
        this.finalLearningRate = b.finalLearningRate;
        this.stepEpochs = b.stepEpochs;
        this.stepFactor = b.stepFactor;
        this.patience = b.patience;
        this.augmenter = b.augmenter;
        this.threads = b.threads;
        this.maxStepsPerEpoch = b.maxStepsPerEpoch;
        this.evaluationBatchSize = b.evaluationBatchSize;
        this.timeBudgetSeconds = b.timeBudgetSeconds;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.seed = seed;
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.optimizer = optimizer;
        b.learningRate = learningRate;
        b.momentum = momentum;
        b.weightDecay = weightDecay;
        b.schedule = schedule;
        b.warmupEpochs = warmupEpochs;
        b.finalLearningRate = finalLearningRate;
        b.stepEpochs = stepEpochs;
        b.stepFactor = stepFactor;
        b.patience = patience;
        b.augmenter = augmenter;
        b.threads = threads;
        b.maxStepsPerEpoch = maxStepsPerEpoch;
        b.evaluationBatchSize = evaluationBatchSize;
        b.timeBudgetSeconds = timeBudgetSeconds;
        return b;
    }

    /** Seed of the engine (initialisation, dropout) and of the data order and augmentation. */
    public long seed() {
        return seed;
    }

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    public OptimizerKind optimizer() {
        return optimizer;
    }

    /** Peak learning rate, reached at the end of the warm-up. */
    public float learningRate() {
        return learningRate;
    }

    /** Momentum of {@link OptimizerKind#SGD_MOMENTUM}. */
    public float momentum() {
        return momentum;
    }

    public float weightDecay() {
        return weightDecay;
    }

    public LearningRateSchedule.Kind schedule() {
        return schedule;
    }

    public int warmupEpochs() {
        return warmupEpochs;
    }

    /** Learning rate at the end of a cosine schedule. */
    public float finalLearningRate() {
        return finalLearningRate;
    }

    /** Epochs between decays of a step schedule. */
    public int stepEpochs() {
        return stepEpochs;
    }

    /** Factor of each decay of a step schedule. */
    public float stepFactor() {
        return stepFactor;
    }

    /** Epochs without a better validation accuracy before training stops; 0 never stops early. */
    public int patience() {
        return patience;
    }

    public BatchAugmenter augmenter() {
        return augmenter;
    }

    /** PyTorch intra-op threads. */
    public int threads() {
        return threads;
    }

    /** Upper bound on the steps of an epoch, for short runs; 0 for full epochs. */
    public int maxStepsPerEpoch() {
        return maxStepsPerEpoch;
    }

    public int evaluationBatchSize() {
        return evaluationBatchSize;
    }

    /**
     * Wall-clock budget of the run in seconds; 0 for none. An epoch is not started when the time
     * spent plus the duration of the previous epoch would exceed it.
     */
    public double timeBudgetSeconds() {
        return timeBudgetSeconds;
    }

    /** The learning-rate schedule for epochs of {@code stepsPerEpoch} steps. */
    public LearningRateSchedule learningRateSchedule(int stepsPerEpoch) {
        int warmup = warmupEpochs * stepsPerEpoch;
        return schedule == LearningRateSchedule.Kind.COSINE
                ? LearningRateSchedule.warmupCosine(learningRate, warmup, epochs * stepsPerEpoch, finalLearningRate)
                : LearningRateSchedule.step(learningRate, warmup, stepEpochs * stepsPerEpoch, stepFactor);
    }

    @Override
    public String toString() {
        return "seed " + seed + ", " + epochs + " epochs, batch " + batchSize + ", " + optimizer
                + (optimizer == OptimizerKind.SGD_MOMENTUM ? " (momentum " + momentum + ")" : "") + ", lr " + learningRate
                + ", weight decay " + weightDecay + ", " + (schedule == LearningRateSchedule.Kind.COSINE
                        ? "warm-up " + warmupEpochs + " epochs + cosine to " + finalLearningRate
                        : "warm-up " + warmupEpochs + " epochs + x" + stepFactor + " every " + stepEpochs + " epochs")
                + ", patience " + patience + ", augmentation " + (augmenter.isIdentity() ? "none"
                        : "crop padding " + augmenter.padding() + (augmenter.flip() ? " + horizontal flip" : ""))
                + ", " + threads + " threads" + (timeBudgetSeconds > 0 ? ", time budget " + timeBudgetSeconds + " s" : "");
    }

    /** Builder of {@link TrainingOptions}. */
    public static final class Builder {
        private long seed = 42;
        private int epochs = 10;
        private int batchSize = 128;
        private OptimizerKind optimizer = OptimizerKind.SGD_MOMENTUM;
        private float learningRate = 0.1f;
        private float momentum = 0.9f;
        private float weightDecay = 5e-4f;
        private LearningRateSchedule.Kind schedule = LearningRateSchedule.Kind.COSINE;
        private int warmupEpochs = 1;
        private float finalLearningRate = 0;
        private int stepEpochs = 5;
        private float stepFactor = 0.1f;
        private int patience = 5;
        private BatchAugmenter augmenter = new BatchAugmenter(2, true);
        private int threads = 2;
        private int maxStepsPerEpoch;
        private int evaluationBatchSize = 500;
        private double timeBudgetSeconds;

        private Builder() {
        }

        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        public Builder epochs(int value) {
            this.epochs = value;
            return this;
        }

        public Builder batchSize(int value) {
            this.batchSize = value;
            return this;
        }

        public Builder optimizer(OptimizerKind value) {
            this.optimizer = Objects.requireNonNull(value, "optimizer");
            return this;
        }

        public Builder learningRate(float value) {
            this.learningRate = value;
            return this;
        }

        public Builder momentum(float value) {
            this.momentum = value;
            return this;
        }

        public Builder weightDecay(float value) {
            this.weightDecay = value;
            return this;
        }

        /** Warm-up then cosine decay to {@code finalLearningRate}. */
        public Builder cosineSchedule(int warmupEpochs, float finalLearningRate) {
            this.schedule = LearningRateSchedule.Kind.COSINE;
            this.warmupEpochs = warmupEpochs;
            this.finalLearningRate = finalLearningRate;
            return this;
        }

        /** Warm-up then a decay by {@code factor} every {@code stepEpochs} epochs. */
        public Builder stepSchedule(int warmupEpochs, int stepEpochs, float factor) {
            this.schedule = LearningRateSchedule.Kind.STEP;
            this.warmupEpochs = warmupEpochs;
            this.stepEpochs = stepEpochs;
            this.stepFactor = factor;
            return this;
        }

        public Builder patience(int value) {
            this.patience = value;
            return this;
        }

        public Builder augmenter(BatchAugmenter value) {
            this.augmenter = Objects.requireNonNull(value, "augmenter");
            return this;
        }

        public Builder threads(int value) {
            this.threads = value;
            return this;
        }

        public Builder maxStepsPerEpoch(int value) {
            this.maxStepsPerEpoch = value;
            return this;
        }

        public Builder evaluationBatchSize(int value) {
            this.evaluationBatchSize = value;
            return this;
        }

        /** Wall-clock budget in seconds; 0 for none. */
        public Builder timeBudgetSeconds(double value) {
            this.timeBudgetSeconds = value;
            return this;
        }

        /**
         * @throws IllegalArgumentException when a count is out of range, a rate is not finite and
         *                                  positive, or the warm-up covers every epoch of a cosine schedule
         */
        public TrainingOptions build() {
            positive("Epochs", epochs);
            positive("Batch size", batchSize);
            positive("Threads", threads);
            positive("Evaluation batch size", evaluationBatchSize);
            if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
                throw new IllegalArgumentException("Learning rate must be finite and > 0, got " + learningRate);
            }
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("Momentum must be in [0, 1), got " + momentum);
            }
            if (!(weightDecay >= 0) || Float.isInfinite(weightDecay)) {
                throw new IllegalArgumentException("Weight decay must be finite and >= 0, got " + weightDecay);
            }
            if (!(timeBudgetSeconds >= 0) || Double.isInfinite(timeBudgetSeconds)) {
                throw new IllegalArgumentException("The time budget must be finite and >= 0 seconds, got "
                        + timeBudgetSeconds);
            }
            if (warmupEpochs < 0 || patience < 0 || maxStepsPerEpoch < 0) {
                throw new IllegalArgumentException("Warm-up epochs, patience and max steps per epoch must be >= 0, got "
                        + warmupEpochs + ", " + patience + ", " + maxStepsPerEpoch);
            }
            if (schedule == LearningRateSchedule.Kind.COSINE && warmupEpochs >= epochs) {
                throw new IllegalArgumentException("The warm-up (" + warmupEpochs + " epochs) must be shorter than the "
                        + epochs + " epochs of training");
            }
            if (schedule == LearningRateSchedule.Kind.COSINE
                    && !(finalLearningRate >= 0 && finalLearningRate <= learningRate)) {
                throw new IllegalArgumentException("The final learning rate must be in [0, " + learningRate + "], got "
                        + finalLearningRate);
            }
            if (schedule == LearningRateSchedule.Kind.STEP) {
                positive("Step epochs", stepEpochs);
                if (!(stepFactor > 0 && stepFactor <= 1)) {
                    throw new IllegalArgumentException("Step factor must be in (0, 1], got " + stepFactor);
                }
            }
            return new TrainingOptions(this);
        }

        private static void positive(String what, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(what + " must be >= 1, got " + value);
            }
        }
    }
}
