package org.quant4j.onnx.quantize;

import java.util.Collection;
import java.util.Objects;
import java.util.function.Function;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorOverride;
import org.quant4j.api.calibration.CalibrationRequest;
import org.quant4j.api.calibration.CalibrationResult;
import org.quant4j.api.calibration.ModelCalibrator;
import org.quant4j.api.calibration.ModelSource;
import org.quant4j.api.calibration.TensorSelection;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.onnx.graph.Graph;

/**
 * A {@link TensorCalibration} over the calibration API: each call serializes the graph and asks a
 * {@link ModelCalibrator} (any backend's, e.g. {@code ModelCalibrators.get("onnxruntime")}) for
 * the ranges of an {@link TensorSelection#of explicit list} of tensors. The calibrator is the
 * caller's to close.
 *
 * <p>Schemes: a request calibrates each tensor for {@link QuantizationConfig#activationScheme(String)}
 * of its config. {@link StaticQdqQuantizer} asks for exactly those schemes
 * ({@link org.quant4j.api.QuantizationConfig#activationScheme(String)}), so with the quantizer's config the request carries the config
 * unchanged; a tensor for which {@code schemes} gives another scheme gets a tensor override with
 * that scheme in the request's config, so every tensor is calibrated for the scheme asked for.
 *
 * @param calibrator runs the model
 * @param config     calibration method, options, schemes and seed
 * @param data       the calibration samples
 * @param batchSize  samples per run
 * @param threads    threads the backend may use, 0 to let it choose
 * @param listener   progress of each calibration run
 */
public record ApiTensorCalibration(ModelCalibrator calibrator, QuantizationConfig config, Dataset data,
        int batchSize, int threads, ProgressListener listener) implements TensorCalibration {

    public ApiTensorCalibration {
        Objects.requireNonNull(calibrator, "calibrator");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(listener, "listener");
    }

    /** Checks the data against the model's inputs as every backend does ({@link CalibrationInputs}). */
    @Override
    public void requireMatchingInputs(Graph graph) {
        CalibrationInputs.requireMatching(graph, data);
    }

    @Override
    public CalibratedRanges calibrate(Graph graph, Collection<String> tensors, Function<String, QuantScheme> schemes) {
        QuantizationConfig.Builder requested = null;
        for (String t : tensors) {
            QuantScheme scheme = schemes.apply(t);
            if (!scheme.equals(config.activationScheme(t))) {
                if (requested == null) {
                    requested = config.toBuilder();
                }
                // Only the scheme matters to an explicit selection: fixed ranges and keepFloat are the plan's.
                requested.tensorOverride(t, TensorOverride.withScheme(scheme));
            }
        }
        CalibrationResult result = calibrator.calibrate(CalibrationRequest.builder()
                .model(ModelSource.bytes(graph.name() == null || graph.name().isBlank() ? "graph" : graph.name(),
                        graph.toModel().toBytes()))
                .data(data)
                .config(requested == null ? config : requested.build())
                .tensors(TensorSelection.of(tensors))
                .batchSize(batchSize)
                .threads(threads)
                .listener(listener)
                .build());
        return new CalibratedRanges(result.ranges(), result.samples(), result.time());
    }
}
