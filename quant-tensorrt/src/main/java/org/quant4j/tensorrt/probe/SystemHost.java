package org.quant4j.tensorrt.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The real machine. Shared libraries are looked up where the Linux dynamic linker looks:
 * {@code LD_LIBRARY_PATH}, the entries of {@code /etc/ld.so.cache} (the paths stored in it, read as
 * text, so no {@code ldconfig} process is started), {@code java.library.path} and the standard
 * directories. GPUs are the driver's entries under {@code /proc/driver/nvidia/gpus} and the device
 * files {@code /dev/nvidia0..}. Everything is a file-system look-up: it cannot hang on a driver.
 */
final class SystemHost implements Host {

    private static final Path LD_CACHE = Path.of("/etc/ld.so.cache");
    private static final List<String> STANDARD_DIRS = List.of("/lib", "/usr/lib", "/lib64", "/usr/lib64",
            "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu", "/usr/lib/wsl/lib", "/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib");

    private final ClassLoader loader;

    SystemHost(ClassLoader loader) {
        this.loader = loader;
    }

    @Override
    public String osName() {
        return System.getProperty("os.name", "");
    }

    @Override
    public String osArch() {
        return System.getProperty("os.arch", "");
    }

    @Override
    public boolean hasClass(String className) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @Override
    public boolean hasResource(String path) {
        return loader.getResource(path) != null;
    }

    @Override
    public Optional<String> findLibrary(String fileName) {
        Set<String> dirs = new LinkedHashSet<>();
        addPathList(dirs, System.getenv("LD_LIBRARY_PATH"));
        for (String cached : ldCachePaths()) {
            if (cached.endsWith("/" + fileName) && Files.isRegularFile(Path.of(cached))) {
                return Optional.of(cached);
            }
        }
        addPathList(dirs, System.getProperty("java.library.path"));
        dirs.addAll(STANDARD_DIRS);
        for (String dir : dirs) {
            Path candidate = Path.of(dir, fileName);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }

    @Override
    public List<String> gpuDevices() {
        List<String> devices = new ArrayList<>();
        Path gpus = Path.of("/proc/driver/nvidia/gpus");
        if (Files.isDirectory(gpus)) {
            try (Stream<Path> entries = Files.list(gpus)) {
                entries.forEach(p -> devices.add(p.toString()));
            } catch (IOException e) {
                // Unreadable: the device files below still tell.
            }
        }
        for (int i = 0; i < 16; i++) {
            Path dev = Path.of("/dev/nvidia" + i);
            if (Files.exists(dev)) {
                devices.add(dev.toString());
            }
        }
        return devices;
    }

    private static void addPathList(Set<String> dirs, String list) {
        if (list == null || list.isBlank()) {
            return;
        }
        for (String dir : list.split(java.io.File.pathSeparator)) {
            if (!dir.isBlank()) {
                dirs.add(dir);
            }
        }
    }

    /** The absolute paths stored in the linker cache: its string table holds them NUL-terminated. */
    private static List<String> ldCachePaths() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(LD_CACHE);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
        List<String> paths = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '/' && start < 0) {
                start = i;
            } else if (bytes[i] == 0 && start >= 0) {
                paths.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = -1;
            } else if (start >= 0 && (bytes[i] < 0x20 || bytes[i] > 0x7e)) {
                start = -1;
            }
        }
        return paths;
    }
}
