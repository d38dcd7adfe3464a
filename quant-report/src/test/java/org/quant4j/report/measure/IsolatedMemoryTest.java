package org.quant4j.report.measure;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.api.quantize.Quantizers;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.HeInitializer;
import org.quant4j.onnx.graph.OnnxModel;

class IsolatedMemoryTest {

    private static final int IN = 1024;
    private static final int HIDDEN = 4096;
    private static final int OUT = 2048;
    private static final long MIB = 1 << 20;

    /** Three Gemm layers 1024 to 4096 to 2048 to 10: 12.6 million float weights, 50 MB. */
    private static long writeWideMlp(Path file) {
        HeInitializer init = new HeInitializer(7);
        GraphBuilder b = GraphBuilder.create("wide-mlp");
        String x = b.input("input", -1, IN);
        x = b.relu(b.gemm(x, init.denseWeights(HIDDEN, IN), init.uniform(-0.1f, 0.1f, HIDDEN), true));
        x = b.relu(b.gemm(x, init.denseWeights(OUT, HIDDEN), init.uniform(-0.1f, 0.1f, OUT), true));
        b.output(b.gemm(x, init.denseWeights(10, OUT), init.uniform(-0.1f, 0.1f, 10), true), "logits");
        OnnxModel.of(b.build()).write(file);
        return 4L * ((long) IN * HIDDEN + (long) HIDDEN * OUT + OUT * 10L);
    }

    @Test
    void int8PerChannelModelNeedsLessMemoryThanItsFloatModelWhichNeedsAtLeastItsWeights(@TempDir Path dir) {
        assumeTrue(ProcessMemory.supported(), "no /proc/self/status on this platform");
        Path fp32 = dir.resolve("fp32.onnx");
        long weightBytes = writeWideMlp(fp32);
        Path int8 = dir.resolve("int8.onnx");
        try (Quantizer q = Quantizers.get("onnxruntime")) {
            q.quantize(QuantizationRequest.builder().model(fp32).output(int8)
                    .config(QuantizationConfig.builder().calibrationMethod(CalibrationMethod.MIN_MAX).perChannel(true)
                            .build())
                    .calibrationData(new UniformNoiseDataset(32, new int[] {IN}, 3, -1f, 1f)).batchSize(16).build());
        }

        IsolatedMemory.Figures f = IsolatedMemory.measure(fp32, "onnxruntime", 1, 2, dir);
        IsolatedMemory.Figures i = IsolatedMemory.measure(int8, "onnxruntime", 1, 2, dir);

        assertTrue(f.riseBytes() >= weightBytes, "FP32 rise " + f.riseBytes() / MIB + " MiB below its "
                + weightBytes / MIB + " MiB of weights");
        assertTrue(i.riseBytes() < f.riseBytes(), "INT8 rise " + i.riseBytes() / MIB + " MiB not below FP32's "
                + f.riseBytes() / MIB + " MiB");
        assertTrue(i.riseBytes() > 4 * MIB, "INT8 rise " + i.riseBytes() + " bytes: measures nothing");
        assertTrue(f.baselineBytes() > 4 * MIB && f.peakBytes() > f.baselineBytes(), f.toString());
    }
}
