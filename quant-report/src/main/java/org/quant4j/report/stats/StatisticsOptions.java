package org.quant4j.report.stats;

import org.quant4j.api.InvalidInputException;

/**
 * Settings of the evaluation statistics: bootstrap resamples, confidence level and seed, and the
 * number of confidence bins of the expected calibration error.
 *
 * @param bootstrapResamples resamples drawn per bootstrap interval (default 1000)
 * @param confidenceLevel    two-sided coverage of the intervals (default 0.95)
 * @param seed               seed of the bootstrap's {@link java.util.SplittableRandom}
 * @param calibrationBins    equal-width confidence bins of the calibration error (default 15)
 */
public record StatisticsOptions(int bootstrapResamples, double confidenceLevel, long seed, int calibrationBins) {

    /** Default number of bootstrap resamples. */
    public static final int DEFAULT_RESAMPLES = 1000;
    /** Default confidence level. */
    public static final double DEFAULT_LEVEL = 0.95;
    /** Default number of calibration-error bins (Guo et al., 2017 use 15). */
    public static final int DEFAULT_BINS = 15;

    public StatisticsOptions {
        if (bootstrapResamples < 1) {
            throw new InvalidInputException("Bootstrap resamples must be >= 1, got " + bootstrapResamples
                    + "; use e.g. " + DEFAULT_RESAMPLES);
        }
        if (!(confidenceLevel > 0 && confidenceLevel < 1)) {
            throw new InvalidInputException("Confidence level must be in (0, 1), got " + confidenceLevel
                    + "; use e.g. " + DEFAULT_LEVEL);
        }
        if (calibrationBins < 1) {
            throw new InvalidInputException("Calibration-error bins must be >= 1, got " + calibrationBins
                    + "; use e.g. " + DEFAULT_BINS);
        }
    }

    /** 1000 resamples, 95% intervals, 15 bins, with the given seed. */
    public static StatisticsOptions withSeed(long seed) {
        return new StatisticsOptions(DEFAULT_RESAMPLES, DEFAULT_LEVEL, seed, DEFAULT_BINS);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link StatisticsOptions}, starting from the defaults and seed 0. */
    public static final class Builder {
        private int bootstrapResamples = DEFAULT_RESAMPLES;
        private double confidenceLevel = DEFAULT_LEVEL;
        private long seed;
        private int calibrationBins = DEFAULT_BINS;

        private Builder() {
        }

        public Builder bootstrapResamples(int resamples) {
            this.bootstrapResamples = resamples;
            return this;
        }

        public Builder confidenceLevel(double level) {
            this.confidenceLevel = level;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder calibrationBins(int bins) {
            this.calibrationBins = bins;
            return this;
        }

        public StatisticsOptions build() {
            return new StatisticsOptions(bootstrapResamples, confidenceLevel, seed, calibrationBins);
        }
    }
}
