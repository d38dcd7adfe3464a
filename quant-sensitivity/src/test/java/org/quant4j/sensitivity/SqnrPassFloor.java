package org.quant4j.sensitivity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.quant4j.api.KernelTarget;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.evaluate.FidelityRequest;
import org.quant4j.api.data.ModelBatches;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

/**
 * The floor of the per-tensor SQNR pass (docs/BENCHMARKS.md, issue 14): times, in one process and in
 * alternation, one pass over the same Fashion-MNIST test images of
 * <ol>
 *   <li>the FP32 model alone;</li>
 *   <li>the full INT8 QDQ model alone (kernel target {@code portable}, the pass's; and {@code vnni});</li>
 *   <li>one model holding the FP32 and INT8 graphs with both logits as outputs, nothing measured;</li>
 *   <li>(3) plus the local copies of the error model, their quantized outputs as outputs, nothing measured;</li>
 *   <li>the error model the pass runs ({@link TensorErrorModel}), with and without local copies, and
 *       with its local copies on a sub-sample of each run;</li>
 * </ol>
 * each in three ways: batches of 100 on 2 intra-op threads that spin (how the sensitivity command's
 * FP32 pass runs), runs of 25 on 2 threads that sleep (how {@code Evaluator.fidelity} ran the error
 * model), and runs of 25 two at a time on one thread each ({@code FidelityRequest.parallelRuns(2)}).
 * Sessions are opened and warmed up (one pass) before timing; only the runs are timed, over batches
 * built beforehand. A test-scope tool, not a test: run it from the reactor's classes,
 *
 * <pre>
 * ./mvnw -B -o -q -pl quant-sensitivity -am test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt
 * chrt -f 10 java -cp quant-sensitivity/target/test-classes:quant-sensitivity/target/classes:$(cat quant-sensitivity/cp.txt) \
 *     org.quant4j.sensitivity.SqnrPassFloor models/reference/fashion-resnet.onnx 2000 5
 * </pre>
 *
 * Arguments: the float model, the number of test images (stratified, seed 42, in the analysis's seeded
 * order), the number of timed passes of each model and way (the median is reported).
 */
public final class SqnrPassFloor {

    private static final long SEED = 42;
    private static final int THREADS = 2;

    private record Way(String name, int batch, int runsAtOnce, boolean spinning) {
    }

    private static final List<Way> WAYS = List.of(new Way("b100 2thr spin", 100, 1, true),
            new Way("r25 2thr sleep", 25, 1, false), new Way("r25 2x1thr", 25, 2, false));

    private SqnrPassFloor() {
    }

    public static void main(String[] args) throws Exception {
        Path modelFile = Path.of(args.length > 0 ? args[0] : "models/reference/fashion-resnet.onnx");
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Dataset calibration = CalibrationSampler.stratified(FashionMnist.train(), 500, SEED);
        Dataset data = SensitivityAnalysis.seededOrder(CalibrationSampler.stratified(FashionMnist.test(), samples,
                SEED), SEED);

        PreparedModel prepared = PreparedModel.read(modelFile);
        Graph fp32 = prepared.graph();
        Map<String, Graph> models = new LinkedHashMap<>();
        models.put("(1) FP32", fp32);
        Graph int8 = null;
        Set<String> layers = null;
        for (String target : List.of("portable", "vnni")) {
            QuantizationConfig config = QuantizationConfig.builder().seed(SEED).kernelTarget(KernelTarget.parse(target))
                    .build();
            TableCalibration table = TableCalibration.calibrate(prepared, config, "onnxruntime", calibration, 100,
                    THREADS, ProgressListener.NONE);
            PreparedModel.Quantized full = prepared.quantized(config, table);
            models.put("(2) INT8 " + target, full.graph());
            if (int8 == null) {
                int8 = full.graph();
                layers = PreparedModel.layers(full.result()).stream().map(NodeDecision::nodeName)
                        .collect(Collectors.toSet());
            }
        }
        models.put("(3) FP32+INT8, logits", TensorErrorModel.unmeasured(fp32, int8, false, layers));
        models.put("(4) (3)+local copies", TensorErrorModel.unmeasured(fp32, int8, true, layers));
        TensorErrorModel errors = TensorErrorModel.build(fp32, int8, true, layers);
        models.put("(5) error model", errors.model());
        models.put("(5a) error model, no local", TensorErrorModel.build(fp32, int8, false, layers).model());
        models.put("(5b) error model, local on 7 of 25", TensorErrorModel.build(fp32, int8, true, layers, 7).model());
        models.put("(z) the zero model Evaluator.fidelity compares (5) with", TensorErrorModel.zeroModel(fp32, errors));

        Path dir = Files.createTempDirectory("quant4j-floor");
        List<Timed> timed = new ArrayList<>();
        for (Map.Entry<String, Graph> m : models.entrySet()) {
            Path file = dir.resolve("m" + timed.size() + ".onnx");
            m.getValue().toModel().write(file);
            for (Way way : WAYS) {
                timed.add(new Timed(m.getKey(), way, file, data, repeats));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "floor-run");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Timed t : timed) {
                t.pass(pool); // warm-up
            }
            for (int r = 0; r < repeats; r++) {
                for (Timed t : timed) {
                    Thread.sleep(20); // let the previous session's spinning threads go to sleep
                    t.times[r] = t.pass(pool);
                }
            }
        } finally {
            pool.shutdownNow();
            for (Timed t : timed) {
                t.runner.close();
            }
        }
        double reference = timed.get(0).median();
        System.out.printf(Locale.ROOT, "%s: %d images, %d timed passes each, medians (min-max) per 100 images;"
                + " ratio = median / FP32 b100 2thr spin (%.1f ms)%n", modelFile.getFileName(), samples, repeats,
                reference * 100 / samples);
        System.out.printf(Locale.ROOT, "| model | %s |%n", WAYS.stream().map(Way::name)
                .collect(Collectors.joining(" | ")));
        System.out.println("|---|" + "---|".repeat(WAYS.size()));
        StringBuilder opening = new StringBuilder("Opening a session (2 threads, spinning): ");
        for (int i = 0; i < timed.size(); i += WAYS.size()) {
            StringBuilder row = new StringBuilder("| " + timed.get(i).model + " |");
            opening.append(String.format(Locale.ROOT, "%s %.0f ms; ", timed.get(i).model, timed.get(i).openMillis));
            for (int w = 0; w < WAYS.size(); w++) {
                Timed t = timed.get(i + w);
                double[] sorted = t.times.clone();
                Arrays.sort(sorted);
                row.append(String.format(Locale.ROOT, " %.1f ms (%.1f-%.1f) %.2fx |", t.median() * 100 / samples,
                        sorted[0] * 100 / samples, sorted[sorted.length - 1] * 100 / samples, t.median() / reference));
            }
            System.out.println(row);
        }
        System.out.println(opening);

