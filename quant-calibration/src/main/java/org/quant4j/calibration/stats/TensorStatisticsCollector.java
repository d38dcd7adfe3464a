package org.quant4j.calibration.stats;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.calibration.Calibrator;
import org.quant4j.api.calibration.CalibratorOptions;
import org.quant4j.api.calibration.Calibrators;
import org.quant4j.calibration.histogram.AbsHistogram;

/**
 * Streaming statistics of one tensor: count, non-finite count, minimum, maximum, mean and
 * population standard deviation of the finite values, the {@link AbsHistogram} of {@code |x|}, and
 * the range each requested calibration method would choose (one {@link Calibrator}, looked up with
 * {@link Calibrators}, fed the same batches). State is bounded: it does not grow with the number
 * of batches.
 *
 * <p>Mean and variance are numerically stable: each batch's mean and sum of squared deviations are
 * computed in two passes in double precision, then merged into the running values with Chan et al.'s
 * pairwise update (Welford's update generalised to batches). Not thread-safe.
 */
public final class TensorStatisticsCollector {

    private final String name;
    private final AbsHistogram histogram;
    private final Map<String, Calibrator> calibrators = new LinkedHashMap<>();
    private long count;
    private double mean;
    private double m2;

    /** Collects with default calibrator options and a histogram of {@link AbsHistogram#DEFAULT_BINS} bins. */
    public TensorStatisticsCollector(String name, Collection<String> methods) {
        this(name, defaultOptions(methods), AbsHistogram.DEFAULT_BINS);
    }

    /**
     * @param name          the tensor's name
     * @param methods       calibrator name to its options, e.g. {@code entropy -> {}}, {@code percentile -> {percentile=99.9}}
     * @param histogramBins initial bins of the statistics histogram
     * @throws InvalidInputException when a method is unknown, has bad options or is listed twice
     */
    public TensorStatisticsCollector(String name, Map<String, CalibratorOptions> methods, int histogramBins) {
        this.name = Objects.requireNonNull(name, "name");
        this.histogram = new AbsHistogram(histogramBins);
        methods.forEach((method, options) -> {
            Calibrator c = Calibrators.create(method, options);
            String id = c.method().id();
            if (calibrators.putIfAbsent(id, c) != null) {
                throw new InvalidInputException("Calibration method '" + id + "' is requested twice for tensor '" + name
                        + "': list each method once");
            }
        });
    }

    private static Map<String, CalibratorOptions> defaultOptions(Collection<String> methods) {
        Map<String, CalibratorOptions> map = new LinkedHashMap<>();
        for (String m : methods) {
            map.put(m, CalibratorOptions.empty());
        }
        return map;
    }

    /** The tensor's name. */
    public String name() {
        return name;
    }

    /** Observes {@code length} values of {@code values} from {@code offset}. */
    public void observe(float[] values, int offset, int length) {
        Objects.requireNonNull(values, "values");
        long finiteBefore = histogram.count();
        long nonFiniteBefore = histogram.nonFiniteCount();
        histogram.add(values, offset, length);
        for (Calibrator c : calibrators.values()) {
            c.observe(values, offset, length);
        }
        long n = histogram.count() - finiteBefore;
        if (n == 0) {
            return;
        }
        boolean allFinite = histogram.nonFiniteCount() == nonFiniteBefore;
        int end = offset + length;
        double sum = 0;
        for (int i = offset; i < end; i++) {
            float x = values[i];
            if (allFinite || Float.isFinite(x)) {
                sum += x;
            }
        }
        double batchMean = sum / n;
        double batchM2 = 0;
        for (int i = offset; i < end; i++) {
            float x = values[i];
            if (allFinite || Float.isFinite(x)) {
                double d = x - batchMean;
                batchM2 += d * d;
            }
        }
        long total = count + n;
        double delta = batchMean - mean;
        mean += delta * ((double) n / total);
        m2 += batchM2 + delta * delta * ((double) count * n / total);
        count = total;
    }

    /** Observes all of {@code values}. */
    public void observe(float[] values) {
        observe(values, 0, values.length);
    }

    /** Number of finite values observed. */
    public long count() {
        return count;
    }

    /** The statistics so far; the ranges are left out while no finite value has been observed. */
    public TensorStatistics statistics() {
        TensorStatistics.Builder b = TensorStatistics.builder(name)
                .count(count)
                .nonFiniteCount(histogram.nonFiniteCount())
                .histogram(histogram.binWidth(), histogram.counts());
        if (count > 0) {
            double min = histogram.min();
            double max = histogram.max();
            // Rounding of the mean can step a hair outside [min, max] for (near-)constant data.
            b.moments(min, max, Math.max(min, Math.min(max, mean)), Math.sqrt(Math.max(0.0, m2 / count)));
            calibrators.forEach((method, calibrator) -> b.range(method, calibrator.range()));
        }
        return b.build();
    }
}
