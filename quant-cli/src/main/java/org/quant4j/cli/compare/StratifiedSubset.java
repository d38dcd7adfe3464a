package org.quant4j.cli.compare;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;
import org.quant4j.calibration.sampling.CalibrationSampler;

/** A sample-count option applied to data: a seeded stratified subset, or all of it. */
public final class StratifiedSubset {

    private StratifiedSubset() {
    }

    /**
     * {@code count} samples of {@code data} chosen in proportion to the classes with {@code seed}
     * (uniformly when the data has no labels);
     * all of {@code data} when {@code count} is null or not smaller than its size.
     *
     * @param option the option that gave {@code count}, named in the error when it is not positive
     */
    public static Dataset of(Dataset data, Integer count, long seed, String option) {
        if (count == null) {
            return data;
        }
        if (count <= 0) {
            throw new InvalidInputException(option + " must be > 0, got " + count);
        }
        if (count >= data.size()) {
            return data;
        }
        // Data without labels has no classes to keep in proportion: a seeded uniform choice.
        return data.numClasses() > 0 ? CalibrationSampler.stratified(data, count, seed)
                : CalibrationSampler.uniform(data, count, seed);
    }
}
