package org.quant4j.qat.quantize;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.qat.simulate.RangeMode;
import org.quant4j.qat.train.TrainingOptions;

/**
 * Settings of quantization-aware training. Built with {@link #builder()}; immutable. The defaults
 * are the usual fine-tuning schedule: 5 epochs from the float checkpoint with SGD (momentum 0.9) at
 * learning rate 0.001 decaying by cosine to 0, batch 128, random crops and flips; batch-norm
 * statistics frozen after epoch 2 and activation ranges after epoch 3; moving-average ranges
 * (constant 0.01) starting from a calibration of 500 class-stratified training images; early
 * stopping after 2 epochs without a better simulated-INT8 validation accuracy once the ranges are
 * frozen, with the best epoch restored (the calibrated start competes as epoch 0); 5,000
 * class-stratified training images held out for validation.
 *
 * <p>What the exported model looks like (per-channel weights, the activation scheme, the kernel
 * target) comes from the request's {@link org.quant4j.api.QuantizationConfig}, as for
 * post-training quantization, so there is one place to set it: QAT trains with the weight ranges
 * of that config's {@link org.quant4j.api.KernelTarget} ({@code portable} by default) and exports
 * exactly those ({@code QatGraph} fake-quantizes each weight as the export quantizes it).
 */
public final class QatOptions {

    private final TrainingOptions training;
    private final int freezeBatchNormAfter;
    private final int freezeObserversAfter;
    private final RangeMode rangeMode;
    private final double averagingConstant;
    private final int calibrationSamples;
    private final int validationSamples;
    private final List<CalibrationMethod> initialMethods;

    private QatOptions(Builder b) {
        this.training = b.training;
        this.freezeBatchNormAfter = b.freezeBatchNormAfter;
        this.freezeObserversAfter = b.freezeObserversAfter;
        this.rangeMode = b.rangeMode;
        this.averagingConstant = b.averagingConstant;
        this.calibrationSamples = b.calibrationSamples;
        this.validationSamples = b.validationSamples;
        this.initialMethods = List.copyOf(b.initialMethods);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The default QAT schedule. */
    public static QatOptions defaults() {
        return builder().build();
    }

    /** The fine-tuning schedule of QAT (epochs, optimizer, learning rate, early stopping, threads, seed). */
    public static TrainingOptions.Builder defaultTraining() {
        return TrainingOptions.builder().epochs(5).learningRate(0.001f).cosineSchedule(0, 0).patience(2);
    }

    public TrainingOptions training() {
        return training;
    }

    /** Batch-norm statistics stop updating after this 1-based epoch; 0 never freezes them. */
    public int freezeBatchNormAfter() {
        return freezeBatchNormAfter;
    }

    /** Activation ranges stop updating after this 1-based epoch; 0 never freezes them. */
    public int freezeObserversAfter() {
        return freezeObserversAfter;
    }

    public RangeMode rangeMode() {
        return rangeMode;
    }

    /** The constant of {@link RangeMode#MOVING_AVERAGE}. */
    public double averagingConstant() {
        return averagingConstant;
    }

    /** Training images (class-stratified, seeded) whose calibration gives the initial ranges. */
    public int calibrationSamples() {
        return calibrationSamples;
    }

    /** Training images (class-stratified, seeded) held out to choose the epoch. */
    public int validationSamples() {
        return validationSamples;
    }

    /**
     * Calibration methods to start from: each calibrates the initial ranges, and training starts from
     * the one whose simulated-INT8 validation accuracy is highest (the first on a tie). Empty (the
     * default): the config's calibration method only.
     */
    public List<CalibrationMethod> initialMethods() {
        return initialMethods;
    }

    public Builder toBuilder() {
        return new Builder().training(training).freezeBatchNormAfter(freezeBatchNormAfter)
                .freezeObserversAfter(freezeObserversAfter).rangeMode(rangeMode).averagingConstant(averagingConstant)
                .calibrationSamples(calibrationSamples).validationSamples(validationSamples)
                .initialMethods(initialMethods.toArray(CalibrationMethod[]::new));
    }

    @Override
    public String toString() {
        return training + "; BN frozen after epoch " + freezeBatchNormAfter + ", ranges frozen after epoch "
                + freezeObserversAfter + ", ranges " + rangeMode.name().toLowerCase(java.util.Locale.ROOT)
                + (rangeMode == RangeMode.MOVING_AVERAGE ? " (" + averagingConstant + ")" : "") + ", "
                + calibrationSamples + " calibration samples" + (initialMethods.isEmpty() ? ""
                        : " (start from the best on validation of " + initialMethods.stream().map(CalibrationMethod::id)
                                .collect(Collectors.joining(", ")) + ")") + ", " + validationSamples
                + " validation samples";
    }

    /** Builder of {@link QatOptions}. */
    public static final class Builder {
        private TrainingOptions training = defaultTraining().build();
        private int freezeBatchNormAfter = 2;
        private int freezeObserversAfter = 3;
        private RangeMode rangeMode = RangeMode.MOVING_AVERAGE;
        private double averagingConstant = 0.01;
        private int calibrationSamples = 500;
        private int validationSamples = 5000;
        private List<CalibrationMethod> initialMethods = List.of();

        private Builder() {
        }

        public Builder initialMethods(CalibrationMethod... methods) {
            this.initialMethods = List.of(methods);
            return this;
        }

        public Builder training(TrainingOptions value) {
            this.training = Objects.requireNonNull(value, "training");
            return this;
        }

        public Builder freezeBatchNormAfter(int epoch) {
            this.freezeBatchNormAfter = epoch;
            return this;
        }

        public Builder freezeObserversAfter(int epoch) {
            this.freezeObserversAfter = epoch;
            return this;
        }

        public Builder rangeMode(RangeMode value) {
            this.rangeMode = Objects.requireNonNull(value, "rangeMode");
            return this;
        }

        public Builder averagingConstant(double value) {
            this.averagingConstant = value;
            return this;
        }

        public Builder calibrationSamples(int value) {
            this.calibrationSamples = value;
            return this;
        }

        public Builder validationSamples(int value) {
            this.validationSamples = value;
            return this;
        }

        /**
         * @throws IllegalArgumentException when an epoch is negative, the averaging constant is not in
         *                                  {@code (0, 1]} or a sample count is below 1
         */
        public QatOptions build() {
            if (freezeBatchNormAfter < 0 || freezeObserversAfter < 0) {
                throw new IllegalArgumentException("Freeze epochs must be >= 0 (0: never), got BN "
                        + freezeBatchNormAfter + " and ranges " + freezeObserversAfter);
            }
            if (!(averagingConstant > 0 && averagingConstant <= 1)) {
                throw new IllegalArgumentException("The averaging constant must be in (0, 1], got "
                        + averagingConstant);
            }
            if (calibrationSamples < 1 || validationSamples < 1) {
                throw new IllegalArgumentException("Calibration and validation need >= 1 sample each, got "
                        + calibrationSamples + " and " + validationSamples);
            }
            return new QatOptions(this);
        }
    }
}
