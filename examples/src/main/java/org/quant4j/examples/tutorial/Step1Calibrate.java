package org.quant4j.examples.tutorial;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.CalibrationRequest;
import org.quant4j.api.calibration.CalibrationResult;
import org.quant4j.api.calibration.ModelCalibrator;
import org.quant4j.api.calibration.ModelCalibrators;
import org.quant4j.api.calibration.TensorSelection;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.calibration.sampling.Subset;
import org.quant4j.calibration.table.CalibrationTable;

/** Tutorial step 1: the activation ranges static INT8 would use, from two calibrators, and their tables. */
public final class Step1Calibrate {

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "models/reference/fashion-resnet.onnx");
        Path out = Files.createDirectories(Path.of(args.length > 1 ? args[1] : "tutorial"));

        // 200 training images, 20 of each class, always the same ones for seed 42.
        Subset images = CalibrationSampler.stratified(FashionMnist.train(), 200, 42);
        Map<CalibrationMethod, CalibrationResult> results = new LinkedHashMap<>();
        for (CalibrationMethod method : List.of(CalibrationMethod.MIN_MAX, CalibrationMethod.ENTROPY)) {
            try (ModelCalibrator calibrator = ModelCalibrators.get("onnxruntime")) {
                CalibrationResult result = calibrator.calibrate(CalibrationRequest.builder()
                        .model(model)
                        .data(images)
                        .config(QuantizationConfig.builder().calibrationMethod(method).build())
                        .tensors(TensorSelection.quantizerTensors())   // exactly the tensors static INT8 quantizes
                        .build());
                CalibrationTable.of(result).write(out.resolve("calibration-" + method.id() + ".json"));
                results.put(method, result);
            }
        }

        System.out.println("tensor                           minmax               entropy");
        Map<String, TensorRange> minMax = results.get(CalibrationMethod.MIN_MAX).ranges();
        Map<String, TensorRange> entropy = results.get(CalibrationMethod.ENTROPY).ranges();
        for (String tensor : minMax.keySet()) {
            System.out.printf(Locale.ROOT, "%-25s [%7.3f, %7.3f]  [%7.3f, %7.3f]%n", tensor,
                    minMax.get(tensor).min(), minMax.get(tensor).max(), entropy.get(tensor).min(), entropy.get(tensor).max());
        }
    }
}
