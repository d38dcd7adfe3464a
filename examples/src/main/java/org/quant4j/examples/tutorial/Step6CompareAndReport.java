package org.quant4j.examples.tutorial;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.evaluate.EvaluationRequest;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.evaluate.Predictions;
import org.quant4j.api.evaluate.TimedSession;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.report.compare.ComparisonReport;
import org.quant4j.report.compare.MethodResult;
import org.quant4j.report.compare.Recommendation;
import org.quant4j.report.compare.TargetCheck;
import org.quant4j.report.compare.TimingSummary;
import org.quant4j.report.render.ReportWriter;
import org.quant4j.report.stats.AccuracyStatistics;
import org.quant4j.report.stats.StatisticsOptions;

/** Tutorial step 6: every model of steps 2 to 4 in one comparison, with recommendations, and the report. */
public final class Step6CompareAndReport {

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "models/reference/fashion-resnet.onnx");
        Path dir = Path.of(args.length > 1 ? args[1] : "tutorial");
        Dataset test = CalibrationSampler.stratified(FashionMnist.test(), 2000, 42);
        StatisticsOptions stats = StatisticsOptions.withSeed(42);

        try (Evaluator evaluator = Evaluators.get("onnxruntime")) {
            Predictions fp32 = predict(evaluator, model, test);
            ComparisonReport report = ComparisonReport.builder()
                    .model(model.getFileName().toString())
                    .dataset("Fashion-MNIST, 2,000 stratified test images")
                    .statistics(stats)
                    .reference(measure(evaluator, MethodResult.builder("FP32"), model)
                            .accuracy(AccuracyStatistics.ofReference(fp32, FashionMnist.CLASS_NAMES, stats)).build())
                    .method(candidate(evaluator, MethodResult.builder("FP16").mode(QuantizationMode.FP16),
                            dir.resolve("resnet-fp16.onnx"), test, fp32, stats))
                    .method(candidate(evaluator, MethodResult.builder("dynamic INT8").mode(QuantizationMode.DYNAMIC),
                            dir.resolve("resnet-dynamic.onnx"), test, fp32, stats))
                    .method(candidate(evaluator, MethodResult.builder("static INT8 minmax per-tensor")
                                    .mode(QuantizationMode.STATIC).calibration(CalibrationMethod.MIN_MAX).perChannel(false),
                            dir.resolve("resnet-per-tensor.onnx"), test, fp32, stats))
                    .method(candidate(evaluator, MethodResult.builder("static INT8 minmax per-channel")
                                    .mode(QuantizationMode.STATIC).calibration(CalibrationMethod.MIN_MAX).perChannel(true),
                            dir.resolve("resnet-per-channel.onnx"), test, fp32, stats))
                    .method(candidate(evaluator, MethodResult.builder("QAT INT8 (short)")
                                    .mode(QuantizationMode.STATIC).perChannel(true),
                            dir.resolve("resnet-qat.onnx"), test, fp32, stats))
                    .build();                              // default targets: <= 1 pp lost, >= 2x faster, >= 3.5x smaller

            for (MethodResult m : report.candidates()) {
                System.out.printf(Locale.ROOT, "%-31s top-1 %.2f%%, change %+.2f pp, %.2fx smaller, %.2fx throughput%n",
                        m.name(), 100 * m.accuracy().top1().estimate(), 100 * report.top1Change(m).estimate(),
                        report.sizeReduction(m).orElseThrow(), report.throughputSpeedup(m).orElseThrow());
            }
            report.recommendations().all().stream().map(Recommendation::text).forEach(System.out::println);
            report.targetChecks().stream().map(TargetCheck::statement).forEach(System.out::println);
            ReportWriter.write(report, dir.resolve("report"));   // report.md, report.html, results.json
        }
    }

    private static Predictions predict(Evaluator evaluator, Path model, Dataset test) {
        return evaluator.evaluate(EvaluationRequest.builder().model(model).data(test).build()).predictions();
    }

    private static MethodResult candidate(Evaluator evaluator, MethodResult.Builder method, Path model, Dataset test,
                                          Predictions fp32, StatisticsOptions stats) throws Exception {
        Predictions predictions = predict(evaluator, model, test);
        return measure(evaluator, method, model)
                .accuracy(AccuracyStatistics.of(predictions, fp32, FashionMnist.CLASS_NAMES, stats)).build();
    }

    /** File size, and throughput at batch 32 on 2 threads: 5 warm-up then 20 timed runs of one batch. */
    private static MethodResult.Builder measure(Evaluator evaluator, MethodResult.Builder method, Path model)
            throws Exception {
        try (TimedSession session = evaluator.openTimed(model, 2)) {
            double[] imagesPerSecond = Arrays.stream(session.time(32, 5, 20)).map(ms -> 32_000 / ms).toArray();
            return method.modelFileBytes(Files.size(model)).throughputBatch32PerSecond(TimingSummary.of(imagesPerSecond));
        }
    }
}
