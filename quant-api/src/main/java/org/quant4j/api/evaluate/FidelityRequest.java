package org.quant4j.api.evaluate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.api.stats.PercentileBootstrap;

/**
 * A model to compare with its reference model (the FP32 model it was quantized from, say) on the
 * same data, which need not be labelled: see {@link Evaluator#fidelity}.
 */
public final class FidelityRequest {

    /** Default resamples of the bootstrap intervals. */
    public static final int DEFAULT_RESAMPLES = 1000;
    /** Default coverage of the intervals. */
    public static final double DEFAULT_LEVEL = 0.95;

    private final Path model;
    private final Path reference;
    private final Dataset data;
    private final int batchSize;
    private final int threads;
    private final int parallelRuns;
    private final int argmaxAxis;
    private final List<SampleMetric> metrics;
    private final List<String> outputs;
    private final int bootstrapResamples;
    private final double confidenceLevel;
    private final long seed;
    private final ProgressListener listener;

    private FidelityRequest(Builder b) {
        this.model = b.model;
        this.reference = b.reference;
        this.data = b.data;
        this.batchSize = b.batchSize;
        this.threads = b.threads;
        this.parallelRuns = b.parallelRuns;
        this.argmaxAxis = b.argmaxAxis;
        this.metrics = List.copyOf(b.metrics);
        this.outputs = List.copyOf(b.outputs);
        this.bootstrapResamples = b.bootstrapResamples;
        this.confidenceLevel = b.confidenceLevel;
        this.seed = b.seed;
        this.listener = b.listener;
    }

    /**
     * A new builder; the model, reference and data must be set before {@link Builder#build()}.
     *
     * @return a fresh builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The model evaluated.
     *
     * @return the model file, never null
     */
    public Path model() {
        return model;
    }

    /**
     * The reference model whose outputs are taken as the truth.
     *
     * @return the reference model file, never null
     */
    public Path reference() {
        return reference;
    }

    /**
     * The samples both models are run on; their labels, if any, are not needed.
     *
     * @return the dataset, never null
     */
    public Dataset data() {
        return data;
    }

    /**
     * Samples per inference call (a model with a fixed batch axis may override it).
     *
     * @return the requested batch size, &gt; 0
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Intra-op threads; 0 lets the backend choose.
     *
     * @return the thread count, &gt;= 0
     */
    public int threads() {
        return threads;
    }

    /**
     * How many batches run at the same time, each on {@code threads / parallelRuns} intra-op threads
     * (at least one; one each when {@link #threads()} is 0). A model of many small operators keeps the
     * cores busier with one batch per core than with every core on one batch. The result is the same
     * as with one run at a time: the batches' statistics are taken in the data's order. A backend that
     * cannot run batches concurrently runs them one at a time.
     *
     * @return the number of concurrent runs, &gt; 0 (1 by default)
     */
    public int parallelRuns() {
        return parallelRuns;
    }

    /**
     * The axis of each output the argmax agreement is taken along, counted on the full output
     * (batch axis 0); negative counts from the last axis (-1, the default).
     *
     * @return the axis, never 0
     */
    public int argmaxAxis() {
        return argmaxAxis;
    }

    /**
     * Task metrics computed per sample, in order.
     *
     * @return the metrics, unmodifiable; empty when none were added
     */
    public List<SampleMetric> metrics() {
        return metrics;
    }

    /**
     * The outputs compared, by name, in order; empty to compare every float32 output. Naming one
     * leaves out an output the statistics cannot take (a state whose declared shape does not tell its
     * batch axis, say) when only another is of interest.
     *
     * @return the output names, unmodifiable
     */
    public List<String> outputs() {
        return outputs;
    }

    /**
     * The seeded bootstrap the intervals are drawn with.
     *
     * @return a new bootstrap of {@link #bootstrapResamples()}, {@link #confidenceLevel()} and
     *     {@link #seed()}
     */
    public PercentileBootstrap bootstrap() {
        return new PercentileBootstrap(bootstrapResamples, confidenceLevel, seed);
    }

    /**
     * Resamples drawn for each bootstrap interval.
     *
     * @return the resample count ({@value #DEFAULT_RESAMPLES} by default)
     */
    public int bootstrapResamples() {
        return bootstrapResamples;
    }

    /**
     * Coverage of the confidence intervals, as a fraction.
     *
     * @return the level, e.g. 0.95 for 95% intervals
     */
    public double confidenceLevel() {
        return confidenceLevel;
    }

    /**
     * Seed of the bootstrap resampling, so that the intervals are reproducible.
     *
     * @return the seed (0 by default)
     */
    public long seed() {
        return seed;
    }

    /**
     * Told of the progress of the comparison.
     *
     * @return the listener; {@link ProgressListener#NONE} by default
     */
    public ProgressListener listener() {
        return listener;
    }

