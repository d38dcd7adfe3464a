package org.quant4j.examples.tutorial;

import java.nio.file.Path;
import java.util.Locale;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.evaluate.EvaluationRequest;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.evaluate.Predictions;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.report.stats.AccuracyStatistics;
import org.quant4j.report.stats.ClassStatistics;
import org.quant4j.report.stats.PairedComparison;
import org.quant4j.report.stats.StatisticsOptions;

/** Tutorial step 5: how much accuracy the static INT8 model of step 2 lost, with intervals and a test. */
public final class Step5EvaluateWithStatistics {

    public static void main(String[] args) {
        Path model = Path.of(args.length > 0 ? args[0] : "models/reference/fashion-resnet.onnx");
        Path int8Model = Path.of(args.length > 1 ? args[1] : "tutorial").resolve("resnet-static.onnx");
        Dataset test = CalibrationSampler.stratified(FashionMnist.test(), 2000, 42);   // 200 per class

        Predictions fp32;
        Predictions int8;
        try (Evaluator evaluator = Evaluators.get("onnxruntime")) {
            fp32 = evaluator.evaluate(EvaluationRequest.builder().model(model).data(test).build()).predictions();
            int8 = evaluator.evaluate(EvaluationRequest.builder().model(int8Model).data(test).build()).predictions();
        }

        // 1000 bootstrap resamples, 95% intervals, 15 bins for the calibration error; seeded, so reproducible.
        StatisticsOptions options = StatisticsOptions.withSeed(42);
        AccuracyStatistics reference = AccuracyStatistics.ofReference(fp32, FashionMnist.CLASS_NAMES, options);
        AccuracyStatistics candidate = AccuracyStatistics.of(int8, fp32, FashionMnist.CLASS_NAMES, options);
        for (AccuracyStatistics s : new AccuracyStatistics[] {reference, candidate}) {
            ConfidenceInterval top1 = s.top1();
            ClassStatistics shirt = s.classification().forClass(FashionMnist.CLASS_NAMES.indexOf("Shirt"));
            System.out.printf(Locale.ROOT, "%s top-1 %.2f%% [%.2f, %.2f], top-5 %.2f%%, ECE %.4f, Shirt F1 %.3f%n",
                    s == reference ? "FP32" : "INT8", 100 * top1.estimate(), 100 * top1.lower(), 100 * top1.upper(),
                    100 * s.classification().top5().orElseThrow(), s.calibration().expected(), shirt.f1());
        }
        PairedComparison paired = candidate.versusReference().orElseThrow();
        ConfidenceInterval change = paired.difference();
        System.out.printf(Locale.ROOT, "INT8 - FP32: %+.2f pp [%+.2f, %+.2f], same top-1 class on %.2f%% of the images%n",
                100 * change.estimate(), 100 * change.lower(), 100 * change.upper(), 100 * paired.agreement());
        System.out.printf(Locale.ROOT, "McNemar: only FP32 right on %d images, only INT8 right on %d, p = %.3f%n",
                paired.mcnemar().b(), paired.mcnemar().c(), paired.mcnemar().pValue());
    }
}
