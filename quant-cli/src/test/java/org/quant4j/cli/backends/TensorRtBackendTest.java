package org.quant4j.cli.backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.Quant4jCli;
import org.quant4j.cli.Samples;
import org.quant4j.cli.TestFiles;
import org.quant4j.onnx.builder.ReferenceGraphs;

/**
 * The {@code tensorrt} backend on a machine without the NVIDIA driver, as {@code ldconfig -p}
 * tells independently of quant4j: listed as unavailable naming {@code libcuda.so.1}, and
 * {@code quantize --backend tensorrt}, {@code inspect} of an engine and {@code evaluate} of an
 * engine exit with code 4 and that reason, writing nothing. Engine files are checked before the
 * backend is asked for, so those checks run on any machine.
 */
class TensorRtBackendTest {

    @TempDir
    Path dir;

    private static boolean driverAbsent;

    @BeforeAll
    static void askLdconfig() throws IOException, InterruptedException {
        for (String ldconfig : new String[] {"/sbin/ldconfig", "/usr/sbin/ldconfig"}) {
            if (Files.isExecutable(Path.of(ldconfig))) {
                Process p = new ProcessBuilder(ldconfig, "-p").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                driverAbsent = out.lines().noneMatch(l -> l.trim().startsWith("libcuda.so.1 "))
                        && !Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1"));
                return;
            }
        }
    }

    @Test
    void backendsListsTensorrtAsUnavailableNamingLibcuda() {
        assumeTrue(driverAbsent, "this machine has the NVIDIA driver (libcuda.so.1)");

        CliRun run = CliRun.of("backends");

        assertEquals(0, run.exitCode(), run::toString);
        String quantizers = run.out().substring(run.out().indexOf("Quantizers:"), run.out().indexOf("Evaluators:"));
        String evaluators = run.out().substring(run.out().indexOf("Evaluators:"), run.out().indexOf("Calibrators:"));
        for (String section : List.of(quantizers, evaluators)) {
            String line = section.lines().filter(l -> l.trim().startsWith("tensorrt ")).findFirst().orElseThrow();
            assertTrue(line.matches("\\s+tensorrt\\s+unavailable\\s+.*missing libcuda\\.so\\.1 \\(NVIDIA driver\\):"
                    + " install the NVIDIA driver.*"), line);
        }
    }

