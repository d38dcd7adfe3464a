package org.quant4j.onnxruntime.runtime;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.quant4j.api.InvalidInputException;

/**
 * Settings of an {@link OrtRunner}: thread counts, graph optimisation level and, optionally, where
 * ONNX Runtime writes the graph it actually runs. Defaults: ONNX Runtime's thread counts (0) and
 * {@link OptimizationLevel#ALL}.
 */
public final class RunnerOptions {

    private final int intraOpThreads;
    private final int interOpThreads;
    private final OptimizationLevel optimization;
    private final Path optimizedModelPath;
    private final boolean spinning;
    private final boolean memoryPattern;
    private final Path profilingPrefix;

    private RunnerOptions(Builder b) {
        this.intraOpThreads = b.intraOpThreads;
        this.interOpThreads = b.interOpThreads;
        this.optimization = b.optimization;
        this.optimizedModelPath = b.optimizedModelPath;
        this.spinning = b.spinning;
        this.memoryPattern = b.memoryPattern;
        this.profilingPrefix = b.profilingPrefix;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static RunnerOptions defaults() {
        return builder().build();
    }

    /** Threads inside one operator; 0 lets ONNX Runtime choose. */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /** Threads across independent operators; 0 lets ONNX Runtime choose. */
    public int interOpThreads() {
        return interOpThreads;
    }

    public OptimizationLevel optimization() {
        return optimization;
    }

    /** Where ONNX Runtime writes the optimised model when a session is created. */
    public Optional<Path> optimizedModelPath() {
        return Optional.ofNullable(optimizedModelPath);
    }

    /**
     * Whether idle intra-op threads spin waiting for work (ONNX Runtime's default, fastest for one
     * session alone). Off, they sleep, so sessions timed in turn do not steal each other's cores.
     */
    public boolean spinning() {
        return spinning;
    }

    /**
     * Whether ONNX Runtime plans one memory block for all of a run's intermediate tensors from the
     * allocations of the first runs (its default, on). The plan is made during the first run and
     * allocated during the second, so both pay for fresh memory; off, the second run already reuses
     * the first run's memory, which is faster for a session that runs only a few batches.
     */
    public boolean memoryPattern() {
        return memoryPattern;
    }

    /**
     * Where ONNX Runtime writes its per-node profile (a Chrome trace JSON, the path this prefix
     * followed by a timestamp and {@code .json}); empty for no profiling. See
     * {@link OrtRunner#endProfiling()}.
     */
    public Optional<Path> profilingPrefix() {
        return Optional.ofNullable(profilingPrefix);
    }

    /**
     * These options with {@code threads} intra-op threads, or these options unchanged when
     * {@code threads} is 0 (a request that lets the backend choose).
     */
    public RunnerOptions withThreads(int threads) {
        return threads > 0 ? toBuilder().intraOpThreads(threads).build() : this;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.intraOpThreads = intraOpThreads;
        b.interOpThreads = interOpThreads;
        b.optimization = optimization;
        b.optimizedModelPath = optimizedModelPath;
        b.spinning = spinning;
        b.memoryPattern = memoryPattern;
        b.profilingPrefix = profilingPrefix;
        return b;
    }

    @Override
    public String toString() {
        return "RunnerOptions[intraOp=" + intraOpThreads + ", interOp=" + interOpThreads + ", optimization="
                + optimization + (spinning ? "" : ", no spinning") + (memoryPattern ? "" : ", no memory pattern") + (optimizedModelPath == null ? "" : ", optimizedModel=" + optimizedModelPath) + "]";
    }

    /** Builder of {@link RunnerOptions}. */
    public static final class Builder {
        private int intraOpThreads;
        private int interOpThreads;
        private OptimizationLevel optimization = OptimizationLevel.ALL;
        private Path optimizedModelPath;
        private boolean spinning = true;
        private boolean memoryPattern = true;
        private Path profilingPrefix;

        private Builder() {
        }

        public Builder intraOpThreads(int threads) {
            this.intraOpThreads = threads;
            return this;
        }

        public Builder interOpThreads(int threads) {
            this.interOpThreads = threads;
            return this;
        }

        public Builder optimization(OptimizationLevel level) {
            this.optimization = Objects.requireNonNull(level, "level");
            return this;
        }

        /** See {@link RunnerOptions#spinning()}. */
        public Builder spinning(boolean spinning) {
            this.spinning = spinning;
            return this;
        }

        /** See {@link RunnerOptions#memoryPattern()}. */
        public Builder memoryPattern(boolean memoryPattern) {
            this.memoryPattern = memoryPattern;
            return this;
        }

        /** Where ONNX Runtime writes the optimised model; null for nowhere. */
        public Builder optimizedModelPath(Path path) {
            this.optimizedModelPath = path;
            return this;
        }

        /** See {@link RunnerOptions#profilingPrefix()}; null for no profiling. */
        public Builder profilingPrefix(Path prefix) {
            this.profilingPrefix = prefix;
            return this;
        }

        public RunnerOptions build() {
            if (intraOpThreads < 0 || interOpThreads < 0) {
                throw new InvalidInputException("Thread counts must be >= 0 (0 lets ONNX Runtime choose), got intra-op "
                        + intraOpThreads + ", inter-op " + interOpThreads);
            }
            return new RunnerOptions(this);
        }
    }
}
