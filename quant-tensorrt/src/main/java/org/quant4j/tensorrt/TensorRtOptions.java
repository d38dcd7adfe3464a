package org.quant4j.tensorrt;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.calibration.table.TensorRtCalibrationCache.Algorithm;

/**
 * How to build a TensorRT engine: the precision path, the calibrator of implicit INT8, strong
 * typing, FP16 kernels beside INT8, per-layer precision constraints, the calibration cache, the
 * builder's workspace and optimisation level. Immutable; {@link Builder#build()} rejects
 * combinations TensorRT would reject or silently ignore, saying which setting to change.
 */
public final class TensorRtOptions {

    /** Default builder workspace: 1 GiB. */
    public static final long DEFAULT_WORKSPACE_BYTES = 1L << 30;
    /** Default batch: samples per calibration batch, and the largest batch of a dynamic-batch engine. */
    public static final int DEFAULT_BATCH_SIZE = 8;
    /** TensorRT's default builder optimisation level. */
    public static final int DEFAULT_OPTIMIZATION_LEVEL = 3;

    private final EnginePrecision precision;
    private final Algorithm calibrator;
    private final boolean stronglyTyped;
    private final boolean allowFp16;
    private final Map<String, LayerPrecision> layerPrecisions;
    private final int batchSize;
    private final Optional<Path> calibrationCache;
    private final long workspaceBytes;
    private final int optimizationLevel;

    private TensorRtOptions(Builder b) {
        this.precision = b.precision;
        this.calibrator = b.calibrator;
        this.stronglyTyped = b.stronglyTyped;
        this.allowFp16 = b.allowFp16;
        this.layerPrecisions = Collections.unmodifiableMap(new LinkedHashMap<>(b.layerPrecisions));
        this.batchSize = b.batchSize;
        this.calibrationCache = Optional.ofNullable(b.calibrationCache);
        this.workspaceBytes = b.workspaceBytes;
        this.optimizationLevel = b.optimizationLevel;
    }

    /** A builder for {@code precision}; strongly typed by default where TensorRT allows it (explicit INT8, FP32). */
    public static Builder builder(EnginePrecision precision) {
        return new Builder(precision);
    }

    public EnginePrecision precision() {
        return precision;
    }

    /** The calibrator of {@link EnginePrecision#IMPLICIT_INT8}: entropy 2 or min-max. */
    public Algorithm calibrator() {
        return calibrator;
    }

    /** Whether the network is strongly typed: every tensor keeps the type of the ONNX model. */
    public boolean stronglyTyped() {
        return stronglyTyped;
    }

    /** Whether FP16 kernels may run beside INT8 (weakly typed networks only). */
    public boolean allowFp16() {
        return allowFp16;
    }

    /** Layer name (the ONNX node name, as the parser names layers) to the precision it must run in. */
    public Map<String, LayerPrecision> layerPrecisions() {
        return layerPrecisions;
    }

    /**
     * Samples per calibration batch, and the batch dimension (the largest one) an engine of a
     * model with a dynamic batch dimension is built for.
     */
    public int batchSize() {
        return batchSize;
    }

    /** The TensorRT calibration cache: read when it exists (calibration is then skipped), written when it does not. */
    public Optional<Path> calibrationCache() {
        return calibrationCache;
    }

    public long workspaceBytes() {
        return workspaceBytes;
    }

    public int optimizationLevel() {
        return optimizationLevel;
    }

    /** The TensorRT calibrator of a quant4j calibration method: entropy or minmax. */
    public static Algorithm calibratorOf(CalibrationMethod method) {
        if (method.equals(CalibrationMethod.ENTROPY)) {
            return Algorithm.ENTROPY_CALIBRATION_2;
        }
        if (method.equals(CalibrationMethod.MIN_MAX)) {
            return Algorithm.MIN_MAX_CALIBRATION;
        }
        throw new InvalidInputException("TensorRT calibrates with " + CalibrationMethod.ENTROPY.id()
                + " (IInt8EntropyCalibrator2) or " + CalibrationMethod.MIN_MAX.id() + " (IInt8MinMaxCalibrator), not "
                + method.id() + ": use --method entropy or --method minmax, or quantize with --backend onnxruntime"
                + " and build the engine from the Q/DQ model (explicit quantization)");
    }

    @Override
    public String toString() {
        return "TensorRtOptions[" + precision + (precision == EnginePrecision.IMPLICIT_INT8 ? " " + calibrator : "")
                + (stronglyTyped ? ", strongly typed" : "") + (allowFp16 ? ", fp16 allowed" : "")
                + (layerPrecisions.isEmpty() ? "" : ", layers " + layerPrecisions) + "]";
    }

    /** Builder of {@link TensorRtOptions}. */
    public static final class Builder {
        private final EnginePrecision precision;
        private Algorithm calibrator = Algorithm.ENTROPY_CALIBRATION_2;
        private Boolean stronglyTypedSetting;
        private boolean stronglyTyped;
        private boolean allowFp16;
        private final Map<String, LayerPrecision> layerPrecisions = new LinkedHashMap<>();
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Path calibrationCache;
        private long workspaceBytes = DEFAULT_WORKSPACE_BYTES;
        private int optimizationLevel = DEFAULT_OPTIMIZATION_LEVEL;

