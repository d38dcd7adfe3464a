package org.quant4j.api.quantize;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.quant4j.api.io.AtomicFiles;
import org.quant4j.api.io.OutputTarget;
import java.util.Optional;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.data.Dataset;

/** One quantization job: model in, output path, config and (for static mode) calibration data. */
public final class QuantizationRequest {

    private final Path model;
    private final Path output;
    private final QuantizationConfig config;
    private final Dataset calibrationData;
    private final int batchSize;
    private final boolean overwriteOutput;
    private final int threads;
    private final ProgressListener listener;
    private final OutputTarget outputTarget;

    private QuantizationRequest(Builder b) {
        this.model = b.model;
        this.output = b.output;
        this.config = b.config;
        this.calibrationData = b.calibrationData;
        this.batchSize = b.batchSize;
        this.overwriteOutput = b.overwriteOutput;
        this.threads = b.threads;
        this.listener = b.listener;
        this.outputTarget = OutputTarget.builder(b.output, "the quantized model").overwrite(b.overwriteOutput)
                .overwriteHint(b.overwriteHint).freeSpace(b.freeSpace).input(b.model, "the input model")
                .inputs(b.inputs).build();
    }

    /**
     * A new builder; the model and output must be set, and calibration data for static mode.
     *
     * @return a fresh builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The float ONNX model to quantize; it is never modified.
     *
     * @return the model file, never null
     */
    public Path model() {
        return model;
    }

    /**
     * Where the quantized model is written; never the same path as {@link #model()}.
     *
     * @return the output file, never null
     */
    public Path output() {
        return output;
    }

    /**
     * How the model is quantized.
     *
     * @return the config; the default config when none was set
     */
    public QuantizationConfig config() {
        return config;
    }

    /**
     * The samples static quantization calibrates activation ranges on.
     *
     * @return the dataset; empty when none was given (allowed only in dynamic and FP16 modes)
     */
    public Optional<Dataset> calibrationData() {
        return Optional.ofNullable(calibrationData);
    }

    /**
     * Samples per run of the model while calibrating; 32 by default.
     *
     * @return the batch size, &gt; 0
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * When false (the default) an existing output file is an error rather than replaced.
     *
     * @return true when an existing output file may be replaced
     */
    public boolean overwriteOutput() {
        return overwriteOutput;
    }

    /**
     * Threads the backend may use while calibrating; 0 (the default) lets it choose.
     *
     * @return the thread count, &gt;= 0
     */
    public int threads() {
        return threads;
    }

    /**
     * Told of the quantization's progress.
     *
     * @return the listener; {@link ProgressListener#NONE} by default
     */
    public ProgressListener listener() {
        return listener;
    }

    /**
     * Where and how the quantized model is written: never over the model or any other input the
     * request names, over an existing file only when {@link #overwriteOutput()} allows it.
     *
     * @return the output target
     */
    public OutputTarget outputTarget() {
        return outputTarget;
    }

    /**
     * Checks, before any long work, that the output can be written ({@link OutputTarget#preflight}):
     * it is no input, it does not exist unless replacing is allowed, its directory is writable and
     * has room for a file the size of the input model. A quantizer calls it before it reads the
     * data; the file itself is then published exclusively by {@link OutputTarget#write}, so a file
     * that appears at the output meanwhile is never replaced without permission.
     *
     * @throws InvalidInputException naming the output and what to do instead
     */
    public void checkOutput() {
        outputTarget.preflight(Files.isRegularFile(model) ? AtomicFiles.size(model) : 0);
    }

    /** Builder of {@link QuantizationRequest}; model, output and config are required. */
    public static final class Builder {
        private Path model;
        private Path output;
        private QuantizationConfig config = QuantizationConfig.builder().build();
        private Dataset calibrationData;
        private int batchSize = 32;
        private boolean overwriteOutput;
        private int threads;
        private ProgressListener listener = ProgressListener.NONE;
        private final List<OutputTarget.Input> inputs = new ArrayList<>();
        private String overwriteHint = OutputTarget.API_OVERWRITE_HINT;
        private OutputTarget.FreeSpace freeSpace = OutputTarget.FreeSpace.FILE_STORE;

