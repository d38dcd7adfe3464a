package org.quant4j.report.measure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.quant4j.api.QuantException;

/**
 * Resident memory of one model measured in a process of its own: a fresh JVM (this JVM's
 * {@code java} and class path) runs {@link ModelMemoryProbe}, which loads the evaluator, takes its
 * resident set as the baseline, opens the model, runs {@code runs} inferences at batch 1 and at
 * batch {@value #LARGE_BATCH}, and reports its peak resident set (VmHWM).
 *
 * <p>Why a child process: inside a long-running JVM the peak of one model says little. Memory that
 * an earlier model's native runtime freed stays with the allocator and is reused, so a later
 * model's peak barely rises (a few KiB), and the heap grows or shrinks with whatever ran before.
 * A fresh process starts from the same state for every model. The child's heap is capped at
 * {@value #CHILD_HEAP} and uses the serial collector, so the heap adds little beyond the batches'
 * input arrays. Measurements run one at a time.
 */
public final class IsolatedMemory {

    /** The larger batch run (the comparison's throughput batch). */
    public static final int LARGE_BATCH = 32;

    static final String CHILD_HEAP = "-Xmx512m";

    private static final long TIMEOUT_MINUTES = 10;

    private IsolatedMemory() {
    }

    /**
     * The memory of one model.
     *
     * @param baselineBytes resident set of the child before it opened the model (JVM, evaluator classes)
     * @param peakBytes     peak resident set of the child, opening and running included
     */
    public record Figures(long baselineBytes, long peakBytes) {

        /** How far opening and running the model raised the peak above the baseline. */
        public long riseBytes() {
            return Math.max(0, peakBytes - baselineBytes);
        }
    }

    /**
     * Measures {@code model} in a child JVM.
     *
     * @param evaluator the evaluator that opens it (as the comparison's timed sessions do)
     * @param threads   intra-op threads (0 lets the runtime choose)
     * @param runs      inferences at each batch size, &gt; 0
     * @param workDir   where the child's result and log go
     * @throws QuantException when the child fails or times out, with its log's last lines
     */
    public static Figures measure(Path model, String evaluator, int threads, int runs, Path workDir) {
        if (runs <= 0) {
            throw new IllegalArgumentException("Runs must be > 0, got " + runs);
        }
        String stem = "memory-" + model.getFileName();
        Path result = workDir.resolve(stem + ".txt");
        Path log = workDir.resolve(stem + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                CHILD_HEAP, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                ModelMemoryProbe.class.getName(), result.toString(), evaluator,
                model.toAbsolutePath().toString(), Integer.toString(threads), Integer.toString(runs)));
        try {
            Files.createDirectories(workDir);
            Files.deleteIfExists(result);
            Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!child.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                child.destroyForcibly();
                throw new QuantException("Measuring the memory of " + model + " took more than " + TIMEOUT_MINUTES
                        + " minutes; the child process was stopped" + tail(log));
            }
            if (child.exitValue() != 0 || !Files.isRegularFile(result)) {
                throw new QuantException("Measuring the memory of " + model + " failed (child exit code "
                        + child.exitValue() + ")" + tail(log));
            }
            Map<String, Long> values = new HashMap<>();
            for (String line : Files.readAllLines(result, StandardCharsets.US_ASCII)) {
                String[] parts = line.trim().split(" ");
                values.put(parts[0], Long.parseLong(parts[1]));
            }
            return new Figures(values.get("baseline"), values.get("peak"));
        } catch (IOException e) {
            throw new QuantException("Cannot run a child process to measure the memory of " + model + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuantException("Interrupted while measuring the memory of " + model, e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return ": " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
