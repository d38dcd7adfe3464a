package org.quant4j.onnxruntime.runtime;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.quant4j.api.io.AtomicFiles;
import org.quant4j.api.io.CacheDirectories;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extracts ONNX Runtime's native libraries from its jar once, into a per-version directory of
 * quant4j's cache ({@code <cache root>/onnxruntime/<version>/<platform>}), and points ONNX Runtime
 * at it through its {@value #NATIVE_PATH} property. Without this, ONNX Runtime copies its 28 MB
 * library into a new {@code onnxruntime-java*} temporary directory in every JVM and leaves the
 * directory behind.
 *
 * <p>Nothing changes when the user already set {@value #NATIVE_PATH}, when {@value #DISABLE} is
 * {@code false}, or when the jar has no library for this platform (ONNX Runtime then reports its own
 * error). When the cache cannot be written, ONNX Runtime falls back to its own extraction and a
 * warning says why. Files are written through {@link AtomicFiles} (a temporary name moved into place), so processes that
 * start together never load a partial library.
 */
final class OrtNativeLibraries {

    /** ONNX Runtime's property: the directory it loads its native libraries from. */
    static final String NATIVE_PATH = "onnxruntime.native.path";
    /** Set to {@code false} to let ONNX Runtime extract its libraries itself. */
    static final String DISABLE = "quant4j.onnxruntime.nativeCache";

    private static final Logger LOG = LoggerFactory.getLogger(OrtNativeLibraries.class);
    private static final List<String> LIBRARIES = List.of("onnxruntime", "onnxruntime4j_jni");

    private OrtNativeLibraries() {
    }

    /**
     * Prepares the cache and sets {@value #NATIVE_PATH} when appropriate; must run before ONNX
     * Runtime's classes load their library.
     *
     * @return the directory ONNX Runtime will load from, when quant4j set it
     */
    static synchronized Optional<Path> install() {
        if (System.getProperty(NATIVE_PATH) != null || "false".equalsIgnoreCase(System.getProperty(DISABLE))) {
            return Optional.empty();
        }
        String platform = platform();
        String version = OrtEnvironment.class.getPackage().getImplementationVersion();
        if (platform == null || version == null) {
            return Optional.empty();
        }
        Path dir = CacheDirectories.of("onnxruntime").resolve(version).resolve(platform);
        try {
            for (String library : LIBRARIES) {
                String file = System.mapLibraryName(library);
                URL resource = OrtEnvironment.class.getResource("/ai/onnxruntime/native/" + platform + "/" + file);
                if (resource == null) {
                    return Optional.empty();
                }
                extract(resource, dir.resolve(file));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot keep ONNX Runtime's native library in {} ({}); ONNX Runtime extracts it to a temporary"
                    + " directory instead. Set -D{}=DIR to a writable directory to avoid that", dir, e.toString(),
                    CacheDirectories.PROPERTY);
            return Optional.empty();
        }
        System.setProperty(NATIVE_PATH, dir.toString());
        LOG.debug("ONNX Runtime {} loads its native libraries from {}", version, dir);
        return Optional.of(dir);
    }

    /** Copies {@code resource} to {@code target} unless a file of the same size is already there. */
    private static void extract(URL resource, Path target) throws IOException {
        URLConnection connection = resource.openConnection();
        connection.setUseCaches(false);
        long size = connection.getContentLengthLong();
        if (size >= 0 && Files.isRegularFile(target) && Files.size(target) == size) {
            connection.getInputStream().close();
            return;
        }
        AtomicFiles.write(target, "ONNX Runtime native library", out -> {
            try (InputStream in = connection.getInputStream()) {
                long copied = in.transferTo(out);
                if (size >= 0 && copied != size) {
                    throw new IOException("extracted " + copied + " of " + size + " bytes of " + resource);
                }
            }
        });
    }

    /** ONNX Runtime's name for this platform's folder in its jar, or null when it has none. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osName = os.contains("linux") ? "linux" : os.contains("mac") ? "osx" : os.contains("win") ? "win" : null;
        String archName = switch (arch) {
            case "amd64", "x86_64" -> "x64";
            case "aarch64", "arm64" -> "aarch64";
            default -> null;
        };
        return osName == null || archName == null ? null : osName + "-" + archName;
    }
}
