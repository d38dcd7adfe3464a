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
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.calibration.CalibrationRequest;
import org.quant4j.api.calibration.ModelCalibrator;
import org.quant4j.api.calibration.ModelCalibrators;
import org.quant4j.api.calibration.TensorSelection;
import org.quant4j.api.data.Batch;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

/**
 * Wall time of calibration and of a whole static quantization of the ResNet-18-shaped graph against
 * one plain FP32 inference pass over the same images with the same batch size (16), threads and
 * optimisation level. Tasks:
 * <ul>
 *   <li>{@code fp32-pass}: the pass on a session opened once and already warm (the demanding
 *       baseline: no session creation, no first-run allocations);</li>
 *   <li>{@code fp32-fresh}: opening the session, the pass, closing it (what a program that runs the
 *       images once pays);</li>
 *   <li>{@code METHOD-calibration}: calibration alone through the calibration API,
 *       {@code ModelCalibrators.get("onnxruntime")} with the static quantizer's tensors (reading the
 *       file, folding, session creation, the pass, the ranges, the plan); its sessions use ONNX
 *       Runtime's default inter-op threads, which its sequential executor does not use;</li>
 *   <li>{@code METHOD}: the whole quantization through {@code Quantizers.get("onnxruntime")}
 *       (reading the file, folding, calibration, QDQ rewrite, writing the INT8 model).</li>
 * </ul>
 * Single shots vary a lot on a shared machine, so each task is measured five times after two
 * warm-up runs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class CalibrationBenchmark {

    static final int BATCH = 16;
    static final int THREADS = 2;

    @Param({"64", "512"})
    public int samples;

    @Param({"fp32-pass", "fp32-fresh", "minmax-calibration", "minmax", "entropy-calibration", "entropy"})
    public String task;

    private Path dir;
    private Path fp32;
    private OrtRunner runner;
    private ModelCalibrator calibrator;
    private UniformNoiseDataset images;

    private static RunnerOptions options() {
        return RunnerOptions.builder().intraOpThreads(THREADS).interOpThreads(1).optimization(OptimizationLevel.ALL).build();
    }

    @Setup(Level.Trial)
    public void setUp() {
        dir = ResNet18Models.tempDir();
        fp32 = ResNet18Models.fp32(dir);
        images = ResNet18Models.images(samples);
        if (task.equals("fp32-pass")) {
            runner = OrtRunner.open(fp32, options());
        }
        if (task.endsWith("-calibration")) {
            calibrator = ModelCalibrators.get("onnxruntime");
        }
    }

    @Benchmark
    public void run(Blackhole hole) {
        if (task.equals("fp32-pass")) {
            pass(runner, hole);
        } else if (task.equals("fp32-fresh")) {
            try (OrtRunner fresh = OrtRunner.open(fp32, options())) {
                pass(fresh, hole);
            }
        } else if (task.endsWith("-calibration")) {
            CalibrationMethod method = CalibrationMethod.fromId(task.substring(0, task.length() - "-calibration".length()));
            QuantizationConfig config = QuantizationConfig.builder().calibrationMethod(method).perChannel(true).build();
            hole.consume(calibrator.calibrate(CalibrationRequest.builder()
                    .model(fp32)
                    .data(images)
                    .config(config)
                    .tensors(TensorSelection.quantizerTensors())
                    .batchSize(BATCH)
                    .threads(THREADS)
                    .build()));
        } else {
            CalibrationMethod method = CalibrationMethod.fromId(task);
            QuantizationResult result = ResNet18Models.int8(fp32, dir.resolve("resnet18-" + task + ".onnx"), method,
                    images);
            hole.consume(result);
        }
    }

    private void pass(OrtRunner session, Blackhole hole) {
        for (Iterator<Batch> it = images.batches(BATCH); it.hasNext(); ) {
            hole.consume(session.run(it.next()));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (runner != null) {
            runner.close();
        }
        if (calibrator != null) {
            calibrator.close();
        }
    }
}