        private Builder() {
        }

        /**
         * Sets the float ONNX model to quantize (required).
         *
         * @param model the model file
         * @return this builder
         */
        public Builder model(Path model) {
            this.model = model;
            return this;
        }

        /**
         * Sets where the quantized model is written (required, not the model's path).
         *
         * @param output the output file
         * @return this builder
         */
        public Builder output(Path output) {
            this.output = output;
            return this;
        }

        /**
         * Sets how the model is quantized (the default config by default).
         *
         * @param config the config, not null
         * @return this builder
         */
        public Builder config(QuantizationConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Sets the calibration samples, required in static mode.
         *
         * @param data the dataset, or null for none
         * @return this builder
         */
        public Builder calibrationData(Dataset data) {
            this.calibrationData = data;
            return this;
        }

        /**
         * Sets the samples per run of the model while calibrating (32 by default).
         *
         * @param batchSize the batch size, &gt; 0
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Allows replacing an existing output file (false by default).
         *
         * @param overwrite true to replace an existing output
         * @return this builder
         */
        public Builder overwriteOutput(boolean overwrite) {
            this.overwriteOutput = overwrite;
            return this;
        }

        /**
         * Names a further file or directory the run reads besides the model (the calibration data,
         * its labels, a cache), so that the output is never written over it.
         *
         * @param input the file or directory
         * @param what what it is, for messages, e.g. "the calibration data"
         * @return this builder
         */
        public Builder input(Path input, String what) {
            this.inputs.add(new OutputTarget.Input(input, what));
            return this;
        }

        /**
         * Sets how the caller's user allows replacing an existing output, ending the "already
         * exists" message ({@link OutputTarget#API_OVERWRITE_HINT} by default; the command line says
         * "add --overwrite").
         *
         * @param hint the words
         * @return this builder
         */
        public Builder overwriteHint(String hint) {
            this.overwriteHint = Objects.requireNonNull(hint, "hint");
            return this;
        }

        /**
         * Sets how the free space of the output's file system is measured (the file store's usable
         * space by default).
         *
         * @param space the measure
         * @return this builder
         */
        public Builder freeSpace(OutputTarget.FreeSpace space) {
            this.freeSpace = Objects.requireNonNull(space, "space");
            return this;
        }

        /**
         * Sets the threads the backend may use while calibrating (0, the default, lets it choose).
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
         * Validates the settings and builds the request; the output file is checked later by
         * {@link QuantizationRequest#checkOutput()}.
         *
         * @return the immutable request
         * @throws InvalidInputException when the model or output is missing, the output is the model, the
         *     batch size is not positive, threads are negative, or static mode has no calibration data
         */
        public QuantizationRequest build() {
            if (model == null) {
                throw new InvalidInputException("No model given: set the path of the float ONNX model to quantize");
            }
            if (output == null) {
                throw new InvalidInputException("No output path given: set where the quantized model is written");
            }
            if (model.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
                throw new InvalidInputException("Output " + output + " is the input model: choose another output path,"
                        + " the input is never overwritten");
            }
            if (batchSize <= 0) {
                throw new InvalidInputException("Batch size must be > 0, got " + batchSize);
            }
            if (threads < 0) {
                throw new InvalidInputException("Threads must be >= 0 (0 lets the backend choose), got " + threads);
            }
            if (config.mode() == QuantizationMode.STATIC && calibrationData == null) {
                throw new InvalidInputException("Static quantization needs calibration data: give a dataset, or use"
                        + " dynamic or FP16 mode which need none");
            }
            return new QuantizationRequest(this);
        }
    }
}
