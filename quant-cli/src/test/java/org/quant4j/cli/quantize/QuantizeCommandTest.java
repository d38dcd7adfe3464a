package org.quant4j.cli.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.QuantizationMode;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.Samples;
import org.quant4j.cli.TestFiles;
import org.quant4j.cli.console.Formats;
import org.quant4j.onnx.builder.ReferenceGraphs;

class QuantizeCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void staticQuantizationWritesTheModelAndReportsItsSizes() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
        Path data = Samples.images(dir, 40);
        Path labels = Samples.labels(dir, 40);

        CliRun run = CliRun.of("quantize", "--model", model, "--data", data, "--labels", labels,
                "--calibration-samples", 32);

        assertEquals(0, run.exitCode(), run::toString);
        Path output = dir.resolve("cnn-int8.onnx");
        assertTrue(Files.isRegularFile(output), run::toString);
        String sizes = Formats.bytes(Files.size(model)) + " -> " + Formats.bytes(Files.size(output));
        assertTrue(run.out().contains(sizes), "sizes '" + sizes + "' in\n" + run);
        assertTrue(run.out().contains("32 samples"), run::toString);
        // Conv 8x1x3x3 + Conv 8x8x3x3 + Gemm 10x8 = 728 values, one byte each in int8.
        assertTrue(run.out().contains("3 weight tensors in int8 (728 B), 0 left float (0 B)"), run::toString);
        assertTrue(run.out().contains(output.toString()), run::toString);
        assertEquals("", run.err(), run::toString);
    }

    @Test
    void jsonCountsTheFoldedNodesAndMatchesTheFileSizes() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(2), dir.resolve("cnn.onnx"));
        Path output = dir.resolve("out.onnx");

        CliRun run = CliRun.of("quantize", "-m", model, "-d", Samples.images(dir, 16), "-o", output,
                "--method", "percentile", "--method-option", "percentile=99.9", "--no-per-channel", "--json");

        assertEquals(0, run.exitCode(), run::toString);
        JsonNode doc = JSON.readTree(run.out());
        assertEquals(Files.size(model), doc.get("inputBytes").asLong());
        assertEquals(Files.size(output), doc.get("outputBytes").asLong());
        // smallCnn has two Conv-BatchNormalization-Relu blocks: each normalisation folds into its Conv and,
        // with uint8 activations, each Relu is absorbed by the QuantizeLinear after the Conv.
        assertEquals(4, doc.get("nodes").get("folded").asInt(), run::toString);
        assertEquals(2, decisions(doc).stream().filter(d -> d.get("opType").asText().equals("BatchNormalization")
                && d.get("action").asText().equals("folded")).count(), run::toString);
        assertEquals(16, doc.get("calibrationSamples").asInt());
        JsonNode weights = doc.get("weights");
        assertEquals("int8", weights.get("precision").asText());
        assertEquals(3, weights.get("converted").asInt(), weights::toString);
        assertEquals(728, weights.get("convertedBytes").asLong(), weights::toString);
        assertEquals(0, weights.get("leftFloat").asInt(), weights::toString);
        assertEquals("percentile", doc.get("method").asText());
        assertEquals("99.9", doc.get("methodOptions").get("percentile").asText());
        assertFalse(doc.get("perChannel").asBoolean());
        assertTrue(decisions(doc).stream().anyMatch(d -> d.get("opType").asText().equals("Conv")
                && d.get("action").asText().equals("quantized")), run::toString);
    }

    @Test
    void excludedOpTypesStayInFloatWithTheirReason() throws Exception {
        // Its wide Gemm head keeps the file smaller even with the convolutions float; smallCnn's would grow.
        Path model = TestFiles.model(ReferenceGraphs.wideHeadCnn(3), dir.resolve("cnn.onnx"));

        CliRun run = CliRun.of("quantize", "-m", model, "-d", Samples.images(dir, 8), "--exclude-op", "Conv",
                "--json");

        assertEquals(0, run.exitCode(), run::toString);
        JsonNode conv = decisions(JSON.readTree(run.out())).stream()
                .filter(d -> d.get("opType").asText().equals("Conv")).findFirst().orElseThrow();
        assertEquals("skipped", conv.get("action").asText());
        assertTrue(conv.get("reason").asText().contains("excluded by op type Conv"), conv::toString);
    }

    @Test
    void dynamicModeNeedsNoDataAndDetailsListEveryNode() {
        Path model = TestFiles.model(ReferenceGraphs.mlp(4), dir.resolve("mlp.onnx"));

        CliRun run = CliRun.of("quantize", "-m", model, "--mode", "dynamic", "--details");

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(Files.isRegularFile(dir.resolve("mlp-int8-dynamic.onnx")), run::toString);
        assertTrue(run.outLines().stream().anyMatch(l -> l.matches("\\s+quantized\\s+MatMul\\s+.*")), run::toString);
        assertTrue(run.outLines().stream().anyMatch(l -> l.matches("\\s+quantized\\s+Gemm\\s+.*")), run::toString);
    }

    @Test
    void unknownKernelTargetIsAUsageErrorListingTheValidOnes() {
        Path model = TestFiles.model(ReferenceGraphs.mlp(5), dir.resolve("mlp.onnx"));

        CliRun run = CliRun.of("quantize", "-m", model, "--mode", "dynamic", "--target", "avx512");

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("Unknown kernel target 'avx512': use one of portable, vnni, host"),
                run::toString);
        assertFalse(Files.exists(dir.resolve("mlp-int8-dynamic.onnx")));
    }

    @Test
    void staticModeWithoutDataIsAUsageError() {
        Path model = TestFiles.model(ReferenceGraphs.mlp(5), dir.resolve("mlp.onnx"));

        CliRun run = CliRun.of("quantize", "-m", model);

        assertEquals(2, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().startsWith("quant4j: Static quantization calibrates on data: give it with --data"),
                run::toString);
        assertFalse(Files.exists(dir.resolve("mlp-int8.onnx")));
    }

    @Test
    void calibratesOnFashionMnistTestImagesFromTheDatasetDirectory() {
        List<Path> missing = FashionMnist.missingFiles(FashionMnist.directory());
        Assumptions.assumeTrue(missing.isEmpty(), "Fashion-MNIST is not installed (missing " + missing
                + "): apt-get install dataset-fashion-mnist");
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(6), dir.resolve("cnn.onnx"));

        CliRun run = CliRun.of("quantize", "-m", model, "-d", FashionMnist.directory(), "--split", "test",
                "--calibration-samples", 32, "--mean", 0.2860, "--std", 0.3530);

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains(FashionMnist.TEST_IMAGES), run::toString);
        assertTrue(run.out().contains("(test split)"), run::toString);
    }

    @Test
    void qatBackendTrainsOnEveryLabelledSampleAndWritesAnInt8Model() {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(3), dir.resolve("cnn.onnx"));
        Path data = Samples.images(dir, 40);
        Path labels = Samples.labels(dir, 40);

        CliRun run = CliRun.of("quantize", "-m", model, "-d", data, "--labels", labels, "--backend", "qat",
                "-o", dir.resolve("cnn-qat.onnx"));

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(Files.isRegularFile(dir.resolve("cnn-qat.onnx")), run::toString);
        assertTrue(run.out().contains("quantization-aware training on 40 labelled samples"), run::toString);
    }

    @Test
    void theSettingsAndTheJsonStateTheKernelTarget() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(7), dir.resolve("cnn.onnx"));
        Path data = Samples.images(dir, 8);
        String resolved = KernelTarget.HOST.resolve().id();

        CliRun portable = CliRun.of("quantize", "-m", model, "-d", data, "-o", dir.resolve("portable.onnx"));
        CliRun host = CliRun.of("quantize", "-m", model, "-d", data, "-o", dir.resolve("host.onnx"), "--target",
                "host");
        CliRun hostJson = CliRun.of("quantize", "-m", model, "-d", data, "-o", dir.resolve("host.onnx"), "--target",
                "host", "--overwrite", "--json");
        CliRun fp16 = CliRun.of("quantize", "-m", model, "--mode", "fp16", "--json");

        assertEquals(0, portable.exitCode(), portable::toString);
        assertTrue(portable.outLines().get(0).endsWith(", uint8 activations, kernel target portable)"),
                portable::toString);
        assertEquals(0, host.exitCode(), host::toString);
        assertTrue(host.outLines().get(0).endsWith(", kernel target host -> " + resolved + ")"), host::toString);
        assertEquals(0, hostJson.exitCode(), hostJson::toString);
        JsonNode doc = JSON.readTree(hostJson.out());
        assertEquals("host", doc.get("kernelTarget").asText());
        assertEquals(resolved, doc.get("resolvedKernelTarget").asText());
        assertEquals(0, fp16.exitCode(), fp16::toString);
        assertFalse(JSON.readTree(fp16.out()).has("kernelTarget"), "float16 weights have no kernel target");
    }

    @Test
    void aWarningReachesStderrOnceAndTheJsonListsIt() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(8), dir.resolve("cnn.onnx"));
        Path data = Samples.images(dir, 8);

        Captured text = withStderrCaptured(() -> CliRun.of("quantize", "-m", model, "-d", data, "--target", "vnni",
                "-o", dir.resolve("vnni.onnx")));
        CliRun json = CliRun.of("quantize", "-m", model, "-d", data, "--target", "vnni", "-o", dir.resolve("vnni.onnx"),
                "--overwrite", "--json");
        CliRun portable = CliRun.of("quantize", "-m", model, "-d", data, "-o", dir.resolve("portable.onnx"), "--json");

        assertEquals(0, text.run().exitCode(), text.run()::toString);
        assertEquals(0, json.exitCode(), json::toString);
        JsonNode warnings = JSON.readTree(json.out()).get("warnings");
        assertEquals(1, warnings.size(), json::toString);
        String warning = warnings.get(0).asText();
        assertTrue(warning.contains("can saturate on x86-64 CPUs with AVX2 but without VNNI"), warning);
        // The quantizer logs it at WARN, which the CLI's logger prints on stderr; the command does not repeat it.
        String stderr = text.stderr() + text.run().err();
        assertEquals(1, stderr.split(Pattern.quote(warning), -1).length - 1, stderr);
        assertTrue(text.stderr().lines().anyMatch(l -> l.startsWith("WARN ") && l.contains(warning)), text.stderr());
        assertEquals(0, portable.exitCode(), portable::toString);
        assertEquals(0, JSON.readTree(portable.out()).get("warnings").size(), portable::toString);
    }

    /** A command line's run and what was written to {@link System#err} meanwhile (the SLF4J simple logger's stream). */
    private record Captured(CliRun run, String stderr) {
    }

    private static Captured withStderrCaptured(Supplier<CliRun> command) {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            CliRun run = command.get();
            System.err.flush();
            return new Captured(run, bytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }

    @Test
    void defaultOutputNamesTellTheMode() {
        Path model = Path.of("models", "net.onnx");
        assertEquals(Path.of("models", "net-int8.onnx"), QuantizeCommand.defaultOutput(model, QuantizationMode.STATIC));
        assertEquals(Path.of("models", "net-int8-dynamic.onnx"),
                QuantizeCommand.defaultOutput(model, QuantizationMode.DYNAMIC));
        assertEquals(Path.of("models", "net-fp16.onnx"), QuantizeCommand.defaultOutput(model, QuantizationMode.FP16));
    }

    private static List<JsonNode> decisions(JsonNode doc) {
        return StreamSupport.stream(doc.get("decisions").spliterator(), false).toList();
    }
}
