package org.quant4j.cli.options;

import org.quant4j.api.KernelTarget;
import picocli.CommandLine.Option;

/** The sample counts, kernel target, timing rounds, threads and memory measurement of a method comparison ({@code compare}, {@code demo}). */
public final class ComparisonOptions {

    @Option(names = "--calibration-samples", paramLabel = "N",
            converter = CountConverter.Positive.class, defaultValue = "500",
            description = "Calibrate on N samples chosen in proportion to the classes, seeded (default:"
                    + " ${DEFAULT-VALUE}).")
    private int calibrationSamples;

    @Option(names = "--test-samples", paramLabel = "N",
            converter = CountConverter.Positive.class,
            description = "Evaluate on N samples chosen in proportion to the classes, seeded (default: all).")
    private Integer testSamples;

    @Option(names = "--rounds", paramLabel = "N",
            converter = CountConverter.Positive.class, defaultValue = "5",
            description = "Interleaved timing rounds (default: ${DEFAULT-VALUE}).")
    private int rounds;

    @Option(names = "--threads", paramLabel = "N",
            converter = CountConverter.NonNegative.class, defaultValue = "2",
            description = "ONNX Runtime threads per operator (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Option(names = "--target", paramLabel = "TARGET", defaultValue = "portable",
            converter = KernelTargetConverter.class, completionCandidates = KernelTargetConverter.class,
            description = "CPUs the INT8 models are for: portable (accurate on every x86-64 AVX2+ and ARM64 CPU),"
                    + " vnni (full 8-bit weights, for CPUs with VNNI/AMX or ARM dot product) or host (default:"
                    + " ${DEFAULT-VALUE}).")
    private KernelTarget target;

    @Option(names = "--no-memory",
            description = "Do not measure each method's peak memory (by default each model is opened and run at"
                    + " batch 1 and 32 in a JVM of its own, one at a time, which takes a few seconds per method).")
    private boolean noMemory;

    /** Whether each method's peak memory is measured in a child JVM. */
    public boolean measureMemory() {
        return !noMemory;
    }

    /** The kernel target of the INT8 methods. */
    public KernelTarget target() {
        return target;
    }

    public int calibrationSamples() {
        return calibrationSamples;
    }

    /** The test sample count, or null for all. */
    public Integer testSamples() {
        return testSamples;
    }

    public int rounds() {
        return rounds;
    }

    /** The thread count: 0 lets ONNX Runtime choose. */
    public int threads() {
        return threads;
    }
}
