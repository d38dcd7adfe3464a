package org.quant4j.sensitivity;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.api.stats.PercentileBootstrap;

/**
 * A float model, calibration and evaluation data, and how to analyse its layers' sensitivity to
 * INT8: see {@link SensitivityAnalysis}.
 */
public final class SensitivityRequest {

    /** The task metric whose drop is measured. */
    public enum Metric {
        /** Top-1 accuracy when the evaluation data is labelled, else argmax agreement. */
        AUTO,
        /** Top-1 accuracy on labelled data. */
        TOP1,
        /** Agreement of the first output's argmax with the float model's, on any data. */
        AGREEMENT,
        /**
         * The noise-to-signal energy ratio of the first output against the float model's,
         * {@code 10^(-SQNR/10)} on any data: for outputs without classes (maps, features). A drop
         * of 0.01 is an SQNR of 20 dB.
         */
        NOISE
    }

    private final Path model;
    private final Dataset calibration;
    private final Dataset evaluation;
    private final QuantizationConfig config;
    private final String backend;
    private final Set<String> layers;
    private final Metric metric;
    private final boolean oneOn;
    private final boolean oneOff;
    private final boolean tensorErrors;
    private final boolean localErrors;
    private final int localSamples;
    private final int variantLayers;
    private final double tolerance;
    private final int firstStage;
    private final int batchSize;
    private final int threads;
    private final int parallelVariants;
    private final int bootstrapResamples;
    private final double confidenceLevel;
    private final long seed;
    private final ProgressListener listener;
    private final Optional<String> gradientEstimator;
    private final int gradientSamples;

