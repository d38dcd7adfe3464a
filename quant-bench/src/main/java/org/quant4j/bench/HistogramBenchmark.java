package org.quant4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.quant4j.calibration.histogram.AbsHistogram;

/**
 * Throughput of histogram collection, the hot loop of entropy, percentile and MSE calibration.
 * One operation is one float observed, so the score reads directly as floats per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HistogramBenchmark {

    /** Floats per observed batch: one activation tensor of a mid-sized CNN layer at batch 32. */
    private static final int BATCH = 1 << 20;

    @Param({"2048"})
    public int bins;

    private float[] values;
    private AbsHistogram histogram;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        values = new float[BATCH];
        for (int i = 0; i < BATCH; i++) {
            values[i] = (float) gaussian(random);
        }
        histogram = new AbsHistogram(bins);
        // The first batch fixes the range; later batches stay inside it, the steady state.
        histogram.add(values, 0, values.length);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long collect() {
        histogram.add(values, 0, values.length);
        return histogram.count();
    }

    static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
