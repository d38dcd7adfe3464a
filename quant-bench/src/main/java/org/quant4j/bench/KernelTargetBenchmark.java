package org.quant4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.quant4j.api.Provenance;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Batch;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.platform.CpuFeatures;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.quant4j.onnx.saturation.LayerSaturation;
import org.quant4j.onnx.saturation.SaturationAnalysis;
import org.quant4j.onnx.saturation.SaturationReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speed cost of the {@code portable} kernel target against {@code vnni}: static INT8 (QDQ,
 * per-channel, min-max) models that differ only in the target, run on ONNX Runtime with 2 intra-op
 * threads and all graph optimisations. The score is the time of one {@code OrtRunner.run} of one
 * batch (batch 1: latency; batch 32: throughput is 32 / score). Models: the ResNet-18-shaped graph
 * of {@link InferenceBenchmark} (3x224x224, calibrated on 32 noise images) and the Fashion-MNIST
 * reference models of {@code models/reference} (1x28x28, calibrated on 500 training images
 * stratified by class, seed 42, timed on the first test images). The setup logs this machine's CPU
 * ({@link CpuFeatures#summary()}), since what the two targets cost depends on its int8 kernels.
 *
 * <p>The reference models are read from {@value #MODEL_DIR_PROPERTY} when set, else from
 * {@code models/reference} under the working directory (run from the repository root).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KernelTargetBenchmark {

    /** System property naming the folder of the {@code fashion-*.onnx} reference models. */
    static final String MODEL_DIR_PROPERTY = "quant4j.referenceModelDir";
    /** The reference models' folder relative to the repository root. */
    static final String DEFAULT_MODEL_DIR = "models/reference";
    /** Fashion-MNIST training images the reference models are calibrated on. */
    static final int FASHION_CALIBRATION_SAMPLES = 500;
    /** Seed of the stratified calibration subset (the reference models' seed). */
    static final long FASHION_SEED = 42;
    /** Noise images the ResNet-18-shaped graph is calibrated on, as in {@link InferenceBenchmark}. */
    static final int RESNET18_CALIBRATION_SAMPLES = 32;

    private static final Logger LOG = LoggerFactory.getLogger(KernelTargetBenchmark.class);

    /** resnet18: the ResNet-18-shaped graph at 224x224; fashion-*: the reference models of that name. */
    @Param({"resnet18", "fashion-resnet", "fashion-vgg", "fashion-efficientnet"})
    public String model;

    /** The kernel target the model is quantized for ({@link KernelTarget#id()}). */
    @Param({"portable", "vnni"})
    public String target;

    @Param({"1", "32"})
    public int batch;

    private Path dir;
    private OrtRunner runner;
    private Batch input;

    @Setup(Level.Trial)
    public void setUp() {
        KernelTarget kernelTarget = KernelTarget.parse(target);
        LOG.info("CPU: {}", CpuFeatures.host().summary());
        dir = ResNet18Models.tempDir();
        Path fp32;
        Dataset calibration;
        if (model.equals("resnet18")) {
            fp32 = ResNet18Models.fp32(dir);
            calibration = ResNet18Models.images(RESNET18_CALIBRATION_SAMPLES);
            input = new UniformNoiseDataset(batch, ResNet18Models.SAMPLE_SHAPE, 99, -2f, 2f).batches(batch).next();
        } else {
            fp32 = referenceModel(model);
            calibration = CalibrationSampler.stratified(FashionMnist.train(), FASHION_CALIBRATION_SAMPLES,
                    FASHION_SEED);
            input = FashionMnist.test().batches(batch).next();
        }
        Path int8 = dir.resolve(model + "-int8-" + kernelTarget.id() + ".onnx");
        QuantizationResult result = ResNet18Models.int8(fp32, int8, QuantizationConfig.builder()
                .calibrationMethod(CalibrationMethod.MIN_MAX).perChannel(true).kernelTarget(kernelTarget).build(),
                calibration);
        SaturationReport weights = SaturationAnalysis.ofWeights(OnnxModel.read(int8).graph());
        LOG.info("{} for target {} (provenance kernelTarget={}): {} of {} integer layers can saturate on AVX2"
                + " without VNNI; largest possible uint8 x int8 pair sum of the int16-pairing layers {} (int16 max"
                + " 32767)", model, kernelTarget.id(), result.provenance().get(Provenance.KERNEL_TARGET),
                weights.atRisk().size(), weights.layers().size(), weights.layers().stream()
                        .filter(LayerSaturation::pairsInInt16).mapToInt(LayerSaturation::worstPairSum).max().orElse(0));
        runner = OrtRunner.open(int8, RunnerOptions.builder()
                .intraOpThreads(2)
                .interOpThreads(1)
                .optimization(OptimizationLevel.ALL)
                .build());
    }

    @Benchmark
    public java.util.Map<String, FloatTensor> run() {
        return runner.run(input);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        runner.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The FP32 reference model {@code name}.onnx of {@value #MODEL_DIR_PROPERTY} or {@code models/reference}. */
    private static Path referenceModel(String name) {
        Path file = Path.of(System.getProperty(MODEL_DIR_PROPERTY, DEFAULT_MODEL_DIR)).resolve(name + ".onnx")
                .toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("Reference model " + file + " is missing: run the benchmark from the"
                    + " quant4j repository root, or give the folder with -D" + MODEL_DIR_PROPERTY + "=DIR");
        }
        return file;
    }
}
