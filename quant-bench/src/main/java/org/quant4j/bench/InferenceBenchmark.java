package org.quant4j.bench;

import java.nio.file.Path;
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
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.data.Batch;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

/**
 * FP32 against static INT8 (QDQ, per-channel, min-max) inference of a ResNet-18-shaped graph at
 * 3x224x224 on ONNX Runtime with 2 intra-op threads and all graph optimisations. The score is the
 * time of one batch: at batch 1 it is the latency, at batch 32 throughput is 32 / score.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class InferenceBenchmark {

    /** fp32; int8 (every Conv, Add and Gemm); int8-float-stem (all but the first 7x7 Conv over 3 channels). */
    @Param({"fp32", "int8", "int8-float-stem"})
    public String precision;

    @Param({"1", "32"})
    public int batch;

    private OrtRunner runner;
    private Batch input;

    @Setup(Level.Trial)
    public void setUp() {
        Path dir = ResNet18Models.tempDir();
        Path model = ResNet18Models.fp32(dir);
        if (precision.equals("int8")) {
            Path int8 = dir.resolve("resnet18-int8.onnx");
            ResNet18Models.int8(model, int8, CalibrationMethod.MIN_MAX, 32);
            model = int8;
        } else if (precision.equals("int8-float-stem")) {
            Path int8 = dir.resolve("resnet18-int8-float-stem.onnx");
            ResNet18Models.int8FloatStem(model, int8, 32);
            model = int8;
        }
        runner = OrtRunner.open(model, RunnerOptions.builder()
                .intraOpThreads(2)
                .interOpThreads(1)
                .optimization(OptimizationLevel.ALL)
                .build());
        UniformNoiseDataset images = new UniformNoiseDataset(batch, ResNet18Models.SAMPLE_SHAPE, 99, -2f, 2f);
        input = images.batches(batch).next();
    }

    @Benchmark
    public java.util.Map<String, FloatTensor> run() {
        return runner.run(input);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        runner.close();
    }
}
