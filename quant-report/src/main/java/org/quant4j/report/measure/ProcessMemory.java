package org.quant4j.report.measure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Resident memory of this process from Linux's {@code /proc/self/status}: the current resident set
 * ({@code VmRSS}) and its peak since the process started ({@code VmHWM}). Native memory of a
 * runtime such as ONNX Runtime is counted; the JVM heap is too, so a peak includes heap growth at
 * the same time. On systems without this file every method reports "not available".
 */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {
    }

    /** True when this platform can measure the resident set and its peak. */
    public static boolean supported() {
        return current().isPresent() && peak().isPresent();
    }

    /** Current resident set size in bytes. */
    public static OptionalLong current() {
        return field("VmRSS:");
    }

    /** Peak resident set size in bytes since the process started. */
    public static OptionalLong peak() {
        return field("VmHWM:");
    }

    private static OptionalLong field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024L);
                }
            }
            return OptionalLong.empty();
        } catch (IOException | NumberFormatException | SecurityException e) {
            return OptionalLong.empty();
        }
    }
}
