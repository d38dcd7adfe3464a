package org.quant4j.cli.options;

import java.util.ArrayList;
import java.util.List;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import picocli.CommandLine.Option;

/** What is quantized and how: mode, per-channel weights, nodes and op types left in float. */
public final class QuantizationOptions {

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "static",
            converter = QuantizationModeConverter.class, completionCandidates = QuantizationModeConverter.class,
            description = "static (calibrated int8, needs --data), dynamic (int8 weights, activations quantized at"
                    + " run time) or fp16 (default: ${DEFAULT-VALUE}).")
    private QuantizationMode mode;

    @Option(names = "--per-channel", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Quantize weights per output channel (--no-per-channel: one scale per tensor;"
                    + " default: per channel).")
    private boolean perChannel;

    @Option(names = "--exclude", paramLabel = "NODE",
            description = "Leave this node in float; repeatable. 'quantize --details' lists the node names.")
    private List<String> excludeNodes = new ArrayList<>();

    @Option(names = "--exclude-op", paramLabel = "OP[,OP]", split = ",", hideParamSyntax = true,
            description = "Leave every node of this op type in float, e.g. Gemm or Conv,Add; repeatable.")
    private List<String> excludeOps = new ArrayList<>();

    public QuantizationMode mode() {
        return mode;
    }

    /** Mode, per-channel setting and exclusions set on {@code config}. */
    public QuantizationConfig.Builder applyTo(QuantizationConfig.Builder config) {
        config.mode(mode).perChannel(perChannel);
        excludeNodes.forEach(config::excludeNode);
        excludeOps.forEach(config::excludeOpType);
        return config;
    }
}
