package org.quant4j.api.evaluate;

import java.nio.file.Path;
import java.util.Objects;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;

/** A model and labelled data to evaluate, with batch size, top-k and thread count. */
public final class EvaluationRequest {

    private final Path model;
    private final Dataset data;
    private final int batchSize;
    private final int topK;
    private final int threads;
    private final ProgressListener listener;

    private EvaluationRequest(Builder b) {
        this.model = b.model;
        this.data = b.data;
        this.batchSize = b.batchSize;
        this.topK = b.topK;
        this.threads = b.threads;
        this.listener = b.listener;
    }

    /**
     * A new builder; the model and labelled data must be set before {@link Builder#build()}.
     *
     * @return a fresh builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The model to evaluate.
     *
     * @return the model file, never null
     */
    public Path model() {
        return model;
    }

    /**
     * The samples to evaluate on.
     *
     * @return the dataset, always labelled
     */
    public Dataset data() {
        return data;
    }

    /**
     * Samples per inference call; 32 by default.
     *
     * @return the batch size, &gt; 0
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * How many of the best classes are ranked per sample, for top-k accuracy; 5 by default.
     *
     * @return k, &gt; 0
     */
    public int topK() {
        return topK;
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
     * Told of the evaluation's progress.
     *
     * @return the listener; {@link ProgressListener#NONE} by default
     */
    public ProgressListener listener() {
        return listener;
    }

    /** Builder of {@link EvaluationRequest}; defaults: batch 32, top-5, backend-chosen threads. */
    public static final class Builder {
        private Path model;
        private Dataset data;
        private int batchSize = 32;
        private int topK = 5;
        private int threads;
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
         * Sets the labelled samples to evaluate on (required).
         *
         * @param data the dataset, with {@code numClasses() > 0}
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
         * Sets how many of the best classes are ranked per sample (5 by default).
         *
         * @param topK k, &gt; 0
         * @return this builder
         */
        public Builder topK(int topK) {
            this.topK = topK;
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
         * @throws InvalidInputException when the model or data is missing, the data is unlabelled, the
         *     batch size or top-k is not positive, or threads are negative
         */
        public EvaluationRequest build() {
            if (model == null) {
                throw new InvalidInputException("No model given to evaluate");
            }
            if (data == null) {
                throw new InvalidInputException("No evaluation data given");
            }
            if (data.numClasses() <= 0) {
                throw new InvalidInputException("Evaluation data must be labelled: the dataset has no classes");
            }
            if (batchSize <= 0 || topK <= 0 || threads < 0) {
                throw new InvalidInputException("Batch size and top-k must be > 0 and threads >= 0, got batch="
                        + batchSize + ", topK=" + topK + ", threads=" + threads);
            }
            return new EvaluationRequest(this);
        }
    }
}
