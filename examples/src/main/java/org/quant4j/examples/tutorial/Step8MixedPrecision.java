package org.quant4j.examples.tutorial;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.calibration.sampling.Subset;
import org.quant4j.mixedprecision.LayerChoice;
import org.quant4j.mixedprecision.MixedPrecision;
import org.quant4j.mixedprecision.MixedPrecisionRequest;
import org.quant4j.mixedprecision.MixedPrecisionResult;
import org.quant4j.mixedprecision.ReportedModel;
import org.quant4j.mixedprecision.SearchOutcome;

/** Tutorial step 8: the fastest model within half a point of FP32, a choice per layer. */
public final class Step8MixedPrecision {

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "models/reference/fashion-resnet.onnx");
        Path out = Files.createDirectories(Path.of(args.length > 1 ? args[1] : "tutorial"));

        Dataset train = FashionMnist.train();
        Subset calibration = CalibrationSampler.stratified(train, 200, 42);                   // as in step 3
        Dataset validation = CalibrationSampler.stratified(Subset.complement(train, calibration), 1000, 43);
        MixedPrecisionResult result = MixedPrecision.run(MixedPrecisionRequest.builder()
                .model(model)
                .output(out.resolve("resnet-mixed.onnx"))   // the fastest choice within budget
                .config(QuantizationConfig.builder().calibrationMethod(CalibrationMethod.MIN_MAX).build())
                .calibration(calibration)
                .validation(validation)                    // the searches choose here, on other training images
                .test(CalibrationSampler.stratified(FashionMnist.test(), 1000, 42))   // and are reported here
                .maxDrop(0.005)                            // within 0.5 pp of FP32's top-1
                .population(6).generations(2).evolutionSamples(300)   // a small evolutionary search
                .profileRuns(10)                           // profiled runs per model for the latency costs
                .seed(42)
                .build());

        System.out.println("model          float  per-tensor  validation drop  test top-1  latency b32  speedup  size KiB  search");
        List<ReportedModel> rows = new ArrayList<>(List.of(result.fp32(), result.int8()));
        rows.addAll(result.reported());
        for (int i = 0; i < rows.size(); i++) {
            ReportedModel m = rows.get(i);
            SearchOutcome search = i < 2 ? null : result.searches().get(i - 2);
            System.out.printf(Locale.ROOT, "%-14s %5d %11d %+14.2f pp %10.2f%% %9.2f ms %7.2fx %9.1f  %s%n",
                    m.name(), m.assignment().count(LayerChoice.FLOAT), m.assignment().count(LayerChoice.INT8_PER_TENSOR),
                    100 * m.validationDrop().estimate(), 100 * m.testMetric(), m.latencyMillis(), m.speedup(),
                    m.sizeBytes() / 1024.0, search == null ? "-" : String.format(Locale.ROOT, "%.1f s",
                            search.time().toMillis() / 1000.0));
        }
        System.out.printf(Locale.ROOT, "setup %.0f s (calibration, sensitivity, latency profile of %d layers)%n",
                result.setupTime().toMillis() / 1000.0, result.layers().size());
        System.out.println("written: " + result.output().orElseThrow().getFileName() + ", the " + result.best().name()
                + " model");
        System.out.println(result.verdict());
    }
}
