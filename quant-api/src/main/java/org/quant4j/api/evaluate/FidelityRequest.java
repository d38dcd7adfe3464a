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
    private final int argmaxAxis;
    private final List<SampleMetric> metrics;
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
        this.argmaxAxis = b.argmaxAxis;
        this.metrics = List.copyOf(b.metrics);
        this.bootstrapResamples = b.bootstrapResamples;
        this.confidenceLevel = b.confidenceLevel;
        this.seed = b.seed;
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The model evaluated. */
    public Path model() {
        return model;
    }

    /** The reference model whose outputs are taken as the truth. */
    public Path reference() {
        return reference;
    }

    public Dataset data() {
        return data;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Intra-op threads; 0 lets the backend choose. */
    public int threads() {
        return threads;
    }

    /**
     * The axis of each output the argmax agreement is taken along, counted on the full output
     * (batch axis 0); negative counts from the last axis (-1, the default).
     */
    public int argmaxAxis() {
        return argmaxAxis;
    }

    /** Task metrics computed per sample, in order. */
    public List<SampleMetric> metrics() {
        return metrics;
    }

    /** The seeded bootstrap the intervals are drawn with. */
    public PercentileBootstrap bootstrap() {
        return new PercentileBootstrap(bootstrapResamples, confidenceLevel, seed);
    }

    public int bootstrapResamples() {
        return bootstrapResamples;
    }

    public double confidenceLevel() {
        return confidenceLevel;
    }

    public long seed() {
        return seed;
    }

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
        private int argmaxAxis = -1;
        private final List<SampleMetric> metrics = new ArrayList<>();
        private int bootstrapResamples = DEFAULT_RESAMPLES;
        private double confidenceLevel = DEFAULT_LEVEL;
        private long seed;
        private ProgressListener listener = ProgressListener.NONE;

        private Builder() {
        }

        public Builder model(Path model) {
            this.model = model;
            return this;
        }

        public Builder reference(Path reference) {
            this.reference = reference;
            return this;
        }

        public Builder data(Dataset data) {
            this.data = data;
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

        public Builder argmaxAxis(int axis) {
            this.argmaxAxis = axis;
            return this;
        }

        /** Adds a task metric. */
        public Builder metric(SampleMetric metric) {
            this.metrics.add(Objects.requireNonNull(metric, "metric"));
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
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

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
