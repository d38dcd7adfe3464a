package org.quant4j.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.ModelBatches;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.api.quantize.Quantizers;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnx.builder.ArchitectureGraphs;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

/**
 * One memory measurement per process, for {@code quant-bench/memory.sh}, which runs each in a fresh
 * JVM under {@code /usr/bin/time -v} so that the peak resident set belongs to that measurement alone.
 * The last line printed is {@code VmHWM <bytes>}, the peak as this process saw it.
 * <ul>
 *   <li>{@code export resnet18|resnet50|vgg16 FILE}: writes the full-size architecture (seeded He
 *       weights, {@link ArchitectureGraphs}).</li>
 *   <li>{@code fp32 MODEL BATCH SAMPLES}: a plain FP32 pass on ONNX Runtime (2 intra-op threads,
 *       default session options) over {@code SAMPLES} noise images in batches of {@code BATCH}.</li>
 *   <li>{@code quantize MODEL minmax|entropy|percentile|mse BATCH SAMPLES OUT}: a whole static per-channel
 *       quantization (calibration on the same images, then the QDQ model written to {@code OUT}).</li>
 * </ul>
 */
public final class MemoryFootprint {

    private static final long SEED = 16;

    private MemoryFootprint() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("Usage: export ARCH FILE | fp32 MODEL BATCH SAMPLES"
                    + " | quantize MODEL METHOD BATCH SAMPLES OUT");
        }
        switch (args[0]) {
            case "export" -> export(args[1], Path.of(args[2]));
            case "fp32" -> fp32(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "quantize" -> quantize(Path.of(args[1]), args[2], Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Path.of(args[5]));
            default -> throw new IllegalArgumentException("Unknown measurement '" + args[0]
                    + "': use export, fp32 or quantize");
        }
        System.out.println("VmHWM " + peakBytes());
    }

    private static void export(String architecture, Path file) {
        OnnxModel model = OnnxModel.of(switch (architecture.toLowerCase(Locale.ROOT)) {
            case "resnet18" -> ArchitectureGraphs.resNet18(SEED);
            case "resnet50" -> ArchitectureGraphs.resNet50(SEED);
            case "vgg16" -> ArchitectureGraphs.vgg16(SEED);
            default -> throw new IllegalArgumentException("Unknown architecture '" + architecture
                    + "': use resnet18, resnet50 or vgg16");
        });
        model.write(file);
    }

    private static UniformNoiseDataset images(int samples) {
        return new UniformNoiseDataset(samples, ResNet18Models.SAMPLE_SHAPE, SEED, -2f, 2f);
    }

    private static void fp32(Path model, int batch, int samples) {
        try (OrtRunner runner = OrtRunner.open(model, RunnerOptions.defaults().withThreads(2))) {
            ModelBatches batches = runner.batches(images(samples), batch);
            long checksum = 0;
            while (batches.hasNext()) {
                checksum += runner.run(batches.next()).size();
            }
            System.out.println("outputs " + checksum);
        }
    }

    private static void quantize(Path model, String method, int batch, int samples, Path output) {
        CalibrationMethod calibration = switch (method) {
            case "minmax" -> CalibrationMethod.MIN_MAX;
            case "entropy" -> CalibrationMethod.ENTROPY;
            case "percentile" -> CalibrationMethod.PERCENTILE;
            case "mse" -> CalibrationMethod.MSE;
            default -> throw new IllegalArgumentException("Unknown method '" + method
                    + "': use minmax, entropy, percentile or mse");
        };
        try (Quantizer quantizer = Quantizers.get("onnxruntime")) {
            QuantizationResult r = quantizer.quantize(QuantizationRequest.builder()
                    .model(model)
                    .output(output)
                    .overwriteOutput(true)
                    .config(QuantizationConfig.builder().calibrationMethod(calibration).perChannel(true).build())
                    .calibrationData(images(samples))
                    .batchSize(batch)
                    .threads(2)
                    .build());
            System.out.println("bytes " + r.inputBytes() + " -> " + r.outputBytes());
            System.out.println("calibration ms " + r.calibrationTime().toMillis() + ", total ms "
                    + r.totalTime().toMillis());
        }
    }

    private static long peakBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024L;
            }
        }
        return -1;
    }
}
