package org.quant4j.cli.backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * {@code quantize --backend tensorrt} exits with code 4 and that reason, writing nothing.
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

    private Set<Path> files() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.collect(Collectors.toSet());
        }
    }
}
