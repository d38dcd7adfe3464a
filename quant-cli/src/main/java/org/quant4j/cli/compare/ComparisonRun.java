package org.quant4j.cli.compare;

import java.nio.file.Path;
import java.util.List;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.report.compare.ComparisonReport;
import org.quant4j.report.compare.MethodComparison;
import org.quant4j.report.compare.MethodComparison.Method;
import org.quant4j.report.stats.StatisticsOptions;

/**
 * What {@code compare} and {@code demo} run for one model: a {@link MethodComparison} with the
 * command-line settings, the quantized models kept in {@code workDirectory}.
 *
 * @param model         the FP32 ONNX model
 * @param calibration   calibration samples
 * @param test          evaluation samples
 * @param datasetName   names the evaluation data in the report
 * @param classNames    one name per class
 * @param methods       the methods to compare, the FP32 reference included
 * @param threads       ONNX Runtime intra-op threads
 * @param rounds        interleaved timing rounds
 * @param measureMemory whether each method's peak memory is measured (in a child JVM per method)
 * @param workDirectory where the quantized models are written
 * @param notes         notes on how the data was chosen, shown in the report
 * @param training      labelled training images for methods that train (QAT); null when none does
 */
public record ComparisonRun(Path model, Dataset calibration, Dataset test, String datasetName, List<String> classNames,
        List<Method> methods, int threads, int rounds, boolean measureMemory, Path workDirectory, List<String> notes,
        Dataset training) {

    /** Timed batch-1 runs per method and round: enough for a stable median on a small model. */
    static final int LATENCY_ITERATIONS = 30;
    /** Timed batch-32 runs per method and round: a batch of a reference model takes milliseconds. */
    static final int THROUGHPUT_ITERATIONS = 10;

    public ComparisonRun {
        classNames = List.copyOf(classNames);
        methods = List.copyOf(methods);
        notes = List.copyOf(notes);
    }

    /** The seed the methods were configured with (--seed), also used for the bootstrap intervals. */
    long seed() {
        return methods.stream().flatMap(m -> m.config().stream()).findFirst()
                .map(org.quant4j.api.QuantizationConfig::seed).orElse(42L);
    }

    /** Runs the comparison, reporting progress to {@code listener}. */
    public ComparisonReport run(ProgressListener listener) {
        MethodComparison.Builder builder = MethodComparison.builder()
                .model(model, model.getFileName().toString())
                .calibrationData(calibration)
                .testData(test, datasetName)
                .classNames(classNames)
                .workDirectory(workDirectory)
                .methods(methods)
                .threads(threads)
                .timing(rounds, LATENCY_ITERATIONS, THROUGHPUT_ITERATIONS)
                .measureMemory(measureMemory)
                .statistics(StatisticsOptions.withSeed(seed()))
                .listener(listener);
        if (training != null) {
            builder.trainingData(training);
        }
        notes.forEach(builder::measurementNote);
        return builder.build().run();
    }
}
