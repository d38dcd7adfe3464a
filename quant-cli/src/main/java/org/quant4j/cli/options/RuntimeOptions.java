package org.quant4j.cli.options;

import org.quant4j.api.InvalidInputException;
import picocli.CommandLine.Option;

/** {@code --threads N}: ONNX Runtime's intra-op threads. */
public final class RuntimeOptions {

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "ONNX Runtime threads per operator (default: 0, ONNX Runtime chooses).")
    private int threads;

    /** The thread count, validated: 0 lets ONNX Runtime choose. */
    public int threads() {
        if (threads < 0) {
            throw new InvalidInputException("--threads must be >= 0 (0 lets ONNX Runtime choose), got " + threads);
        }
        return threads;
    }
}
