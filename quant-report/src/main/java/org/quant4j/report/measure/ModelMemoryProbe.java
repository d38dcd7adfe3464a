package org.quant4j.report.measure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.evaluate.TimedSession;
import org.quant4j.api.io.AtomicFiles;

/**
 * The child process of {@link IsolatedMemory}: in a fresh JVM, takes the resident set once the
 * evaluator is loaded, then opens one model as the comparison's timed sessions do
 * ({@link Evaluator#openTimed}), runs it at batch 1 and batch 32, and writes both figures to a
 * result file ({@code baseline BYTES} and {@code peak BYTES}, the latter Linux's VmHWM).
 *
 * <p>Arguments: {@code RESULT EVALUATOR MODEL THREADS RUNS}.
 */
public final class ModelMemoryProbe {

    private ModelMemoryProbe() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            throw new IllegalArgumentException("Usage: ModelMemoryProbe RESULT EVALUATOR MODEL THREADS RUNS");
        }
        Path result = Path.of(args[0]);
        int threads = Integer.parseInt(args[3]);
        int runs = Integer.parseInt(args[4]);
        try (Evaluator evaluator = Evaluators.get(args[1])) {
            System.gc();
            long baseline = require(ProcessMemory.current(), "VmRSS");
            try (TimedSession session = evaluator.openTimed(Path.of(args[2]), threads)) {
                session.time(1, 0, runs);
                session.time(IsolatedMemory.LARGE_BATCH, 0, runs);
            }
            long peak = require(ProcessMemory.peak(), "VmHWM");
            AtomicFiles.writeString(result, "memory probe result", "baseline " + baseline + "\npeak " + peak + "\n");
        }
    }

    private static long require(OptionalLong value, String field) {
        return value.orElseThrow(() -> new IllegalStateException("/proc/self/status has no " + field
                + " on this platform: resident memory cannot be measured"));
    }
}