    private SensitivityRequest(Builder b) {
        model = b.model;
        calibration = b.calibration;
        evaluation = b.evaluation;
        config = b.config;
        backend = b.backend;
        layers = Set.copyOf(new LinkedHashSet<>(b.layers));
        metric = b.metric;
        oneOn = b.oneOn;
        oneOff = b.oneOff;
        tensorErrors = b.tensorErrors;
        localErrors = b.localErrors;
        localSamples = b.localSamples;
        variantLayers = b.variantLayers;
        tolerance = b.tolerance;
        firstStage = b.firstStage;
        batchSize = b.batchSize;
        threads = b.threads;
        parallelVariants = b.parallelVariants;
        bootstrapResamples = b.bootstrapResamples;
        confidenceLevel = b.confidenceLevel;
        seed = b.seed;
        listener = b.listener;
        gradientEstimator = b.gradientEstimator;
        gradientSamples = b.gradientSamples;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The float model. */
    public Path model() {
        return model;
    }

    /** The data calibrated on, once. */
    public Dataset calibration() {
        return calibration;
    }

    /** The data the variants are evaluated on. */
    public Dataset evaluation() {
        return evaluation;
    }

    /** The INT8 quantization whose layers are analysed (static mode). */
    public QuantizationConfig config() {
        return config;
    }

    /** The backend that calibrates and evaluates, e.g. {@code "onnxruntime"}. */
    public String backend() {
        return backend;
    }

    /** The layers (node names) to analyse; empty for every quantizable layer. */
    public Set<String> layers() {
        return layers;
    }

    public Metric metric() {
        return metric;
    }

    /** The metric measured for {@code evaluation}: {@link Metric#AUTO} resolved. */
    public Metric resolvedMetric() {
        if (metric == Metric.AUTO) {
            return evaluation.numClasses() > 0 ? Metric.TOP1 : Metric.AGREEMENT;
        }
        return metric;
    }

    public boolean oneOn() {
        return oneOn;
    }

    public boolean oneOff() {
        return oneOff;
    }

    /** Whether to measure the per-tensor SQNR and the weight SQNR. */
    public boolean tensorErrors() {
        return tensorErrors;
    }

    /** Whether the per-tensor pass also measures the local SQNR (one more float run's worth of work). */
    public boolean localErrors() {
        return localErrors;
    }

    /**
     * On about how many evaluation samples the local SQNR is measured; 0 (the default) for every one.
     * A smaller number trades the local SQNR's precision for time (the local copies are about a third
     * of the pass on a ResNet-style model): the error model then runs its local copies on the first
     * {@code ceil(n / runs)} samples of each of its runs, in the seeded order, so that they are a
     * seeded sub-sample of every batch; at least {@code n} samples are measured, and the result says
     * how many ({@link SensitivityResult#localSamples()}). The accumulated SQNR is measured on every sample.
     */
    public int localSamples() {
        return localSamples;
    }

    /**
     * How many layers get one-on and one-off variants: the ones with the lowest SQNR (local, else
     * accumulated), measured first; 0 for every layer. The others keep their SQNR only.
     */
    public int variantLayers() {
        return variantLayers;
    }

    /** The drop a variant may show and still be acceptable, e.g. 0.01 for one point of accuracy. */
    public double tolerance() {
        return tolerance;
    }

    /**
     * Samples of the first stage: a variant is evaluated on this many samples of the seeded order,
     * then on twice as many, and so on, until its interval lies clearly on one side of the tolerance
     * or every sample was used.
     */
    public int firstStage() {
        return firstStage;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Threads in all, 0 to let the backend choose. */
    public int threads() {
        return threads;
    }

    /** Variants evaluated at the same time, each in its own session. */
    public int parallelVariants() {
        return parallelVariants;
    }

    public PercentileBootstrap bootstrap() {
        return new PercentileBootstrap(bootstrapResamples, confidenceLevel, seed);
    }

    public int bootstrapResamples() {
        return bootstrapResamples;
    }

    public double confidenceLevel() {
        return confidenceLevel;
    }

    /** Seed of the evaluation order and of the bootstrap. */
    public long seed() {
        return seed;
    }

    public ProgressListener listener() {
        return listener;
    }

    /**
     * The gradient estimator (a {@code GradientEstimatorProvider} name, e.g. {@code "fisher"} of
     * quant-qat) whose per-layer prediction is reported beside the measurements; empty for none.
     */
    public Optional<String> gradientEstimator() {
        return gradientEstimator;
    }

    /** Samples of the seeded evaluation order the gradient estimate averages over. */
    public int gradientSamples() {
        return gradientSamples;
    }

    /**
     * Builder of {@link SensitivityRequest}; defaults: the default static INT8 config, backend
     * {@code onnxruntime}, every layer, metric by the data, one-on, one-off and tensor errors (local
     * included), tolerance 0.01, first stage 500 samples, batch 100, backend-chosen threads, one
     * variant at a time, 1000 resamples, 95% intervals, seed 0, no gradient estimate (256 samples
     * when one is asked for).
     */
    public static final class Builder {
        private Path model;
        private Dataset calibration;
        private Dataset evaluation;
        private QuantizationConfig config = QuantizationConfig.builder().build();
        private String backend = "onnxruntime";
        private final Set<String> layers = new LinkedHashSet<>();
        private Metric metric = Metric.AUTO;
        private boolean oneOn = true;
        private boolean oneOff = true;
        private boolean tensorErrors = true;
        private boolean localErrors = true;
        private int localSamples;
        private int variantLayers;
        private double tolerance = 0.01;
        private int firstStage = 500;
        private int batchSize = 100;
        private int threads;
        private int parallelVariants = 1;
        private int bootstrapResamples = 1000;
        private double confidenceLevel = 0.95;
        private long seed;
        private ProgressListener listener = ProgressListener.NONE;
        private Optional<String> gradientEstimator = Optional.empty();
        private int gradientSamples = 256;

        private Builder() {
        }

        public Builder model(Path model) {
            this.model = model;
            return this;
        }

        public Builder calibration(Dataset calibration) {
            this.calibration = calibration;
            return this;
        }

        public Builder evaluation(Dataset evaluation) {
            this.evaluation = evaluation;
            return this;
        }

        public Builder config(QuantizationConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        public Builder backend(String backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /** Analyses layer (node) {@code name}; without any, every quantizable layer is. */
        public Builder layer(String name) {
            this.layers.add(Objects.requireNonNull(name, "name"));
            return this;
        }

        public Builder metric(Metric metric) {
            this.metric = Objects.requireNonNull(metric, "metric");
            return this;
        }

        public Builder oneOn(boolean oneOn) {
            this.oneOn = oneOn;
            return this;
        }

        public Builder oneOff(boolean oneOff) {
            this.oneOff = oneOff;
            return this;
        }

        public Builder tensorErrors(boolean tensorErrors) {
            this.tensorErrors = tensorErrors;
            return this;
        }

        public Builder localErrors(boolean localErrors) {
            this.localErrors = localErrors;
            return this;
        }

        /** See {@link SensitivityRequest#localSamples()}; 0 (the default) for every sample. */
        public Builder localSamples(int n) {
            this.localSamples = n;
            return this;
        }

        /**
         * Builds variants only for the {@code n} layers of lowest SQNR (0, the default: every layer):
         * building and opening a variant costs more than evaluating it, so on a deep model this
         * bounds the time. Needs the tensor errors.
         */
        public Builder variantLayers(int n) {
            this.variantLayers = n;
            return this;
        }

        public Builder tolerance(double tolerance) {
            this.tolerance = tolerance;
            return this;
        }

        public Builder firstStage(int samples) {
            this.firstStage = samples;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder parallelVariants(int parallel) {
            this.parallelVariants = parallel;
            return this;
        }

        public Builder bootstrapResamples(int resamples) {
            this.bootstrapResamples = resamples;
            return this;
        }

        public Builder confidenceLevel(double level) {
            this.confidenceLevel = level;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder listener(ProgressListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Also estimates each layer's sensitivity from gradients with the estimator named {@code name}. */
        public Builder gradientEstimator(String name) {
            this.gradientEstimator = Optional.of(Objects.requireNonNull(name, "name"));
            return this;
        }

        public Builder gradientSamples(int samples) {
            this.gradientSamples = samples;
            return this;
        }

        public SensitivityRequest build() {
            if (model == null) {
                throw new InvalidInputException("No model given to analyse: give the float ONNX model");
            }
            if (calibration == null || calibration.size() == 0) {
                throw new InvalidInputException("No calibration data given: the INT8 variants are calibrated on it");
            }
            if (evaluation == null || evaluation.size() == 0) {
                throw new InvalidInputException("No evaluation data given: the variants' metric drops are measured on it");
            }
            if (config.mode() != QuantizationMode.STATIC) {
                throw new InvalidInputException("Sensitivity analysis varies static INT8 quantization; the config asks"
                        + " for " + config.mode() + ". Use the static mode");
            }
            if (metric == Metric.TOP1 && evaluation.numClasses() <= 0) {
                throw new InvalidInputException("The evaluation data has no labels, so top-1 accuracy cannot be"
                        + " measured: give labelled data, or use the agreement with the float model (Metric.AGREEMENT)");
            }
            if (!oneOn && !oneOff && !tensorErrors && gradientEstimator.isEmpty()) {
                throw new InvalidInputException("Nothing to measure: enable one-on, one-off, the tensor errors or a"
                        + " gradient estimator");
            }
            if (gradientSamples <= 0) {
                throw new InvalidInputException("Gradient samples must be > 0, got " + gradientSamples);
            }
            if (variantLayers < 0 || (variantLayers > 0 && !tensorErrors)) {
                throw new InvalidInputException("Variant layers must be >= 0 (0 for every layer) and, to be chosen by"
                        + " their SQNR, need the tensor errors; got " + variantLayers + " with tensor errors "
                        + (tensorErrors ? "on" : "off"));
            }
            if (localSamples < 0 || (localSamples > 0 && !(tensorErrors && localErrors))) {
                throw new InvalidInputException("Local samples must be >= 0 (0 for every sample) and need the local"
                        + " SQNR; got " + localSamples + " with tensor errors " + (tensorErrors ? "on" : "off")
                        + " and local errors " + (localErrors ? "on" : "off"));
            }
            if (!(tolerance >= 0 && tolerance < 1)) {
                throw new InvalidInputException("Tolerance must be in [0, 1), got " + tolerance + "; e.g. 0.01");
            }
            if (firstStage <= 0 || batchSize <= 0 || threads < 0 || parallelVariants <= 0) {
                throw new InvalidInputException("First stage, batch size and parallel variants must be > 0 and threads"
                        + " >= 0, got firstStage=" + firstStage + ", batch=" + batchSize + ", parallel="
                        + parallelVariants + ", threads=" + threads);
            }
            new PercentileBootstrap(bootstrapResamples, confidenceLevel, seed); // validates the settings
            return new SensitivityRequest(this);
        }
    }
}
