package org.quant4j.api.calibration;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;

/**
 * One calibration job: the model, the data, the config and which tensors to calibrate.
 *
 * <p>From the {@link QuantizationConfig} the calibrator reads the calibration method and its
 * options, the seed, and the scheme each tensor is calibrated for,
 * {@link QuantizationConfig#activationScheme(String)}: a tensor override's scheme, or else the
 * config's activation scheme. A symmetric scheme makes the tensor's calibrator produce a symmetric
 * range. This is the scheme static quantization calibrates each tensor for, so a request that
 * carries the quantizer's config and an explicit tensor list reproduces the quantizer's
 * calibration. The {@link TensorSelection#quantizerTensors() quantizer's selection} also reads the
 * node selection, weight settings and tensor overrides' fixed ranges, as the quantizer does.
 *
 * <p>Immutable; build with {@link #builder()}, which validates.
 */
public final class CalibrationRequest {

    private final ModelSource model;
    private final Dataset data;
    private final QuantizationConfig config;
    private final TensorSelection tensors;
    private final int batchSize;
    private final int threads;
    private final ProgressListener listener;
    private final TensorObserver observer;

    private CalibrationRequest(Builder b) {
        this.model = b.model;
        this.data = b.data;
        this.config = b.config;
        this.tensors = b.tensors;
        this.batchSize = b.batchSize;
        this.threads = b.threads;
        this.listener = b.listener;
        this.observer = b.observer;
    }

    /**
     * A new builder; the model and the data must be set before {@link Builder#build()}.
     *
     * @return a fresh builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The model to calibrate; it is never modified.
     *
     * @return the model source, never null
     */
    public ModelSource model() {
        return model;
    }

    /**
     * The calibration samples.
     *
     * @return the dataset, holding at least one sample
     */
    public Dataset data() {
        return data;
    }

    /**
     * Method, options, schemes and seed (and, for the quantizer's selection, the plan settings).
     *
     * @return the config; the default config when none was set
     */
    public QuantizationConfig config() {
        return config;
    }

    /**
     * Which tensors to calibrate; {@link TensorSelection#quantizerTensors()} by default.
     *
     * @return the tensor selection, never null
     */
    public TensorSelection tensors() {
        return tensors;
    }

    /**
     * Samples per run of the model; 32 by default.
     *
     * @return the batch size, &gt; 0
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Threads the backend may use; 0 (the default) lets it choose.
     *
     * @return the thread count, &gt;= 0
     */
    public int threads() {
        return threads;
    }

    /**
     * Told of the calibration's progress.
     *
     * @return the listener; {@link ProgressListener#NONE} by default
     */
    public ProgressListener listener() {
        return listener;
    }

    /**
     * Also receives the values of every calibrated tensor, batch by batch; empty by default.
     *
     * @return the observer, or empty
     */
    public Optional<TensorObserver> observer() {
        return Optional.ofNullable(observer);
    }

    @Override
    public String toString() {
        return "CalibrationRequest[" + model.name() + ", data=" + data.fingerprint() + ", "
                + config.calibrationMethod().id() + ", " + tensors + ", batch " + batchSize + "]";
    }

    /** Builder of {@link CalibrationRequest}; the model and the data are required. */
    public static final class Builder {
        private ModelSource model;
        private Dataset data;
        private QuantizationConfig config = QuantizationConfig.builder().build();
        private TensorSelection tensors = TensorSelection.quantizerTensors();
        private int batchSize = 32;
        private int threads;
        private ProgressListener listener = ProgressListener.NONE;
        private TensorObserver observer;

        private Builder() {
        }

        /**
         * Sets the model to calibrate (required).
         *
         * @param model the model, as a file or serialized bytes
         * @return this builder
         */
        public Builder model(ModelSource model) {
            this.model = model;
            return this;
        }

        /**
         * The model file at {@code path}.
         *
         * @param path the ONNX model file; null leaves the model unset
         * @return this builder
         */
        public Builder model(Path path) {
            return model(path == null ? null : ModelSource.file(path));
        }

        /**
         * Sets the calibration samples (required, at least one sample).
         *
         * @param data the dataset
         * @return this builder
         */
        public Builder data(Dataset data) {
            this.data = data;
            return this;
        }

        /**
         * Sets the method, options, schemes and seed (the default config by default).
         *
         * @param config the config, not null
         * @return this builder
         */
        public Builder config(QuantizationConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Sets which tensors to calibrate ({@link TensorSelection#quantizerTensors()} by default).
         *
         * @param tensors the selection, not null
         * @return this builder
         */
        public Builder tensors(TensorSelection tensors) {
            this.tensors = Objects.requireNonNull(tensors, "tensors");
            return this;
        }

        /**
         * Sets the samples per run of the model (32 by default).
         *
         * @param batchSize the batch size, &gt; 0
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the threads the backend may use (0, the default, lets it choose).
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
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Also hands every calibrated tensor's values to {@code observer}; null for none.
         *
         * @param observer the observer, or null
         * @return this builder
         */
        public Builder observer(TensorObserver observer) {
            this.observer = observer;
            return this;
        }

        /**
         * The request.
         *
         * @return the immutable request
         * @throws InvalidInputException naming what is missing or out of range
         */
        public CalibrationRequest build() {
            if (model == null) {
                throw new InvalidInputException("No model given: set the model to calibrate (a file, or the"
                        + " serialized model with ModelSource.bytes)");
            }
            if (data == null) {
                throw new InvalidInputException("No calibration data given: calibration runs the model on samples,"
                        + " set a dataset (a few hundred representative samples is typical)");
            }
            if (data.size() <= 0) {
                throw new InvalidInputException("Calibration data " + data.fingerprint() + " holds no samples: give"
                        + " at least one (a few hundred representative samples is typical)");
            }
            if (batchSize <= 0) {
                throw new InvalidInputException("Batch size must be > 0, got " + batchSize);
            }
            if (threads < 0) {
                throw new InvalidInputException("Threads must be >= 0 (0 lets the backend choose), got " + threads);
            }
            return new CalibrationRequest(this);
        }
    }
}
