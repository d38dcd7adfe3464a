package org.quant4j.cli.options;

import picocli.CommandLine.Option;

/** {@code --threads N}: ONNX Runtime's intra-op threads. */
public final class RuntimeOptions {

    @Option(names = "--threads", paramLabel = "N",
            converter = CountConverter.NonNegative.class, defaultValue = "0",
            description = "ONNX Runtime threads per operator (default: 0, ONNX Runtime chooses).")
    private int threads;

    /** The thread count: 0 lets ONNX Runtime choose. */
    public int threads() {
        return threads;
    }
}
