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

    public static Builder builder() {
        return new Builder();
    }

    /** The model to calibrate; it is never modified. */
    public ModelSource model() {
        return model;
    }

    /** The calibration samples. */
    public Dataset data() {
        return data;
    }

    /** Method, options, schemes and seed (and, for the quantizer's selection, the plan settings). */
    public QuantizationConfig config() {
        return config;
    }

    /** Which tensors to calibrate; {@link TensorSelection#quantizerTensors()} by default. */
    public TensorSelection tensors() {
        return tensors;
    }

    /** Samples per run of the model; 32 by default. */
    public int batchSize() {
        return batchSize;
    }

    /** Threads the backend may use; 0 (the default) lets it choose. */
    public int threads() {
        return threads;
    }

    public ProgressListener listener() {
        return listener;
    }

    /** Also receives the values of every calibrated tensor, batch by batch; empty by default. */
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

        public Builder model(ModelSource model) {
            this.model = model;
            return this;
        }

        /** The model file at {@code path}. */
        public Builder model(Path path) {
            return model(path == null ? null : ModelSource.file(path));
        }

        public Builder data(Dataset data) {
            this.data = data;
            return this;
        }

        public Builder config(QuantizationConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        public Builder tensors(TensorSelection tensors) {
            this.tensors = Objects.requireNonNull(tensors, "tensors");
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

        public Builder listener(ProgressListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Also hands every calibrated tensor's values to {@code observer}; null for none. */
        public Builder observer(TensorObserver observer) {
            this.observer = observer;
            return this;
        }

        /**
         * The request.
         *
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
