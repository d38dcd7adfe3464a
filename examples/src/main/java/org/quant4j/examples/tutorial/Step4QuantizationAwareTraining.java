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
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.qat.quantize.QatOptions;
import org.quant4j.qat.quantize.QatQuantizer;

/**
 * Tutorial step 4: quantization-aware training, on a schedule short enough for a tutorial (two epochs of 8
 * batches); the default schedule is in {@link QatOptions}.
 */
public final class Step4QuantizationAwareTraining {

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "models/reference/fashion-resnet.onnx");
        Path out = Files.createDirectories(Path.of(args.length > 1 ? args[1] : "tutorial"));
        Path qatModel = out.resolve("resnet-qat.onnx");

        QatOptions options = QatOptions.builder()
                .training(QatOptions.defaultTraining().epochs(2).maxStepsPerEpoch(8).build())
                .freezeBatchNormAfter(1)                        // BN statistics frozen from epoch 2
                .freezeObserversAfter(1)                        // activation ranges frozen from epoch 2
                .initialMethods(CalibrationMethod.MIN_MAX)      // start from min-max ranges (default: the best of all)
                .calibrationSamples(200)
                .validationSamples(300)
                .build();
        try (Quantizer qat = new QatQuantizer(options)) {
            qat.quantize(QuantizationRequest.builder()
                    .model(model).output(qatModel).overwriteOutput(true)
                    .config(QuantizationConfig.builder().perChannel(true).build())      // static INT8, as for PTQ
                    .calibrationData(CalibrationSampler.stratified(FashionMnist.train(), 3000, 42)) // labelled
                    .build());
        }

        Dataset test = CalibrationSampler.stratified(FashionMnist.test(), 1000, 42);
        try (Evaluator evaluator = Evaluators.get("onnxruntime")) {
            double fp32 = evaluator.evaluate(EvaluationRequest.builder().model(model).data(test).build()).top1();
            double int8 = evaluator.evaluate(EvaluationRequest.builder().model(qatModel).data(test).build()).top1();
            System.out.printf(Locale.ROOT, "FP32 top-1 %.2f%%, QAT INT8 top-1 %.2f%% (%+.2f pp)%n",
                    100 * fp32, 100 * int8, 100 * (int8 - fp32));
        }
    }
}
