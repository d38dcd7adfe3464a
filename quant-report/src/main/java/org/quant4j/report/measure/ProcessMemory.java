package org.quant4j.report.measure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Resident memory of this process from Linux's {@code /proc/self/status}: the current resident set
 * ({@code VmRSS}) and its peak ({@code VmHWM}), which {@link #resetPeak()} sets back to the
 * current value (writing 5 to {@code /proc/self/clear_refs}). Native memory of a runtime such as
 * ONNX Runtime is counted; the JVM heap is too, so a peak includes heap growth at the same time.
 * On systems without these files every method reports "not available".
 */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcessMemory() {
    }

    /** True when this platform can measure and reset the peak. */
    public static boolean supported() {
        return Files.isReadable(STATUS) && Files.isWritable(CLEAR_REFS) && current().isPresent();
    }

    /** Sets the peak back to the current resident set; false when that is not possible here. */
    public static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5", StandardCharsets.US_ASCII);
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** Current resident set size in bytes. */
    public static OptionalLong current() {
        return field("VmRSS:");
    }

    /** Peak resident set size in bytes since the process started or the last {@link #resetPeak()}. */
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
