package org.quant4j.tensorrt.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.quant4j.api.provider.ProviderUnavailableException;
import org.quant4j.api.quantize.Quantizers;
import org.quant4j.tensorrt.TensorRtQuantizerProvider;
import org.quant4j.tensorrt.TensorRtUnavailableException;
import org.quant4j.tensorrt.engine.TensorRtRuntime;

/**
 * The probe on this machine, checked against what {@code ldconfig -p}, {@code /dev} and the class
 * path say independently of it.
 */
class HostProbeTest {

    /** Whether {@code ldconfig -p} lists {@code library}; null when ldconfig cannot run here. */
    private static Boolean ldconfigLists(String library) throws IOException, InterruptedException {
        for (String ldconfig : new String[] {"/sbin/ldconfig", "/usr/sbin/ldconfig"}) {
            if (Files.isExecutable(Path.of(ldconfig))) {
                Process p = new ProcessBuilder(ldconfig, "-p").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ldconfig -p did not finish");
                return out.lines().anyMatch(l -> l.trim().startsWith(library + " "));
            }
        }
        return null;
    }

    /** Whether a directory of {@code LD_LIBRARY_PATH}, which ldconfig does not list, holds {@code library}. */
    private static boolean inLdLibraryPath(String library) {
        String path = System.getenv("LD_LIBRARY_PATH");
        return path != null && java.util.Arrays.stream(path.split(":")).filter(d -> !d.isBlank())
                .anyMatch(d -> Files.isRegularFile(Path.of(d, library)));
    }

    @Test
    void theDriverPieceAgreesWithLdconfig() throws Exception {
        Boolean listed = ldconfigLists("libcuda.so.1");
        assumeTrue(listed != null, "ldconfig is not installed here");
        NativePiece driver = TensorRtProbe.host().piece(TensorRtProbe.DRIVER).orElseThrow();
        if (!listed && !inLdLibraryPath("libcuda.so.1")) {
            assertFalse(driver.found(), driver.toString());
            assertTrue(TensorRtProbe.host().reason().contains("missing libcuda.so.1 (NVIDIA driver): install the"
                    + " NVIDIA driver"), TensorRtProbe.host().reason());
        } else if (listed) {
            assertTrue(driver.found(), driver.toString());
        }
    }

    @Test
    void theCudaRuntimeAndTensorRtPiecesAgreeWithLdconfig() throws Exception {
        for (String[] lib : new String[][] {{"libcudart.so.13", "CUDA 13 runtime"},
                {"libnvinfer.so.10", "TensorRT 10 runtime"}}) {
            Boolean listed = ldconfigLists(lib[0]);
            assumeTrue(listed != null, "ldconfig is not installed here");
            NativePiece piece = TensorRtProbe.host().piece(lib[0] + " (" + lib[1] + ")").orElseThrow();
            boolean inRedist = TensorRtProbe.class.getClassLoader()
                    .getResource("org/bytedeco/" + (lib[0].startsWith("libcudart") ? "cuda" : "tensorrt")
                            + "/linux-x86_64/" + lib[0]) != null;
            assertEquals(listed || inRedist || inLdLibraryPath(lib[0]), piece.found(), piece.toString());
        }
    }

    @Test
    void theGpuPieceAgreesWithDevNvidia0() {
        boolean device = Files.exists(Path.of("/dev/nvidia0")) || Files.isDirectory(Path.of("/proc/driver/nvidia/gpus"));
        assertEquals(device, TensorRtProbe.host().piece(TensorRtProbe.GPU).orElseThrow().found());
    }

    @Test
    void thePresetsClassesOfTheCompileClassPathAreFoundAndTheJniJarIsAsTheClassPathSays() {
        ProbeReport r = TensorRtProbe.host();
        assertTrue(r.piece("TensorRT Java classes").orElseThrow().found());
        assertTrue(r.piece("CUDA Java classes").orElseThrow().found());
        boolean jniJar = System.getProperty("java.class.path").contains("tensorrt-10.15-1.5.13-linux-x86_64.jar");
        assertEquals(jniJar, r.piece("TensorRT JNI library for linux-x86_64").map(NativePiece::found).orElse(false));
    }

    @Test
    void anUnavailableBackendFailsWithTheProbesReasonAsATypedError() {
        ProbeReport r = TensorRtProbe.host();
        assumeTrue(!r.ready(), "this machine has everything TensorRT needs");
        TensorRtUnavailableException e = assertThrows(TensorRtUnavailableException.class, TensorRtRuntime::require);
        assertTrue(e.getMessage().contains(r.reason()), e.getMessage());
        ProviderUnavailableException viaRegistry = assertThrows(ProviderUnavailableException.class,
                () -> Quantizers.get("tensorrt"));
        assertTrue(viaRegistry.getMessage().contains(r.reason()), viaRegistry.getMessage());
        assertEquals(r.reason(), new TensorRtQuantizerProvider().availability().reason());
    }
}
