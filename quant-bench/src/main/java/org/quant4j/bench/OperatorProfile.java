package org.quant4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnxruntime.runtime.OrtRuntime;

/**
 * Where ONNX Runtime spends its time on the ResNet-18-shaped graph, FP32 against static INT8: runs
 * a batch a few times with ONNX Runtime's profiler on (all optimisations, 2 intra-op threads) and
 * prints the kernel time per operator type and of the slowest nodes, per run after a warm-up run. Kernel times come from
 * ONNX Runtime's own trace, so they leave out the Java side of a run. Not a JMH benchmark: a
 * diagnostic for docs/BENCHMARKS.md.
 *
 * <p>Usage: {@code java -cp quant-bench/target/benchmarks.jar org.quant4j.bench.OperatorProfile [batch] [runs]}
 * (defaults 32 and 4).
 */
public final class OperatorProfile {

    private OperatorProfile() {
    }

    public static void main(String[] args) throws OrtException, IOException {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Path dir = ResNet18Models.tempDir();
        Path fp32 = ResNet18Models.fp32(dir);
        Path int8 = dir.resolve("resnet18-int8.onnx");
        ResNet18Models.int8(fp32, int8, CalibrationMethod.MIN_MAX, 32);
        float[] input = new UniformNoiseDataset(batch, ResNet18Models.SAMPLE_SHAPE, 99, -2f, 2f).batches(batch).next()
                .data();
        long[] shape = {batch, ResNet18Models.SAMPLE_SHAPE[0], ResNet18Models.SAMPLE_SHAPE[1],
            ResNet18Models.SAMPLE_SHAPE[2]};
        for (Path model : new Path[] {fp32, int8}) {
            print(model.getFileName().toString(), profile(model, input, shape, runs, dir), runs);
        }
    }

    /** Kernel microseconds summed over {@code runs} runs after one warm-up run, by "op:TYPE" and "node:NAME". */
    private static Map<String, Long> profile(Path model, float[] input, long[] shape, int runs, Path dir)
            throws OrtException, IOException {
        OrtEnvironment env = OrtRuntime.environment();
        String trace;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(2);
            options.setInterOpNumThreads(1);
            options.enableProfiling(dir.resolve("profile").toString());
            try (OrtSession session = env.createSession(model.toString(), options);
                    OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape)) {
                String name = session.getInputNames().iterator().next();
                for (int i = 0; i <= runs; i++) {
                    session.run(Map.of(name, tensor)).close();
                }
                trace = session.endProfiling();
            }
        }
        JsonNode events = new ObjectMapper().readTree(Path.of(trace).toFile());
        Files.deleteIfExists(Path.of(trace));
        // The first run allocates and plans memory: leave out every kernel that started during it.
        long warmUpEnd = Long.MAX_VALUE;
        for (JsonNode event : events) {
            if ("model_run".equals(event.path("name").asText())) {
                warmUpEnd = Math.min(warmUpEnd, event.path("ts").asLong() + event.path("dur").asLong());
            }
        }
        Map<String, Long> micros = new HashMap<>();
        for (JsonNode event : events) {
            String node = event.path("name").asText();
            if (!"Node".equals(event.path("cat").asText()) || !node.endsWith("_kernel_time")
                    || event.path("ts").asLong() < warmUpEnd) {
                continue;
            }
            long us = event.path("dur").asLong();
            micros.merge("op:" + event.path("args").path("op_name").asText(), us, Long::sum);
            micros.merge("node:" + node.substring(0, node.length() - "_kernel_time".length()), us, Long::sum);
        }
        return micros;
    }

    private static void print(String model, Map<String, Long> micros, int runs) {
        long total = micros.entrySet().stream().filter(e -> e.getKey().startsWith("op:")).mapToLong(Map.Entry::getValue)
                .sum();
        System.out.printf(Locale.ROOT, "%s: %.1f ms of kernel time per run%n", model, total / 1000.0 / runs);
        for (String kind : new String[] {"op:", "node:"}) {
            micros.entrySet().stream().filter(e -> e.getKey().startsWith(kind))
                    .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(8)
                    .forEach(e -> System.out.printf(Locale.ROOT, "  %-45s %8.1f ms %5.1f%%%n", e.getKey(),
                            e.getValue() / 1000.0 / runs, 100.0 * e.getValue() / total));
        }
    }
}
