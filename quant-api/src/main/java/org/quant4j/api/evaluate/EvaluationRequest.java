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

    public static Builder builder() {
        return new Builder();
    }

    public Path model() {
        return model;
    }

    public Dataset data() {
        return data;
    }

    public int batchSize() {
        return batchSize;
    }

    public int topK() {
        return topK;
    }

    /** Intra-op threads; 0 lets the backend choose. */
    public int threads() {
        return threads;
    }

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

        public Builder model(Path model) {
            this.model = model;
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

        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder listener(ProgressListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

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
