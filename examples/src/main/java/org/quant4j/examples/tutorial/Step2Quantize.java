package org.quant4j.examples.tutorial;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.api.quantize.Quantizers;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.CalibrationSampler;

/** Tutorial step 2: static INT8, dynamic INT8 and FP16 versions of one model. */
public final class Step2Quantize {

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "models/reference/fashion-resnet.onnx");
        Path out = Files.createDirectories(Path.of(args.length > 1 ? args[1] : "tutorial"));

        try (Quantizer quantizer = Quantizers.get("onnxruntime")) {
            for (QuantizationMode mode : List.of(QuantizationMode.STATIC, QuantizationMode.DYNAMIC, QuantizationMode.FP16)) {
                Path output = out.resolve("resnet-" + mode.name().toLowerCase(Locale.ROOT) + ".onnx");
                QuantizationResult result = quantizer.quantize(QuantizationRequest.builder()
                        .model(model)
                        .output(output)
                        .overwriteOutput(true)
                        .config(QuantizationConfig.builder()
                                .mode(mode)
                                .calibrationMethod(CalibrationMethod.MIN_MAX)   // used by STATIC only
                                .build())
                        // Static INT8 calibrates on these; FP16 checks its float16 ranges on them; dynamic ignores them.
                        .calibrationData(CalibrationSampler.stratified(FashionMnist.train(), 200, 42))
                        .build());
                System.out.printf(Locale.ROOT, "%-7s %8d bytes (%.2fx smaller), %2d nodes converted, %2d left in float%n",
                        mode, result.outputBytes(), result.compressionRatio(),
                        result.decisions(NodeDecision.Action.QUANTIZED).size(),
                        result.decisions(NodeDecision.Action.SKIPPED).size());
            }
        }
    }
}
