package org.quant4j.examples.tutorial;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.evaluate.EvaluationRequest;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.api.quantize.Quantizers;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.CalibrationSampler;

/** Tutorial step 3: weights quantized per tensor or per output channel, evaluated on the same test images. */
public final class Step3PerChannel {

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "models/reference/fashion-resnet.onnx");
        Path out = Files.createDirectories(Path.of(args.length > 1 ? args[1] : "tutorial"));
        Dataset calibration = CalibrationSampler.stratified(FashionMnist.train(), 200, 42);
        Dataset test = CalibrationSampler.stratified(FashionMnist.test(), 1000, 42);   // 100 per class

        try (Quantizer quantizer = Quantizers.get("onnxruntime"); Evaluator evaluator = Evaluators.get("onnxruntime")) {
            double fp32 = evaluator.evaluate(EvaluationRequest.builder().model(model).data(test).build()).top1();
            System.out.printf(Locale.ROOT, "FP32                     top-1 %.2f%%%n", 100 * fp32);
            for (boolean perChannel : new boolean[] {false, true}) {
                Path output = out.resolve(perChannel ? "resnet-per-channel.onnx" : "resnet-per-tensor.onnx");
                quantizer.quantize(QuantizationRequest.builder()
                        .model(model).output(output).overwriteOutput(true)
                        .config(QuantizationConfig.builder()
                                .calibrationMethod(CalibrationMethod.MIN_MAX)
                                .perChannel(perChannel)
                                .build())
                        .calibrationData(calibration)
                        .build());
                double top1 = evaluator.evaluate(EvaluationRequest.builder().model(output).data(test).build()).top1();
                System.out.printf(Locale.ROOT, "static INT8 %-12s top-1 %.2f%% (%+.2f pp), %d bytes%n",
                        perChannel ? "per-channel" : "per-tensor", 100 * top1, 100 * (top1 - fp32), Files.size(output));
            }
        }
    }
}