        private Builder(EnginePrecision precision) {
            this.precision = Objects.requireNonNull(precision, "precision");
        }

        public Builder calibrator(Algorithm calibrator) {
            this.calibrator = Objects.requireNonNull(calibrator, "calibrator");
            return this;
        }

        public Builder stronglyTyped(boolean stronglyTyped) {
            this.stronglyTypedSetting = stronglyTyped;
            return this;
        }

        public Builder allowFp16(boolean allowFp16) {
            this.allowFp16 = allowFp16;
            return this;
        }

        /** Constrains layer {@code layer} to {@code precision} (fp32, fp16 or int8). */
        public Builder layerPrecision(String layer, LayerPrecision precision) {
            Objects.requireNonNull(layer, "layer");
            Objects.requireNonNull(precision, "precision");
            if (layer.isBlank()) {
                throw new InvalidInputException("A per-layer precision needs a layer name: give the ONNX node name");
            }
            if (layerPrecisions.put(layer, precision) != null) {
                throw new InvalidInputException("Layer '" + layer + "' is given a precision twice: give it once");
            }
            return this;
        }

        public Builder batchSize(int size) {
            this.batchSize = size;
            return this;
        }

        public Builder calibrationCache(Path cache) {
            this.calibrationCache = cache;
            return this;
        }

        public Builder workspaceBytes(long bytes) {
            this.workspaceBytes = bytes;
            return this;
        }

        public Builder optimizationLevel(int level) {
            this.optimizationLevel = level;
            return this;
        }

        /**
         * The options.
         *
         * @throws InvalidInputException naming the setting to change when the combination is invalid
         */
        public TensorRtOptions build() {
            boolean typedAllowed = precision == EnginePrecision.EXPLICIT_INT8 || precision == EnginePrecision.FP32;
            stronglyTyped = stronglyTypedSetting != null ? stronglyTypedSetting : typedAllowed;
            if (stronglyTyped && !typedAllowed) {
                throw new InvalidInputException("A strongly typed network takes every type from the ONNX model, so it"
                        + " cannot be built as " + precision + ": turn strong typing off, or quantize the model to Q/DQ"
                        + " (explicit INT8) or FP16 ONNX first");
            }
            if (stronglyTyped && allowFp16) {
                throw new InvalidInputException("FP16 kernels beside INT8 need a weakly typed network (a strongly typed"
                        + " one runs FP16 only where the ONNX model is float16): turn strong typing off or FP16 off");
            }
            if (allowFp16 && precision != EnginePrecision.EXPLICIT_INT8 && precision != EnginePrecision.IMPLICIT_INT8) {
                throw new InvalidInputException("'allow FP16' adds FP16 kernels to an INT8 engine; for " + precision
                        + " choose precision FP16 instead");
            }
            if (precision != EnginePrecision.IMPLICIT_INT8 && calibrationCache != null) {
                throw new InvalidInputException("A calibration cache belongs to implicit INT8 calibration, but the"
                        + " engine is " + precision + ": drop the cache, or build with IMPLICIT_INT8");
            }
            if (calibrator != Algorithm.ENTROPY_CALIBRATION_2 && calibrator != Algorithm.MIN_MAX_CALIBRATION) {
                throw new InvalidInputException("The TensorRT backend calibrates with EntropyCalibration2 or"
                        + " MinMaxCalibration, not " + calibrator.headerName());
            }
            if (batchSize <= 0) {
                throw new InvalidInputException("The batch size must be positive, got " + batchSize);
            }
            if (workspaceBytes < (1L << 20)) {
                throw new InvalidInputException("The builder workspace must be at least 1 MiB (1048576 bytes), got "
                        + workspaceBytes);
            }
            if (optimizationLevel < 0 || optimizationLevel > 5) {
                throw new InvalidInputException("TensorRT's builder optimisation level is 0 to 5, got "
                        + optimizationLevel);
            }
            for (Map.Entry<String, LayerPrecision> e : layerPrecisions.entrySet()) {
                checkLayer(e.getKey(), e.getValue());
            }
            return new TensorRtOptions(this);
        }

        private void checkLayer(String layer, LayerPrecision p) {
            if (stronglyTyped) {
                throw new InvalidInputException("Layer '" + layer + "' is given precision " + p.id() + ", but a strongly"
                        + " typed network takes its types from the model: turn strong typing off to set layer precisions");
            }
            switch (p) {
                case FP32 -> { }
                case FP16 -> {
                    if (precision != EnginePrecision.FP16 && !allowFp16) {
                        throw new InvalidInputException("Layer '" + layer + "' is asked to run in fp16, but the engine"
                                + " has no FP16 kernels: build with precision FP16 or allow FP16");
                    }
                }
                case INT8 -> {
                    if (precision != EnginePrecision.IMPLICIT_INT8) {
                        throw new InvalidInputException("Layer '" + layer + "' is asked to run in int8, which only"
                                + " implicit INT8 calibration decides per layer (a Q/DQ model says it with its Q/DQ"
                                + " nodes): build with IMPLICIT_INT8");
                    }
                }
                default -> throw new InvalidInputException("Layer '" + layer + "' is given precision " + p.id()
                        + "; a layer can be constrained to fp32, fp16 or int8");
            }
        }
    }
}