    @Test
    void quantizeWithTensorrtExitsWithCodeFourAndTheReasonWritingNothing() throws Exception {
        assumeTrue(driverAbsent, "this machine has the NVIDIA driver (libcuda.so.1)");
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
        Path data = Samples.images(dir, 16);
        Set<Path> before = files();

        CliRun run = CliRun.of("quantize", "-m", model, "-d", data, "--backend", "tensorrt");

        assertEquals(Quant4jCli.UNAVAILABLE, run.exitCode(), run::toString);
        assertEquals(4, run.exitCode());
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().startsWith("quant4j: Quantizer 'tensorrt' is on the classpath but unavailable: "),
                run::toString);
        assertTrue(run.err().contains("missing libcuda.so.1 (NVIDIA driver): install the NVIDIA driver"),
                run::toString);
        assertEquals("", run.out());
        assertEquals(before, files(), "nothing may be written");
    }

    @Test
    void mixedWithTensorrtLatencyExitsWithCodeFourBeforeCalibratingWritingNothing() throws Exception {
        assumeTrue(driverAbsent, "this machine has the NVIDIA driver (libcuda.so.1)");
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(5), dir.resolve("small.onnx"));
        Path data = TestFiles.npyUniform(dir.resolve("inputs.npy"), new int[] {96, 1, 28, 28}, 1);
        Set<Path> before = files();

        CliRun run = CliRun.of("mixed", "-m", model, "-d", data, "--latency-backend", "tensorrt", "-o",
                dir.resolve("mixed.onnx"));

        assertUnavailable(run, "Evaluator 'tensorrt' is on the classpath but unavailable: ");
        assertEquals("", run.out());
        assertEquals(before, files(), "nothing may be written");
    }

    /** A file that starts with TensorRT's plan tag; not a real engine (none can be built here). */
    private Path planLike(String name) throws IOException {
        return Files.write(dir.resolve(name), "ftrt\u0000\u0000\u0000\u0001 plan".getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void assertUnavailable(CliRun run, String prefix) {
        assertEquals(Quant4jCli.UNAVAILABLE, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().startsWith("quant4j: " + prefix), run::toString);
        assertTrue(run.err().contains("missing libcuda.so.1 (NVIDIA driver): install the NVIDIA driver"),
                run::toString);
    }

    private static void assertFailed(CliRun run, String message) {
        assertEquals(Quant4jCli.FAILED, run.exitCode(), run::toString);
        assertTrue(run.err().contains(message), run::toString);
        assertEquals("", run.out(), run::toString);
    }

    @Test
    void inspectingAnEngineWithoutTheDriverExitsWithCodeFourWritingNothing() throws Exception {
        assumeTrue(driverAbsent, "this machine has the NVIDIA driver (libcuda.so.1)");
        Path engine = planLike("cnn-int8.engine");
        Set<Path> before = files();

        CliRun run = CliRun.of("inspect", "-m", engine);

        assertUnavailable(run, "TensorRT cannot run here: ");
        assertEquals("", run.out());
        assertEquals(before, files(), "nothing may be written");
    }

    @Test
    void withJsonTheUnavailableInspectIsOneJsonErrorObject() throws Exception {
        assumeTrue(driverAbsent, "this machine has the NVIDIA driver (libcuda.so.1)");
        Path engine = planLike("cnn-int8.plan");
        Set<Path> before = files();

        CliRun run = CliRun.of("inspect", "-m", engine, "--json");

        assertUnavailable(run, "TensorRT cannot run here: ");
        JsonNode error = new ObjectMapper().readTree(run.out());
        assertEquals("unavailable", error.get("code").asText());
        assertEquals(4, error.get("exitCode").asInt());
        assertEquals(run.err().strip().substring("quant4j: ".length()), error.get("message").asText());
        assertEquals(before, files(), "nothing may be written");
    }

    @Test
    void evaluatingAnEngineWithoutTheDriverExitsWithCodeFourWritingNothing() throws Exception {
        assumeTrue(driverAbsent, "this machine has the NVIDIA driver (libcuda.so.1)");
        Path engine = planLike("cnn-int8.engine");
        Path data = Samples.images(dir, 16);
        Path labels = Samples.labels(dir, 16);
        Set<Path> before = files();

        CliRun text = CliRun.of("evaluate", "-m", engine, "-d", data, "--labels", labels, "--backend", "tensorrt");
        CliRun json = CliRun.of("evaluate", "-m", engine, "-d", data, "--labels", labels, "--backend", "tensorrt",
                "--json");

        assertUnavailable(text, "Evaluator 'tensorrt' is on the classpath but unavailable: ");
        assertEquals("", text.out());
        assertUnavailable(json, "Evaluator 'tensorrt' is on the classpath but unavailable: ");
        JsonNode error = new ObjectMapper().readTree(json.out());
        assertEquals("unavailable", error.get("code").asText());
        assertEquals(4, error.get("exitCode").asInt());
        assertEquals("run 'quant4j backends' to see what runs on this machine", error.get("hint").asText());
        assertEquals(before, files(), "nothing may be written");
    }

    @Test
    void anOnnxModelNamedAsAnEngineIsCalledOneBeforeTensorRtIsAskedFor() throws Exception {
        Path renamed = TestFiles.model(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.engine"));
        Path data = Samples.images(dir, 4);

        assertFailed(CliRun.of("evaluate", "-m", renamed, "-d", data, "--backend", "tensorrt"),
                "quant4j: " + renamed.toAbsolutePath().normalize() + " is an ONNX model, not a serialized TensorRT"
                        + " engine: name it .onnx");
        assertFailed(CliRun.of("inspect", "-m", renamed), " is an ONNX model, not a serialized TensorRT engine");
    }

    @Test
    void anEngineNamedOnnxIsCalledAnEngine() throws Exception {
        Path renamed = planLike("model.onnx");
        Path data = Samples.images(dir, 4);

        assertFailed(CliRun.of("evaluate", "-m", renamed, "-d", data),
                "quant4j: " + renamed.toAbsolutePath().normalize() + " is a serialized TensorRT engine, not an ONNX"
                        + " model: name it .engine (or .plan) and run it with --backend tensorrt");
        assertFailed(CliRun.of("inspect", "-m", renamed), " is a serialized TensorRT engine, not an ONNX model");
    }

    @Test
    void aMissingOrEmptyEngineIsNamed() throws Exception {
        Path data = Samples.images(dir, 4);
        Path missing = dir.resolve("missing.engine");
        Path empty = Files.createFile(dir.resolve("empty.plan"));

        assertFailed(CliRun.of("evaluate", "-m", missing, "-d", data, "--backend", "tensorrt"),
                "quant4j: TensorRT engine " + missing.toAbsolutePath().normalize() + " does not exist: check the path");
        assertFailed(CliRun.of("evaluate", "-m", empty, "-d", data, "--backend", "tensorrt"),
                "quant4j: TensorRT engine " + empty.toAbsolutePath().normalize() + " is empty (0 bytes): build it"
                        + " again");
        assertFailed(CliRun.of("inspect", "-m", empty), " is empty (0 bytes)");
    }

    @Test
    void anEngineNeedsTheTensorrtBackendAndNoReference() throws Exception {
        Path engine = planLike("cnn-int8.engine");
        Path data = Samples.images(dir, 4);
        Path reference = TestFiles.model(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));

        CliRun onnxruntime = CliRun.of("evaluate", "-m", engine, "-d", data);
        CliRun withReference = CliRun.of("evaluate", "-m", engine, "-d", data, "--backend", "tensorrt",
                "--reference", reference);
        CliRun details = CliRun.of("inspect", "-m", engine, "--details");

        assertEquals(Quant4jCli.USAGE, onnxruntime.exitCode(), onnxruntime::toString);
        assertTrue(onnxruntime.err().contains(engine + " is a TensorRT engine: evaluate it with --backend tensorrt"
                + " (the onnxruntime backend runs ONNX models)"), onnxruntime::toString);
        assertEquals(Quant4jCli.USAGE, withReference.exitCode(), withReference::toString);
        assertTrue(withReference.err().contains("--reference compares ONNX models"), withReference::toString);
        assertEquals(Quant4jCli.USAGE, details.exitCode(), details::toString);
        assertTrue(details.err().contains("--details applies to ONNX models; " + engine + " is a TensorRT engine"),
                details::toString);
    }

    private Set<Path> files() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.collect(Collectors.toSet());
        }
    }
}
