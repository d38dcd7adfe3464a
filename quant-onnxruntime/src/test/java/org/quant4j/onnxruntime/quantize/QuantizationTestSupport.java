package org.quant4j.onnxruntime.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Batch;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.Subset;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;
import org.quant4j.onnxruntime.runtime.OptimizedOps;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

/** Data sets, quantization runs and accuracy measures shared by the quantization tests. */
public final class QuantizationTestSupport {

    private QuantizationTestSupport() {
    }

    /**
     * Fashion-MNIST test images {@code from .. from + count - 1}, scaled to [0, 1]; the test is
     * skipped, with the reason, when the dataset is not installed.
     */
    public static Dataset fashionMnist(int from, int count) {
        List<Path> missing = FashionMnist.missingFiles(FashionMnist.directory());
        Assumptions.assumeTrue(missing.isEmpty(), "Fashion-MNIST is not installed (missing " + missing
                + "); install it with 'apt-get install dataset-fashion-mnist' or set -D"
                + FashionMnist.DIRECTORY_PROPERTY);
        return Subset.of(FashionMnist.test(), IntStream.range(from, from + count).toArray());
    }

    /** Writes {@code model} to {@code file} and returns the file. */
    public static Path write(ModelProto model, Path file) {
        OnnxModel.of(model).write(file);
        return file;
    }

    /** The operators ONNX Runtime runs for {@code model} at {@code level}. */
    public static OptimizedOps optimizedOps(Path model, OptimizationLevel level) {
        return OptimizedOps.list(model, RunnerOptions.builder().optimization(level).intraOpThreads(1).build());
    }

    /** Asserts that ONNX Runtime runs {@code expected} nodes of the given operator types, in any domain, in all. */
    public static void assertCount(OptimizedOps ops, long expected, String... types) {
        long actual = 0;
        for (String t : types) {
            actual += ops.count(t);
        }
        Assertions.assertEquals(expected, actual, String.join(" + ", types) + " in " + ops);
    }

    /** Quantizes {@code model} to {@code output} with the onnxruntime quantizer. */
    public static QuantizationResult quantize(Path model, Path output, QuantizationConfig config, Dataset data) {
        try (OnnxRuntimeQuantizer q = new OnnxRuntimeQuantizer()) {
            return q.quantize(QuantizationRequest.builder().model(model).output(output).config(config)
                    .calibrationData(data).batchSize(64).build());
        }
    }

    /**
     * Signal-to-quantization-noise ratio in dB of the quantized model's first output against the
     * float model's: {@code 10 log10(sum y^2 / sum (y - yq)^2)} over all samples of {@code data}.
     */
    public static double sqnr(Path floatModel, Path quantizedModel, Dataset data) {
        RunnerOptions options = RunnerOptions.builder().intraOpThreads(1).build();
        double signal = 0;
        double noise = 0;
        try (OrtRunner reference = OrtRunner.open(floatModel, options);
                OrtRunner quantized = OrtRunner.open(quantizedModel, options)) {
            String name = reference.outputNames().get(0);
            Iterator<Batch> batches = data.batches(128);
            while (batches.hasNext()) {
                Batch b = batches.next();
                FloatTensor y = reference.run(b).get(name);
                FloatTensor yq = quantized.run(b).get(name);
                for (int i = 0; i < y.size(); i++) {
                    double d = y.get(i) - yq.get(i);
                    signal += (double) y.get(i) * y.get(i);
                    noise += d * d;
                }
            }
        }
        return 10 * Math.log10(signal / noise);
    }
}
