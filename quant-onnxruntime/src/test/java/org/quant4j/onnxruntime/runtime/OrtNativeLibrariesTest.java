package org.quant4j.onnxruntime.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime's native library is extracted once into quant4j's cache, and a JVM that used ONNX
 * Runtime leaves nothing in the temporary directory. Each case runs a fresh JVM (the library loads
 * once per process) with its own temporary and cache directories.
 */
class OrtNativeLibrariesTest {

    /** Loads ONNX Runtime through quant4j and prints its version. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("version=" + OrtRuntime.version());
        }
    }

    @Test
    void extractsOnceIntoTheCacheAndLeavesNothingInTheTemporaryDirectory(@TempDir Path work)
            throws Exception {
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        Path cache = work.resolve("cache");
        String version = OrtEnvironment.class.getPackage().getImplementationVersion();

        assertTrue(runProbe(tmp, cache, List.of()).contains("version=" + version));
        assertEquals(List.of(), leftovers(tmp), "temporary directory after the first JVM");
        Path dir = cache.resolve("onnxruntime").resolve(version).resolve(OrtNativeLibraries.platform());
        Path library = dir.resolve(System.mapLibraryName("onnxruntime"));
        URL resource = OrtEnvironment.class.getResource(
                "/ai/onnxruntime/native/" + OrtNativeLibraries.platform() + "/" + System.mapLibraryName("onnxruntime"));
        assertEquals(resource.openConnection().getContentLengthLong(), Files.size(library),
                "the cached library has the size of the one in the jar");
        FileTime first = Files.getLastModifiedTime(library);
        Files.setLastModifiedTime(library, FileTime.fromMillis(first.toMillis() - 60_000));
        FileTime marked = Files.getLastModifiedTime(library);

        assertTrue(runProbe(tmp, cache, List.of()).contains("version=" + version));
        assertEquals(marked, Files.getLastModifiedTime(library), "the second JVM reuses the cached library");
        assertEquals(List.of(), leftovers(tmp), "temporary directory after the second JVM");
    }

    @Test
    void withoutTheCacheOnnxRuntimeLeavesItsTemporaryDirectory(@TempDir Path work) throws Exception {
        // What the cache is for: ONNX Runtime 1.29 on its own leaves an onnxruntime-java* directory behind.
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        runProbe(tmp, work.resolve("cache"), List.of("-D" + OrtNativeLibraries.DISABLE + "=false"));
        assertFalse(leftovers(tmp).isEmpty(), "ONNX Runtime's own extraction leaves a directory");
        assertFalse(Files.exists(work.resolve("cache")), "the cache is not touched when disabled");
    }

    @Test
    void aLongCommandLineDoesNotCrashTheEnvironmentsCreation(@TempDir Path work) throws Exception {
        // ONNX Runtime 1.29 recurses about once per character of the command line while it creates its
        // environment: on the JVM's 1 MiB main-thread stack a command line of 4,000 characters or more
        // killed the JVM with SIGSEGV (exit 139), e.g. quant4j quantize with a long class path and 28
        // --exclude options. OrtRuntime creates it on a thread whose stack grows with the command line.
        String version = OrtEnvironment.class.getPackage().getImplementationVersion();
        String output = runProbe(Files.createDirectories(work.resolve("tmp")), work.resolve("cache"),
                List.of("-Xss1m", "-Dquant4j.test.padding=" + "x".repeat(20_000)));
        assertTrue(output.contains("version=" + version), output);
    }

    private static String runProbe(Path tmp, Path cache, List<String> extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Djava.io.tmpdir=" + tmp);
        command.add("-Dquant4j.cache.dir=" + cache);
        command.addAll(extra);
        command.add(Probe.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "probe JVM finished");
        assertEquals(0, process.exitValue(), "probe JVM exit code; output: " + output);
        return output;
    }

    private static List<String> leftovers(Path tmp) throws IOException {
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("onnxruntime")).sorted().toList();
        }
    }
}
