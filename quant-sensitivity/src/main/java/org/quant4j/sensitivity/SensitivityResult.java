package org.quant4j.sensitivity;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.quant4j.api.InvalidInputException;
import org.quant4j.sensitivity.gradient.GradientEstimate;

/**
 * The layers of a model ranked by their sensitivity to INT8, with what each measurement gave.
 *
 * @param model           the analysed model's file name
 * @param metric          the metric whose drop was measured
 * @param baseline        the float model's metric on the evaluation data (1 for agreement, 0 for noise)
 * @param fullInt8        the drop of the model with every layer in INT8
 * @param tolerance       the tolerated drop
 * @param layers          the layers, most sensitive first: by one-on drop, else by one-off recovery,
 *                        else by accumulated SQNR (lowest first), else by gradient estimate
 *                        (largest first)
 * @param correlations    Spearman's rank correlations between the measurements, by name (e.g.
 *                        {@code "oneOn~oneOff"}); a pair with fewer than two finite values is absent
 * @param calibratedTensors tensors in the one calibration table every variant was built from
 * @param calibrationTime time of the one calibration run
 * @param variantTime     time of building and evaluating every variant
 * @param tensorErrorTime time of the per-tensor error pass
 * @param floatPassTime   time of one evaluation of the float model over every evaluation sample
 *                        (the top-1 baseline), to compare the per-tensor pass with; zero when the
 *                        metric needs no baseline pass (agreement)
 * @param seed            seed of the evaluation order and the bootstrap
 * @param gradient        the gradient estimate (its per-layer values are also in {@link
 *                        LayerSensitivity#gradient()}), or why the estimator could not run the model;
 *                        empty when none was asked for
 * @param tensorErrorSplit {@code tensorErrorTime} split into its fixed and per-batch cost; empty when
 *                        the pass did not run or ran fewer than two batches
 * @param floatPassSplit  {@code floatPassTime} split the same way
 * @param localSamples    evaluation samples the local SQNR was measured on: all of them, or the
 *                        sub-sample of {@link SensitivityRequest#localSamples()}; 0 when no local SQNR
 *                        was measured (or the result predates this field)
 */
public record SensitivityResult(String model, SensitivityRequest.Metric metric, double baseline, VariantScore fullInt8,
        double tolerance, List<LayerSensitivity> layers, Map<String, Double> correlations, int calibratedTensors,
        Duration calibrationTime, Duration variantTime, Duration tensorErrorTime, Duration floatPassTime, long seed,
        Optional<GradientEstimate> gradient, Optional<PassTime> tensorErrorSplit, Optional<PassTime> floatPassSplit,
        int localSamples) {

    /** A result that does not say how many samples its local SQNR was measured on. */
    public SensitivityResult(String model, SensitivityRequest.Metric metric, double baseline, VariantScore fullInt8,
            double tolerance, List<LayerSensitivity> layers, Map<String, Double> correlations, int calibratedTensors,
            Duration calibrationTime, Duration variantTime, Duration tensorErrorTime, Duration floatPassTime,
            long seed, Optional<GradientEstimate> gradient, Optional<PassTime> tensorErrorSplit,
            Optional<PassTime> floatPassSplit) {
        this(model, metric, baseline, fullInt8, tolerance, layers, correlations, calibratedTensors, calibrationTime,
                variantTime, tensorErrorTime, floatPassTime, seed, gradient, tensorErrorSplit, floatPassSplit, 0);
    }

    /** A result whose pass times are not split. */
    public SensitivityResult(String model, SensitivityRequest.Metric metric, double baseline, VariantScore fullInt8,
            double tolerance, List<LayerSensitivity> layers, Map<String, Double> correlations, int calibratedTensors,
            Duration calibrationTime, Duration variantTime, Duration tensorErrorTime, Duration floatPassTime,
            long seed, Optional<GradientEstimate> gradient) {
        this(model, metric, baseline, fullInt8, tolerance, layers, correlations, calibratedTensors, calibrationTime,
                variantTime, tensorErrorTime, floatPassTime, seed, gradient, Optional.empty(), Optional.empty());
    }

    /** A result without a gradient estimate. */
    public SensitivityResult(String model, SensitivityRequest.Metric metric, double baseline, VariantScore fullInt8,
            double tolerance, List<LayerSensitivity> layers, Map<String, Double> correlations, int calibratedTensors,
            Duration calibrationTime, Duration variantTime, Duration tensorErrorTime, Duration floatPassTime,
            long seed) {
        this(model, metric, baseline, fullInt8, tolerance, layers, correlations, calibratedTensors, calibrationTime,
                variantTime, tensorErrorTime, floatPassTime, seed, Optional.empty());
    }

    /** Correlation of the one-on drops with the one-off recoveries. */
    public static final String ONE_ON_ONE_OFF = "oneOn~oneOffRecovery";
    /** Correlation of the one-on drops with the accumulated SQNR (negated: low SQNR, large drop). */
    public static final String ONE_ON_SQNR_ACCUMULATED = "oneOn~-sqnrAccumulated";
    /** Correlation of the one-on drops with the local SQNR (negated). */
    public static final String ONE_ON_SQNR_LOCAL = "oneOn~-sqnrLocal";
    /** Correlation of the one-off recoveries with the accumulated SQNR (negated). */
    public static final String ONE_OFF_SQNR_ACCUMULATED = "oneOffRecovery~-sqnrAccumulated";
    /** Correlation of the one-on drops with the gradient estimate. */
    public static final String ONE_ON_GRADIENT = "oneOn~gradient";

    public SensitivityResult {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(fullInt8, "fullInt8");
        layers = List.copyOf(layers);
        correlations = Collections.unmodifiableMap(new LinkedHashMap<>(correlations));
        Objects.requireNonNull(calibrationTime, "calibrationTime");
        Objects.requireNonNull(variantTime, "variantTime");
        Objects.requireNonNull(tensorErrorTime, "tensorErrorTime");
        Objects.requireNonNull(floatPassTime, "floatPassTime");
        Objects.requireNonNull(gradient, "gradient");
        Objects.requireNonNull(tensorErrorSplit, "tensorErrorSplit");
        Objects.requireNonNull(floatPassSplit, "floatPassSplit");
        if (localSamples < 0) {
            throw new IllegalArgumentException("localSamples must be >= 0, got " + localSamples);
        }
    }

    /** The {@code k} most sensitive layers. */
    public List<LayerSensitivity> top(int k) {
        if (k <= 0) {
            throw new InvalidInputException("Top-k needs k > 0, got " + k);
        }
        return layers.subList(0, Math.min(k, layers.size()));
    }

    /** The layer {@code node}, by name. */
    public LayerSensitivity layer(String node) {
        return layers.stream().filter(l -> l.node().equals(node)).findFirst().orElseThrow(
                () -> new InvalidInputException("No layer '" + node + "' was analysed"));
    }
}