    /**
     * Builder of {@link FidelityRequest}; defaults: batch 32, backend-chosen threads, argmax along
     * the last axis, no task metric, 1000 resamples, 95% intervals, seed 0.
     */
    public static final class Builder {
        private Path model;
        private Path reference;
        private Dataset data;
        private int batchSize = 32;
        private int threads;
        private int parallelRuns = 1;
        private int argmaxAxis = -1;
        private final List<SampleMetric> metrics = new ArrayList<>();
        private final List<String> outputs = new ArrayList<>();
        private int bootstrapResamples = DEFAULT_RESAMPLES;
        private double confidenceLevel = DEFAULT_LEVEL;
        private long seed;
        private ProgressListener listener = ProgressListener.NONE;

        private Builder() {
        }

        /**
         * Sets the model to evaluate (required).
         *
         * @param model the model file
         * @return this builder
         */
        public Builder model(Path model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the reference model whose outputs are taken as the truth (required).
         *
         * @param reference the reference model file, e.g. the FP32 model the evaluated one was made from
         * @return this builder
         */
        public Builder reference(Path reference) {
            this.reference = reference;
            return this;
        }

        /**
         * Sets the samples to compare the models on (required).
         *
         * @param data the dataset
         * @return this builder
         */
        public Builder data(Dataset data) {
            this.data = data;
            return this;
        }

        /**
         * Sets the samples per inference call (32 by default).
         *
         * @param batchSize the batch size, &gt; 0
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the intra-op threads (0, the default, lets the backend choose).
         *
         * @param threads the thread count, &gt;= 0
         * @return this builder
         */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * Sets how many batches run at the same time (1, the default: one at a time on every thread);
         * see {@link FidelityRequest#parallelRuns()}.
         *
         * @param runs the number of concurrent runs, &gt; 0
         * @return this builder
         */
        public Builder parallelRuns(int runs) {
            this.parallelRuns = runs;
            return this;
        }

        /**
         * Sets the axis of each output the argmax agreement is taken along; see
         * {@link FidelityRequest#argmaxAxis()}.
         *
         * @param axis the axis, negative counting from the last; not 0 (the batch axis)
         * @return this builder
         */
        public Builder argmaxAxis(int axis) {
            this.argmaxAxis = axis;
            return this;
        }

        /**
         * Adds a task metric.
         *
         * @param metric the metric, not null, named differently from the others
         * @return this builder
         */
        public Builder metric(SampleMetric metric) {
            this.metrics.add(Objects.requireNonNull(metric, "metric"));
            return this;
        }

        /**
         * Adds an output to compare; without any, every float32 output is compared.
         *
         * @param name an output of the reference model, not null
         * @return this builder
         */
        public Builder output(String name) {
            this.outputs.add(Objects.requireNonNull(name, "name"));
            return this;
        }

        /**
         * Sets the resamples of each bootstrap interval ({@value FidelityRequest#DEFAULT_RESAMPLES} by default).
         *
         * @param resamples the resample count, as {@link PercentileBootstrap} accepts
         * @return this builder
         */
        public Builder bootstrapResamples(int resamples) {
            this.bootstrapResamples = resamples;
            return this;
        }

        /**
         * Sets the coverage of the intervals ({@value FidelityRequest#DEFAULT_LEVEL} by default).
         *
         * @param level a fraction strictly between 0 and 1
         * @return this builder
         */
        public Builder confidenceLevel(double level) {
            this.confidenceLevel = level;
            return this;
        }

        /**
         * Sets the seed of the bootstrap resampling (0 by default).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the listener told of the progress.
         *
         * @param listener the listener, not null
         * @return this builder
         */
        public Builder listener(ProgressListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /**
         * Validates the settings and builds the request.
         *
         * @return the immutable request
         * @throws InvalidInputException when the model, reference or data is missing, the batch size is
         *     not positive, threads are negative, parallel runs are not positive, the argmax axis is 0, two metrics share a name, or the
         *     bootstrap settings are invalid
         */
        public FidelityRequest build() {
            if (model == null) {
                throw new InvalidInputException("No model given to compare with its reference");
            }
            if (reference == null) {
                throw new InvalidInputException("No reference model given: give the model " + model
                        + " was made from (the FP32 model, say)");
            }
            if (data == null) {
                throw new InvalidInputException("No data given to compare the models on");
            }
            if (batchSize <= 0 || threads < 0) {
                throw new InvalidInputException("Batch size must be > 0 and threads >= 0, got batch=" + batchSize
                        + ", threads=" + threads);
            }
            if (parallelRuns <= 0) {
                throw new InvalidInputException("Parallel runs must be > 0 (1 runs one batch at a time), got "
                        + parallelRuns);
            }
            if (argmaxAxis == 0) {
                throw new InvalidInputException("The argmax axis cannot be 0, the batch axis: give the axis of the"
                        + " classes, e.g. -1 for the last");
            }
            Set<String> names = new HashSet<>();
            for (SampleMetric m : metrics) {
                if (!names.add(m.name())) {
                    throw new InvalidInputException("Two task metrics are named '" + m.name() + "': give each its own name");
                }
            }
            new PercentileBootstrap(bootstrapResamples, confidenceLevel, seed); // validates the settings
            return new FidelityRequest(this);
        }
    }
}
