package org.quant4j.cli.options;

import java.util.ArrayList;
import java.util.List;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import picocli.CommandLine.Option;

/** What is quantized and how: mode, per-channel weights, kernel target, nodes and op types left in float. */
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

    @Option(names = "--target", paramLabel = "TARGET", defaultValue = "portable",
            converter = KernelTargetConverter.class, completionCandidates = KernelTargetConverter.class,
            description = "CPUs the INT8 model is for: portable (weight scales that keep the int16 pair sums of ONNX"
                    + " Runtime's AVX2 kernels in range: accurate on every x86-64 AVX2+ and ARM64 CPU), vnni (full 8-bit weights, for"
                    + " CPUs with AVX-512 VNNI, AVX-VNNI, AMX or ARM dot product; loses accuracy on AVX2), host"
                    + " (chosen from this machine's CPU) (default: ${DEFAULT-VALUE}).")
    private KernelTarget target;

    @Option(names = "--exclude", paramLabel = "NODE",
            description = "Leave this node in float; repeatable. 'quantize --details' lists the node names.")
    private List<String> excludeNodes = new ArrayList<>();

    @Option(names = "--exclude-op", paramLabel = "OP[,OP]", split = ",", hideParamSyntax = true,
            description = "Leave every node of this op type in float, e.g. Gemm or Conv,Add; repeatable.")
    private List<String> excludeOps = new ArrayList<>();

    @Option(names = "--dynamic-conv",
            description = "Dynamic mode: quantize every Conv as ConvInteger even when the model has MatMul, Gemm or"
                    + " LSTM to quantize (default: Conv only in models with nothing else to quantize, since ONNX"
                    + " Runtime's float Conv is faster and more accurate on the reference models).")
    private boolean dynamicConv;

    @Option(names = "--opset", paramLabel = "N", defaultValue = "0",
            description = "Convert the model to this ONNX opset (at least 13) before quantizing (default: models"
                    + " older than opset 13 are converted to 13, newer ones keep theirs).")
    private int opset;

    public QuantizationMode mode() {
        return mode;
    }

    /** Mode, per-channel setting, kernel target, target opset and exclusions set on {@code config}. */
    public QuantizationConfig.Builder applyTo(QuantizationConfig.Builder config) {
        config.mode(mode).perChannel(perChannel).kernelTarget(target).dynamicConv(dynamicConv).targetOpset(opset);
        excludeNodes.forEach(config::excludeNode);
        excludeOps.forEach(config::excludeOpType);
        return config;
    }
}
