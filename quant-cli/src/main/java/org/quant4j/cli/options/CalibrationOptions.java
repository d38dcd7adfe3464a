package org.quant4j.cli.options;

import java.util.LinkedHashMap;
import java.util.Map;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.calibration.sampling.CalibrationSampler;
import picocli.CommandLine.Option;

/**
 * How activations are calibrated: the method and its options, the number of samples and the seed
 * that chooses them, the batch size and the activation type.
 */
public final class CalibrationOptions {

    /** Default of {@code --calibration-samples}. */
    public static final int DEFAULT_SAMPLES = 500;

    @Option(names = "--method", paramLabel = "NAME", defaultValue = "minmax",
            converter = CalibrationMethodConverter.class, completionCandidates = CalibrationMethodConverter.class,
            description = "Calibration method: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private CalibrationMethod method;

    @Option(names = "--method-option", paramLabel = "KEY=VALUE",
            description = "An option of the calibration method, e.g. percentile=99.9 or bins=4096; repeatable.")
    private Map<String, String> methodOptions = new LinkedHashMap<>();

    @Option(names = "--calibration-samples", paramLabel = "N",
            converter = CountConverter.Positive.class, defaultValue = "" + DEFAULT_SAMPLES,
            description = "Samples to calibrate on (default: ${DEFAULT-VALUE}; all of them when the data has fewer),"
                    + " chosen with --seed, in proportion to the classes when the data is labelled.")
    private int samples;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--batch-size", paramLabel = "N",
            converter = CountConverter.Positive.class, defaultValue = "32",
            description = "Samples per ONNX Runtime run (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--activations", paramLabel = "TYPE", converter = ActivationSchemeConverter.class,
            completionCandidates = ActivationSchemeConverter.class,
            description = "Activation type: uint8 (asymmetric) or int8 (symmetric).")
    private QuantScheme activations;

    public CalibrationMethod method() {
        return method;
    }

    public long seed() {
        return seed;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The activation scheme given, or {@code fallback} when none was. */
    public QuantScheme activations(QuantScheme fallback) {
        return activations == null ? fallback : activations;
    }

    /** The calibration method, its options and the seed set on {@code config}. */
    public QuantizationConfig.Builder applyTo(QuantizationConfig.Builder config) {
        config.calibrationMethod(method).seed(seed);
        methodOptions.forEach(config::calibrationOption);
        return config;
    }

    /**
     * The calibration samples of {@code data}: all of it when it holds at most
     * {@code --calibration-samples}, else a seeded selection, stratified by class when labelled.
     */
    public Dataset select(Dataset data) {
        if (samples >= data.size()) {
            return data;
        }
        return data.numClasses() > 0 ? CalibrationSampler.stratified(data, samples, seed)
                : CalibrationSampler.uniform(data, samples, seed);
    }
}