        // The pass as the analysis runs it: Evaluator.fidelity of (5) against its zero model, sessions
        // opened by each call, each way of running.
        Path errorsFile = dir.resolve("errors.onnx");
        Path zerosFile = dir.resolve("zeros.onnx");
        errors.model().toModel().write(errorsFile);
        TensorErrorModel.zeroModel(fp32, errors).toModel().write(zerosFile);
        StringBuilder calls = new StringBuilder("Evaluator.fidelity of (5) against (z), runs of 25, whole call:");
        for (int parallel : new int[] {1, 2}) {
            double[] t = new double[repeats];
            double[] first = new double[repeats];
            double[] second = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long start = System.nanoTime();
                List<Long> reports = new ArrayList<>();
                try (Evaluator evaluator = Evaluators.get("onnxruntime")) {
                    evaluator.fidelity(FidelityRequest.builder().model(errorsFile).reference(zerosFile).data(data)
                            .batchSize(25).threads(THREADS).parallelRuns(parallel).bootstrapResamples(1)
                            .listener((stage, done, total) -> reports.add(System.nanoTime())).build());
                }
                t[r] = (System.nanoTime() - start) / 1e6;
                // Reports: 0 before opening, then one per run of 25.
                first[r] = (reports.get(1) - start) / 1e6;
                second[r] = (reports.get(1 + parallel) - reports.get(1)) / 1e6;
            }
            Arrays.sort(t);
            Arrays.sort(first);
            Arrays.sort(second);
            calls.append(String.format(Locale.ROOT, " %d run(s) at a time: median %.0f ms (%.0f-%.0f), of which"
                    + " opening and the first run %.0f ms, the next %d run(s) %.0f ms;", parallel, t[t.length / 2],
                    t[0], t[t.length - 1], first[first.length / 2], parallel, second[second.length / 2]));
        }
        System.out.println(calls);
    }

    /** One model run one way, its session open and its batches built. */
    private static final class Timed {
        final String model;
        final Way way;
        final OrtRunner runner;
        final List<NamedBatch> batches = new ArrayList<>();
        final double[] times;
        final double openMillis;

        Timed(String model, Way way, Path file, Dataset data, int repeats) {
            this.model = model;
            this.way = way;
            long start = System.nanoTime();
            this.runner = OrtRunner.open(file, RunnerOptions.builder()
                    .intraOpThreads(Math.max(1, THREADS / way.runsAtOnce())).spinning(way.spinning()).build());
            this.openMillis = (System.nanoTime() - start) / 1e6;
            ModelBatches b = runner.batches(data, way.batch());
            while (b.hasNext()) {
                batches.add(b.next());
            }
            this.times = new double[repeats];
        }

        /** One pass over every batch, in milliseconds. */
        double pass(ExecutorService pool) throws InterruptedException, ExecutionException {
            long start = System.nanoTime();
            if (way.runsAtOnce() == 1) {
                for (NamedBatch b : batches) {
                    runner.run(b);
                }
            } else {
                List<Future<?>> futures = new ArrayList<>();
                for (NamedBatch b : batches) {
                    futures.add(pool.submit(() -> runner.run(b)));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            }
            return (System.nanoTime() - start) / 1e6;
        }

        double median() {
            double[] sorted = times.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }
}
