package org.quant4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.evaluate.EvaluationRequest;
import org.quant4j.api.evaluate.EvaluationResult;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.api.quantize.Quantizers;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.report.compare.ComparisonReport;
import org.quant4j.report.compare.MethodResult;
import org.quant4j.report.render.ReportWriter;
import org.quant4j.report.stats.AccuracyStatistics;
import org.quant4j.report.stats.StatisticsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quantizes a Fashion-MNIST classifier to static INT8, evaluates the FP32 and the INT8 model on the
 * test images and writes a comparison report. Usage: {@code QuantizeAndCompare MODEL.onnx [OUTPUT_DIR]}.
 */
public final class QuantizeAndCompare {

    private static final Logger LOG = LoggerFactory.getLogger(QuantizeAndCompare.class);

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "fashion-resnet.onnx");
        Path out = Path.of(args.length > 1 ? args[1] : "quant4j-example");
        Files.createDirectories(out);
        Path int8 = out.resolve("model-int8.onnx");

        // 1. Quantize: static INT8, weights per output channel, activations calibrated with min-max
        //    on 500 training images (10 classes x 50, seed 42).
        try (Quantizer quantizer = Quantizers.get("onnxruntime")) {
            QuantizationResult result = quantizer.quantize(QuantizationRequest.builder()
                    .model(model)
                    .output(int8)
                    .overwriteOutput(true)                    // the program's own output directory
                    .config(QuantizationConfig.builder()
                            .mode(QuantizationMode.STATIC)
                            .calibrationMethod(CalibrationMethod.MIN_MAX)
                            .perChannel(true)
                            .build())
                    .calibrationData(CalibrationSampler.stratified(FashionMnist.train(), 500, 42))
                    .build());
            LOG.info("Wrote {} ({} bytes, {}x smaller) in {} ms", int8, result.outputBytes(),
                    String.format(Locale.ROOT, "%.2f", result.compressionRatio()), result.totalTime().toMillis());
            result.warnings().forEach(LOG::warn);
        }

        // 2. Evaluate both models on the 10,000 test images with ONNX Runtime.
        Dataset test = FashionMnist.test();
        EvaluationResult fp32;
        EvaluationResult quantized;
        try (Evaluator evaluator = Evaluators.get("onnxruntime")) {
            fp32 = evaluator.evaluate(EvaluationRequest.builder().model(model).data(test).build());
            quantized = evaluator.evaluate(EvaluationRequest.builder().model(int8).data(test).build());
        }

        // 3. Compare: bootstrap intervals, the paired change against FP32 and McNemar's test; write the report.
        StatisticsOptions stats = StatisticsOptions.withSeed(42);
        AccuracyStatistics fp32Stats = AccuracyStatistics.ofReference(fp32.predictions(), FashionMnist.CLASS_NAMES, stats);
        AccuracyStatistics int8Stats = AccuracyStatistics.of(quantized.predictions(), fp32.predictions(),
                FashionMnist.CLASS_NAMES, stats);
        ComparisonReport report = ComparisonReport.builder()
                .model(model.getFileName().toString()).dataset("Fashion-MNIST test set").statistics(stats)
                .reference(MethodResult.builder("FP32").accuracy(fp32Stats).modelFileBytes(Files.size(model)).build())
                .method(MethodResult.builder("static INT8 minmax per-channel")
                        .mode(QuantizationMode.STATIC).calibration(CalibrationMethod.MIN_MAX).perChannel(true)
                        .accuracy(int8Stats).modelFileBytes(Files.size(int8)).build())
                .build();
        ReportWriter.write(report, out);

        ConfidenceInterval change = int8Stats.versusReference().orElseThrow().difference();
        System.out.printf(Locale.ROOT, "FP32 top-1 %.2f%%, static INT8 top-1 %.2f%%%n",
                100 * fp32Stats.top1().estimate(), 100 * int8Stats.top1().estimate());
        System.out.printf(Locale.ROOT, "change %+.2f pp (95%% CI %+.2f to %+.2f), McNemar p = %.3f%n",
                100 * change.estimate(), 100 * change.lower(), 100 * change.upper(),
                int8Stats.versusReference().orElseThrow().mcnemar().pValue());
        System.out.println("Report: " + out.resolve(ReportWriter.HTML));
    }
}
