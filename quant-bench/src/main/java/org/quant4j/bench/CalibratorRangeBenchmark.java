package org.quant4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.Calibrator;
import org.quant4j.api.calibration.CalibratorOptions;
import org.quant4j.api.calibration.Calibrators;

/**
 * Time of one range computation per calibrator after a tensor has been observed: for entropy and
 * MSE this is the threshold search over a 2048-bin histogram, for min-max a field read.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CalibratorRangeBenchmark {

    @Param({"minmax", "moving-average-minmax", "entropy", "percentile", "mse"})
    public String method;

    /** Gaussian data fills a few hundred bins; uniform data fills all 2048, the slowest search. */
    @Param({"gaussian", "uniform"})
    public String distribution;

    private Calibrator calibrator;

    @Setup(Level.Trial)
    public void setUp() {
        calibrator = Calibrators.create(method, CalibratorOptions.empty());
        SplittableRandom random = new SplittableRandom(7);
        float[] batch = new float[1 << 16];
        for (int b = 0; b < 16; b++) {
            for (int i = 0; i < batch.length; i++) {
                batch[i] = distribution.equals("uniform")
                        ? (float) (random.nextDouble() * 2 - 1)
                        : (float) HistogramBenchmark.gaussian(random);
            }
            calibrator.observe(batch);
        }
    }

    @Benchmark
    public TensorRange range() {
        return calibrator.range();
    }
}
