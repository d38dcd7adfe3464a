package org.quant4j.report.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.platform.CpuFeatures;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.Subset;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.report.render.ReportWriter;

class MethodComparisonTest {

    @TempDir
    Path dir;

    private static Dataset fashion(int from, int count) {
        Assumptions.assumeTrue(FashionMnist.missingFiles(FashionMnist.directory()).isEmpty(),
                "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist");
        return Subset.of(FashionMnist.test(), IntStream.range(from, from + count).toArray());
    }

    @Test
    void comparesEveryMethodOnTheSameSamplesAndRendersTheReport() throws Exception {
        Path model = dir.resolve("cnn.onnx");
        OnnxModel.of(ReferenceGraphs.smallCnn(11)).write(model);
        List<MethodComparison.Method> methods = List.of(
                MethodComparison.Method.reference(),
                MethodComparison.Method.quantized("dynamic INT8",
                        QuantizationConfig.builder().mode(QuantizationMode.DYNAMIC).kernelTarget(KernelTarget.VNNI)
                                .build()),
                MethodComparison.Method.quantized("static INT8 minmax per-channel",
                        QuantizationConfig.builder().calibrationMethod(CalibrationMethod.MIN_MAX).build()),
                MethodComparison.Method.prebuilt("copy of FP32", model));
        ComparisonReport report = MethodComparison.builder()
                .model(model, "small CNN")
                .calibrationData(fashion(0, 64))
                .testData(fashion(1000, 300), "Fashion-MNIST test 1000-1299")
                .classNames(FashionMnist.CLASS_NAMES)
                .workDirectory(dir.resolve("work"))
                .methods(methods)
                .threads(1)
                .timing(2, 3, 1)
                .build()
                .run();

        assertEquals(4, report.methods().size());
        assertEquals("FP32", report.reference().name());
        assertEquals(300, report.sampleCount());
        // The prebuilt copy is the same model: it agrees with FP32 on every sample.
        MethodResult copy = report.method("copy of FP32");
        assertEquals(1.0, copy.accuracy().versusReference().orElseThrow().agreement());
        assertEquals(report.reference().accuracy().top1().estimate(), copy.accuracy().top1().estimate());
        MethodResult quantized = report.method("static INT8 minmax per-channel");
        assertEquals(Files.size(dir.resolve("work/static-int8-minmax-per-channel.onnx")),
                quantized.modelFileBytes().getAsLong());
        assertTrue(quantized.calibrationSeconds().isPresent());
        assertEquals(6, quantized.latencyBatch1Millis().orElseThrow().count());
        assertEquals(2, quantized.throughputBatch32PerSecond().orElseThrow().count());
        assertTrue(quantized.throughputBatch32PerSecond().orElseThrow().median() > 0);
        assertFalse(report.measurementNotes().isEmpty());
        // Each model's memory comes from a process of its own: the runtime, its weights and batch 32 weigh
        // megabytes, not the few KiB that a measurement inside this JVM shows.
        for (MethodResult m : report.methods()) {
            MemoryMeasurement memory = m.peakMemory().orElseThrow(() -> new AssertionError(m.name() + " no memory"));
            assertTrue(memory.peakBytes() > 4L << 20, m.name() + ": " + memory);
            assertTrue(memory.baselineBytes().orElseThrow() > 4L << 20, m.name() + ": " + memory);
        }
        assertTrue(report.reference().peakMemory().orElseThrow().peakBytes() > Files.size(model));
        // The CPU measured on and what each INT8 model was written for are recorded with the numbers.
        assertEquals(CpuDescription.of(CpuFeatures.host()), report.cpu().orElseThrow());
        assertEquals(KernelTarget.PORTABLE, quantized.kernelTarget().orElseThrow(), "the default target");
        assertEquals(KernelTarget.VNNI, report.method("dynamic INT8").kernelTarget().orElseThrow());
        assertTrue(copy.kernelTarget().isEmpty(), "a model made elsewhere has no known target");
        assertTrue(report.reference().kernelTarget().isEmpty());

        Path out = dir.resolve("report");
        ReportWriter.write(report, out);
        String markdown = Files.readString(out.resolve("report.md"));
        assertTrue(markdown.contains("static INT8 minmax per-channel"));
        assertTrue(markdown.contains("Measured on: **" + CpuFeatures.host().summary() + "**."), markdown);
        assertTrue(markdown.contains("INT8 kernel target **portable** (static INT8 minmax per-channel)"), markdown);
        assertTrue(markdown.contains("INT8 kernel target **vnni** (dynamic INT8)"), markdown);
    }

    @Test
    void aComparisonWithoutTheReferenceOrWithoutCalibrationDataIsRefused() throws Exception {
        Path model = dir.resolve("cnn.onnx");
        OnnxModel.of(ReferenceGraphs.smallCnn(11)).write(model);
        Dataset test = fashion(0, 10);
        assertThrows(InvalidInputException.class, () -> MethodComparison.builder().model(model, "m")
                .testData(test, "t").workDirectory(dir)
                .methods(List.of(MethodComparison.Method.prebuilt("x", model))).build());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> MethodComparison.builder()
                .model(model, "m").testData(test, "t").workDirectory(dir).build());
        assertTrue(e.getMessage().contains("calibration data"), e.getMessage());
    }

    @Test
    void slugsAreFileNames() {
        assertEquals("static-int8-minmax-per-channel", Slugs.of("static INT8 minmax per-channel"));
        assertEquals("fp16", Slugs.of("FP16"));
        assertEquals("fashion-resnet", Slugs.of("--Fashion_ResNet--"));
        assertEquals("item", Slugs.of("***"));
    }
}
