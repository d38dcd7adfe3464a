package org.quant4j.examples.tutorial;

import java.nio.file.Path;
import java.util.Locale;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.sensitivity.LayerSensitivity;
import org.quant4j.sensitivity.SensitivityAnalysis;
import org.quant4j.sensitivity.SensitivityRequest;
import org.quant4j.sensitivity.SensitivityResult;

/** Tutorial step 7: which layers of the model lose accuracy in INT8, and how much each. */
public final class Step7Sensitivity {

    public static void main(String[] args) {
        Path model = Path.of(args.length > 0 ? args[0] : "models/reference/fashion-resnet.onnx");

        SensitivityResult result = SensitivityAnalysis.run(SensitivityRequest.builder()
                .model(model)
                .config(QuantizationConfig.builder().calibrationMethod(CalibrationMethod.MIN_MAX).build())
                .calibration(CalibrationSampler.stratified(FashionMnist.train(), 200, 42))   // as in step 3
                .evaluation(CalibrationSampler.stratified(FashionMnist.test(), 1000, 42))
                .variantLayers(4)        // one-on and one-off variants for the 4 layers of lowest SQNR only
                .firstStage(500)         // evaluate each variant on 500 images, more only while undecided
                .seed(42)
                .build());

        System.out.printf(Locale.ROOT, "FP32 top-1 %.2f%%; every layer in INT8: drop %+.2f pp%n",
                100 * result.baseline(), 100 * result.fullInt8().drop().estimate());
        System.out.println("layer              op                one-on drop  SQNR accumulated  SQNR local  weight SQNR min");
        for (LayerSensitivity layer : result.layers()) {
            System.out.printf(Locale.ROOT, "%-18s %-17s %11s %14.1f dB %8.1f dB %14s%n",
                    layer.node(), layer.opType(),
                    layer.oneOn().map(s -> String.format(Locale.ROOT, "%+.2f pp", 100 * s.drop().estimate())).orElse("-"),
                    layer.sqnrAccumulated().orElse(Double.NaN), layer.sqnrLocal().orElse(Double.NaN),
                    layer.weightSqnrMin().isPresent()         // layers without a weight (Add, pooling) have none
                            ? String.format(Locale.ROOT, "%.1f dB", layer.weightSqnrMin().getAsDouble()) : "-");
        }
    }
}
