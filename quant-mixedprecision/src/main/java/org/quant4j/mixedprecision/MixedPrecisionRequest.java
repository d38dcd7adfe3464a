package org.quant4j.mixedprecision;

import java.nio.file.Path;
import org.quant4j.api.io.OutputTarget;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.sensitivity.SensitivityRequest;

/**
 * A float model, its data splits and the accuracy budget of a mixed-precision search: see
 * {@link MixedPrecision}.
 */
public final class MixedPrecisionRequest {

    /** {@link #profileRuns()} when the run count is chosen from the float model's time. */
    public static final int AUTO_PROFILE_RUNS = 0;

    private final Path model;
    private final Optional<OutputTarget> output;
    private final Optional<Path> searchModels;
    private final Dataset calibration;
    private final Dataset validation;
    private final Dataset test;
    private final QuantizationConfig config;
    private final String backend;
    private final String latencyBackend;
    private final SensitivityRequest.Metric metric;
    private final double maxDrop;
    private final Set<SearchMethod> searches;
    private final long seed;
    private final int batchSize;
    private final int latencyBatch;
    private final int threads;
    private final int profileRuns;
    private final int population;
    private final int generations;
    private final int evolutionSamples;
    private final ProgressListener listener;

    private MixedPrecisionRequest(Builder b) {
        model = b.model;
        output = Optional.ofNullable(b.output).map(t -> t.withInput(model, "the float model"));
        searchModels = Optional.ofNullable(b.searchModels);
        calibration = b.calibration;
        validation = b.validation;
        test = b.test;
        config = b.config.toBuilder().perChannel(true).build();
        backend = b.backend;
        latencyBackend = b.latencyBackend;
        metric = b.metric;
        maxDrop = b.maxDrop;
        searches = Set.copyOf(b.searches);
        seed = b.seed;
        batchSize = b.batchSize;
        latencyBatch = b.latencyBatch;
        threads = b.threads;
        profileRuns = b.profileRuns;
        population = b.population;
        generations = b.generations;
        evolutionSamples = b.evolutionSamples;
        listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The float model. */
    public Path model() {
        return model;
    }

    /** Where the mixed model is written; empty to write nothing. */
    public Optional<Path> output() {
        return output.map(OutputTarget::path);
    }

    /** How the mixed model is written (never over the float model); empty to write nothing. */
    public Optional<OutputTarget> outputTarget() {
        return output;
    }

    /** The directory each search's chosen model is written into as {@code <search id>.onnx}; empty for none. */
    public Optional<Path> searchModels() {
        return searchModels;
    }

    /** The data calibrated on, once. */
    public Dataset calibration() {
        return calibration;
    }

    /** The data the searches choose on. */
    public Dataset validation() {
        return validation;
    }

    /** The held-out data the chosen models are reported on. */
    public Dataset test() {
        return test;
    }

    /** The config of the full INT8 model (per channel; kernel target, calibration method and exclusions kept). */
    public QuantizationConfig config() {
        return config;
    }

    /** The backend that calibrates and evaluates. */
    public String backend() {
        return backend;
    }

    /**
     * The backend whose latency the search minimises: {@code onnxruntime} (default; ONNX Runtime's
     * per-node CPU profile), or another evaluator that can time models, such as {@code tensorrt} (the
     * wall clock of a strongly typed engine on the GPU; quant-tensorrt on the class path), which also
     * offers float16 layers ({@link LayerChoice#FP16}) because it runs them faster than float32.
     * Accuracy is always measured with {@link #backend()}.
     */
    public String latencyBackend() {
        return latencyBackend;
    }

    /** The metric whose drop the budget bounds: top-1 on labelled data, agreement or noise on any. */
    public SensitivityRequest.Metric metric() {
        return metric;
    }

    /** The largest drop of the metric against FP32 allowed, e.g. 0.005 for half a point of top-1. */
    public double maxDrop() {
        return maxDrop;
    }

    /** The searches to run. */
    public Set<SearchMethod> searches() {
        return searches;
    }

    /** Seed of the data orders, the bootstrap and the evolutionary search. */
    public long seed() {
        return seed;
    }

    /** Samples per evaluation batch. */
    public int batchSize() {
        return batchSize;
    }

    /** Samples per batch when latency is measured (32 by default). */
    public int latencyBatch() {
        return latencyBatch;
    }

    /** Threads, 0 to let the backend choose. */
    public int threads() {
        return threads;
    }

    /**
     * Profiled runs per latency measurement (after 3 left out as warm-up), or {@value #AUTO_PROFILE_RUNS}
     * (the default) to choose them from the float model's time: as many as fit in about one second of
     * measured runs, from 5 to 40.
     */
    public int profileRuns() {
        return profileRuns;
    }

    /** Individuals per generation of the evolutionary search. */
    public int population() {
        return population;
    }

    /** Generations of the evolutionary search after the first. */
    public int generations() {
        return generations;
    }

    /** Validation samples each individual of the evolutionary search is evaluated on. */
    public int evolutionSamples() {
        return evolutionSamples;
    }

    public ProgressListener listener() {
        return listener;
    }

    /** Builder of {@link MixedPrecisionRequest}; model and the three data splits are required. */
    public static final class Builder {
        private Path model;
        private OutputTarget output;
        private Path searchModels;
        private Dataset calibration;
        private Dataset validation;
        private Dataset test;
        private QuantizationConfig config = QuantizationConfig.builder().build();
        private String backend = "onnxruntime";
        private String latencyBackend = "onnxruntime";
        private SensitivityRequest.Metric metric = SensitivityRequest.Metric.AUTO;
        private double maxDrop = 0.005;
        private Set<SearchMethod> searches = EnumSet.allOf(SearchMethod.class);
        private long seed = 42;
        private int batchSize = 100;
        private int latencyBatch = 32;
        private int threads;
        private int profileRuns = AUTO_PROFILE_RUNS;
        private int population = 10;
        private int generations = 5;
        private int evolutionSamples = 1000;
        private ProgressListener listener = ProgressListener.NONE;

        private Builder() {
        }

        public Builder model(Path model) {
            this.model = model;
            return this;
        }

        /**
         * Where the mixed model is written (atomically, replacing a file there; never the input model);
         * null to write nothing.
         */
        public Builder output(Path output) {
            this.output = output == null ? null : OutputTarget.replacing(output, "the mixed-precision model");
            return this;
        }

        /** How the mixed model is written, e.g. a target checked before the search; null to write nothing. */
        public Builder outputTarget(OutputTarget target) {
            this.output = target;
            return this;
        }

        /**
         * A directory (created if needed) into which each search's chosen model is written, atomically,
         * as {@code <search id>.onnx} (e.g. {@code greedy.onnx}), so that each can be compared on its
         * own; null (the default) to write none.
         */
        public Builder searchModels(Path directory) {
            this.searchModels = directory;
            return this;
        }

        public Builder calibration(Dataset calibration) {
            this.calibration = calibration;
            return this;
        }

        public Builder validation(Dataset validation) {
            this.validation = validation;
            return this;
        }

        public Builder test(Dataset test) {
            this.test = test;
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

        /** The backend whose latency is minimised ({@link MixedPrecisionRequest#latencyBackend()}). */
        public Builder latencyBackend(String latencyBackend) {
            this.latencyBackend = Objects.requireNonNull(latencyBackend, "latencyBackend").trim();
            return this;
        }

        public Builder metric(SensitivityRequest.Metric metric) {
            this.metric = Objects.requireNonNull(metric, "metric");
            return this;
        }

        /** The drop allowed, as a fraction (0.005 is half a percentage point of top-1). */
        public Builder maxDrop(double maxDrop) {
            this.maxDrop = maxDrop;
            return this;
        }

        public Builder searches(Set<SearchMethod> searches) {
            this.searches = EnumSet.noneOf(SearchMethod.class);
            this.searches.addAll(Objects.requireNonNull(searches, "searches"));
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder latencyBatch(int latencyBatch) {
            this.latencyBatch = latencyBatch;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Profiled runs per latency measurement; {@value MixedPrecisionRequest#AUTO_PROFILE_RUNS} chooses them. */
        public Builder profileRuns(int runs) {
            this.profileRuns = runs;
            return this;
        }

        public Builder population(int population) {
            this.population = population;
            return this;
        }

        public Builder generations(int generations) {
            this.generations = generations;
            return this;
        }

        public Builder evolutionSamples(int samples) {
            this.evolutionSamples = samples;
            return this;
        }

        public Builder listener(ProgressListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @return the request
         * @throws InvalidInputException when something required is missing or a number is out of range
         */
        public MixedPrecisionRequest build() {
            if (model == null) {
                throw new InvalidInputException("No model given: set the float ONNX model to search over");
            }
            if (calibration == null || validation == null || test == null) {
                throw new InvalidInputException("A mixed-precision search needs calibration, validation and test"
                        + " data: the validation split chooses, the test split reports (missing: "
                        + (calibration == null ? "calibration " : "") + (validation == null ? "validation " : "")
                        + (test == null ? "test" : "").trim() + ")");
            }
            if (!(maxDrop >= 0) || maxDrop >= 1) {
                throw new InvalidInputException("The accuracy budget (max drop) must be at least 0 and below 1, as a"
                        + " fraction (0.005 for half a point), got " + maxDrop);
            }
            if (latencyBackend.isEmpty()) {
                throw new InvalidInputException("The latency backend is empty: name an evaluator that can time models,"
                        + " e.g. onnxruntime (the default) or tensorrt");
            }
            if (searches.isEmpty()) {
                throw new InvalidInputException("No search chosen: pick greedy, dp, evolutionary or all");
            }
            if (config.mode() != QuantizationMode.STATIC) {
                throw new InvalidInputException("Mixed precision assigns static INT8 or float per layer; the config's"
                        + " mode is " + config.mode() + ": use static");
            }
            if (batchSize <= 0 || latencyBatch <= 0 || threads < 0 || profileRuns < 0 || population < 2
                    || generations < 0 || evolutionSamples <= 0) {
                throw new InvalidInputException("Need batch sizes > 0, threads >= 0, profile runs >= 0 (0: automatic),"
                        + " population >= 2, generations >= 0 and evolution samples > 0; got batch " + batchSize
                        + ", latency batch " + latencyBatch + ", threads " + threads + ", profile runs " + profileRuns
                        + ", population " + population + ", generations " + generations + ", evolution samples "
                        + evolutionSamples);
            }
            return new MixedPrecisionRequest(this);
        }
    }
}
