package org.quant4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.api.quantize.Quantizers;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.OnnxModel;

/** The ResNet-18-shaped graph at 3x224x224 the inference benchmarks run, in FP32 and static INT8. */
final class ResNet18Models {

    static final int[] SAMPLE_SHAPE = {3, 224, 224};
    static final long SEED = 18;

    private ResNet18Models() {
    }

    /** {@code samples} seeded noise images in [-2, 2), the calibration and timing data of the benchmarks. */
    static UniformNoiseDataset images(int samples) {
        return new UniformNoiseDataset(samples, SAMPLE_SHAPE, SEED, -2f, 2f);
    }

    /** Writes the He-initialised FP32 ResNet-18 into {@code dir}. */
    static Path fp32(Path dir) {
        Path file = dir.resolve("resnet18-fp32.onnx");
        OnnxModel.of(ReferenceGraphs.resNet18(SEED)).write(file);
        return file;
    }

    /** Quantizes {@code fp32} statically (per-channel, given method) with {@code samples} calibration images. */
    static QuantizationResult int8(Path fp32, Path output, CalibrationMethod method, int samples) {
        return int8(fp32, output, method, images(samples));
    }

    /** Quantizes {@code fp32} statically (per-channel, given method) calibrating on {@code images}. */
    static QuantizationResult int8(Path fp32, Path output, CalibrationMethod method, UniformNoiseDataset images) {
        return int8(fp32, output, QuantizationConfig.builder().calibrationMethod(method).perChannel(true).build(),
                images);
    }

    /**
     * Quantizes {@code fp32} statically with min-max calibration, per-channel, leaving the stem (the
     * first Conv, 7x7 stride 2 over 3 channels) in float: with 3 input channels its integer kernel
     * is slower than the float one on ONNX Runtime's CPU kernels.
     */
    static QuantizationResult int8FloatStem(Path fp32, Path output, int samples) {
        String stem = OnnxModel.read(fp32).graph().nodes().stream().filter(n -> n.is("Conv")).findFirst()
                .orElseThrow().name();
        return int8(fp32, output, QuantizationConfig.builder().calibrationMethod(CalibrationMethod.MIN_MAX)
                .perChannel(true).excludeNode(stem).build(), images(samples));
    }

    /** Quantizes {@code fp32} with {@code config}, calibrating on {@code images} (batches of 16, 2 threads). */
    static QuantizationResult int8(Path fp32, Path output, QuantizationConfig config, Dataset images) {
        try (Quantizer quantizer = Quantizers.get("onnxruntime")) {
            return quantizer.quantize(QuantizationRequest.builder()
                    .model(fp32)
                    .output(output)
                    .overwriteOutput(true)
                    .config(config)
                    .calibrationData(images)
                    .batchSize(16)
                    .threads(2)
                    .build());
        }
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("quant4j-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
