package org.quant4j.bench;

import java.nio.file.Path;
import java.util.Iterator;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.data.Batch;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

/**
 * Wall time of a whole static quantization (BN folding, calibration over {@value #SAMPLES} images,
 * QDQ rewrite, write) of the ResNet-18-shaped graph against one plain FP32 inference pass over the
 * same images with the same batch size, threads and optimisation level. Single shots vary a lot on
 * a shared machine, so each task is measured five times after two warm-up runs; the calibration
 * step alone is logged by {@code ActivationCalibration} ("Calibrated N tensors ... in T ms").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class CalibrationBenchmark {

    static final int SAMPLES = 64;

    @Param({"fp32-pass", "minmax", "entropy"})
    public String task;

    private Path dir;
    private Path fp32;
    private OrtRunner runner;
    private UniformNoiseDataset images;

    @Setup(Level.Trial)
    public void setUp() {
        dir = ResNet18Models.tempDir();
        fp32 = ResNet18Models.fp32(dir);
        images = new UniformNoiseDataset(SAMPLES, ResNet18Models.SAMPLE_SHAPE, ResNet18Models.SEED, -2f, 2f);
        if (task.equals("fp32-pass")) {
            runner = OrtRunner.open(fp32, RunnerOptions.builder()
                    .intraOpThreads(2)
                    .interOpThreads(1)
                    .optimization(OptimizationLevel.ALL)
                    .build());
        }
    }

    @Benchmark
    public void run(Blackhole hole) {
        if (runner != null) {
            for (Iterator<Batch> it = images.batches(16); it.hasNext(); ) {
                hole.consume(runner.run(it.next()));
            }
        } else {
            CalibrationMethod method = CalibrationMethod.fromId(task);
            QuantizationResult result = ResNet18Models.int8(fp32, dir.resolve("resnet18-" + task + ".onnx"), method,
                    SAMPLES);
            hole.consume(result);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (runner != null) {
            runner.close();
        }
    }
}
