package org.quant4j.onnxruntime.runtime;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.quant4j.api.Precision;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.ModelException;
import org.quant4j.api.Provenance;
import org.quant4j.api.QuantException;
import org.quant4j.api.data.BatchLayout;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.data.ModelBatches;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.data.Tensor;
import org.quant4j.api.evaluate.ClassScores;
import org.quant4j.api.evaluate.EvaluationRequest;
import org.quant4j.api.evaluate.EvaluationResult;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.FidelityAccumulator;
import org.quant4j.api.evaluate.FidelityRequest;
import org.quant4j.api.evaluate.FidelityResult;
import org.quant4j.api.quantize.ProgressStages;
import org.quant4j.api.evaluate.Predictions;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.OnnxModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates a classifier on ONNX Runtime: streams the request's data batch by batch, takes the
 * model's first output as class scores {@code [N, classes]}, and records the top-k classes and
 * the softmax probability of the best one per sample. When that output is produced by a Softmax
 * node, its values are taken as probabilities as they are. Ties rank the lower class first. A sample
 * whose scores hold NaN or infinity gets no prediction and counts as wrong
 * ({@link Predictions#nonFinite()}); a warning says how many there were. A model
 * with several inputs, or inputs that are not float32, is fed from data that names its inputs
 * ({@link Dataset#inputs()}).
 *
 * <p>{@link #fidelity} runs the model and its reference side by side on each batch (two sessions,
 * one batch of outputs of each at a time, their idle threads sleeping rather than spinning) and
 * feeds a {@link FidelityAccumulator}; with {@link FidelityRequest#parallelRuns()} above 1, that many
 * batches run at once on the same two sessions, each run on its share of the threads, and their
 * statistics are taken in the batches' order.
 */
public final class OrtEvaluator implements Evaluator {

    /** The provider name. */
    public static final String NAME = "onnxruntime";

    private static final Logger LOG = LoggerFactory.getLogger(OrtEvaluator.class);

    private final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public String name() {
        return NAME;
    }

    /**
     * INT8 only: the CPU provider's integer kernels run Q/DQ models faster than float32, while float16
     * nodes run as float32 kernels between inserted casts, slower than float32 (docs/BENCHMARKS.md).
     */
    @Override
    public Set<Precision> acceleratedPrecisions() {
        return ACCELERATED;
    }

    /** What {@link #acceleratedPrecisions} gives: INT8. */
    public static final Set<Precision> ACCELERATED = Set.of(Precision.INT8);

    @Override
    public org.quant4j.api.evaluate.TimedSession openTimed(java.nio.file.Path model, int threads) {
        if (closed.get()) {
            throw new IllegalStateException("OrtEvaluator is closed");
        }
        return OrtTimedSession.open(model, threads);
    }

    @Override
    public EvaluationResult evaluate(EvaluationRequest request) {
        if (closed.get()) {
            throw new IllegalStateException("OrtEvaluator is closed");
        }
        OnnxModel model = OnnxModel.read(request.model());
        Graph graph = model.graph();
        if (graph.outputs().isEmpty()) {
            throw new ModelException("Model " + request.model() + " has no outputs");
        }
        String scoresName = graph.outputs().get(0).name();
        boolean probabilities = graph.producer(scoresName).map(n -> n.is("Softmax")).orElse(false);
        Dataset data = request.data();
        int n = data.size();
        int k = request.topK();
        int[] labels = new int[n];
        int[] topK = new int[Math.multiplyExact(n, k)];
        float[] confidence = new float[n];
        RunnerOptions options = RunnerOptions.builder().intraOpThreads(request.threads()).build();
        request.listener().onProgress(ProgressStages.EVALUATION, 0, n);
        try (OrtRunner runner = OrtRunner.open(request.model(), options)) {
            int done = 0;
            ModelBatches batches = runner.batches(data, request.batchSize());
            if (batches.leftOut() > 0) {
                int batchSize = batches.batchSize();
                throw new InvalidInputException("Model " + request.model() + " takes batches of exactly " + batchSize
                        + " samples, but the evaluation data holds " + n + (data.sampleShapes().groups().size() > 1
                                ? " in " + data.sampleShapes().groups().size() + " shapes" : "")
                        + ": evaluate a multiple of " + batchSize + " samples of each shape");
            }
            while (batches.hasNext()) {
                NamedBatch batch = batches.next();
                FloatTensor scores = runner.run(batch).get(scoresName);
                if (scores == null) {
                    throw new ModelException("Output '" + scoresName + "' of model " + request.model()
                            + " is not a float32 tensor, so it cannot hold class scores");
                }
                int classes = checkScores(scores, batch.size(), k, data.numClasses(), request);
                int[] batchLabels = batch.labels().orElseThrow(() -> new InvalidInputException(
                        "Evaluation data " + data.fingerprint() + " gave a batch without labels"));
                float[] row = new float[classes];
                for (int i = 0; i < batch.size(); i++) {
                    for (int c = 0; c < classes; c++) {
                        row[c] = scores.get(i * classes + c);
                    }
                    int sample = done + i;
                    labels[sample] = batchLabels[i];
                    confidence[sample] = ClassScores.predict(row, k, probabilities, topK, sample * k);
                }
                done += batch.size();
                request.listener().onProgress(ProgressStages.EVALUATION, done, n);
            }
            if (done != n) {
                throw new InvalidInputException("Evaluation data " + data.fingerprint() + " reports " + n
                        + " samples but its batches held " + done);
            }
        }
        Predictions predictions = new Predictions(k, labels, topK, confidence);
        if (predictions.nonFinite() > 0) {
            LOG.warn("{} of {} samples gave class scores holding NaN or infinity on {}: they have no prediction and"
                    + " count as wrong", predictions.nonFinite(), n, request.model());
        }
        Map<String, Double> metrics = predictions.metrics();
        Provenance provenance = Provenance.builder()
                .put("evaluator", NAME)
                .backend("onnxruntime", OrtRuntime.version())
                .put("model", request.model().toAbsolutePath().normalize().toString())
                .put("data", data.fingerprint())
                .platform()
                .build();
        return new EvaluationResult(predictions, metrics, provenance);
    }

    @Override
    public FidelityResult fidelity(FidelityRequest request) {
        if (closed.get()) {
            throw new IllegalStateException("OrtEvaluator is closed");
        }
        Dataset data = request.data();
        int n = data.size();
        FidelityAccumulator statistics = new FidelityAccumulator(request.argmaxAxis(), request.metrics());
        // The two sessions run in turn on every batch: a pool left spinning after its run takes the
        // cores the other session's run needs (with a model of many small nodes, such as the per-tensor
        // error model of quant-sensitivity, this made the pass 2 to 3 times slower on 2 cores).
        int parallel = request.parallelRuns();
        int threads = parallel == 1 ? request.threads() : Math.max(1, request.threads() / parallel);
        RunnerOptions options = RunnerOptions.builder().intraOpThreads(threads).spinning(false).build();
        request.listener().onProgress(ProgressStages.FIDELITY, 0, n);
        try (OrtRunner reference = OrtRunner.open(request.reference(), options);
                OrtRunner model = OrtRunner.open(request.model(), options)) {
            List<String> inputs = reference.inputNames();
            if (!inputs.equals(model.inputNames())) {
                throw new InvalidInputException("Model " + request.model() + " has inputs " + model.inputNames()
                        + " but its reference " + request.reference() + " has " + inputs
                        + ": compare a model with the reference it was made from");
            }
            BatchLayout layout = reference.batchLayout(data.batchAxes());
            Map<String, Integer> outputAxes = reference.outputBatchAxes(layout);
            List<String> compared = request.outputs();
            for (String name : compared) {
                if (!outputAxes.containsKey(name)) {
                    throw new InvalidInputException("Reference " + request.reference() + " has no output '" + name
                            + "' to compare; its outputs are " + outputAxes.keySet());
                }
            }
            Iterator<NamedBatch> batches = ModelBatches.of(data, layout, request.batchSize());
            if (parallel == 1) {
                while (batches.hasNext()) {
                    NamedBatch batch = batches.next();
                    Map<String, Tensor> expected = apiTensors(reference.run(batch), outputAxes, compared);
                    Map<String, Tensor> actual = apiTensors(model.run(batch), outputAxes, compared);
                    statistics.add(expected, actual);
                    request.listener().onProgress(ProgressStages.FIDELITY, statistics.samples(), n);
                }
            } else {
                runConcurrently(batches, parallel, batch -> List.of(
                        apiTensors(reference.run(batch), outputAxes, compared),
                        apiTensors(model.run(batch), outputAxes, compared)), pair -> {
                            statistics.add(pair.get(0), pair.get(1));
                            request.listener().onProgress(ProgressStages.FIDELITY, statistics.samples(), n);
                        });
            }
        }
        if (statistics.samples() != n) {
            throw new InvalidInputException("Data " + data.fingerprint() + " reports " + n
                    + " samples but its batches held " + statistics.samples());
        }
        Provenance provenance = Provenance.builder()
                .put("evaluator", NAME)
                .backend("onnxruntime", OrtRuntime.version())
                .put("model", request.model().toAbsolutePath().normalize().toString())
                .put("reference", request.reference().toAbsolutePath().normalize().toString())
                .put("data", data.fingerprint())
                .put("bootstrap", request.bootstrapResamples() + " resamples, level " + request.confidenceLevel()
                        + ", seed " + request.seed())
                .platform()
                .build();
        return statistics.result(request.bootstrap(), provenance);
    }

    /**
     * Runs {@code run} on up to {@code parallel} batches at a time (ONNX Runtime lets several threads
     * run one session) and hands each result to {@code consume} on the calling thread, in the order of
     * the batches, so that what is consumed does not depend on the number of runs.
     */
    static <B, T> void runConcurrently(Iterator<B> batches, int parallel, Function<B, T> run, Consumer<T> consume) {
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "quant4j-fidelity-run");
            t.setDaemon(true);
            return t;
        });
        Deque<Future<T>> running = new ArrayDeque<>();
        try {
            while (batches.hasNext() || !running.isEmpty()) {
                while (batches.hasNext() && running.size() < parallel) {
                    B batch = batches.next();
                    running.add(pool.submit(() -> run.apply(batch)));
                }
                consume.accept(result(running.poll()));
            }
        } finally {
            // After a failure, the runs already in ONNX Runtime finish before the caller closes the
            // sessions they use (a run cannot be interrupted); those not started are dropped.
            running.forEach(f -> f.cancel(false));
            pool.shutdown();
            boolean interrupted = false;
            while (!pool.isTerminated()) {
                try {
                    pool.awaitTermination(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static <T> T result(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuantException("Interrupted while comparing a model with its reference", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new QuantException("A run failed while comparing a model with its reference: " + e.getCause(),
                    e.getCause());
        }
    }

    /**
     * The outputs as API tensors with the samples on the first axis, as {@link FidelityAccumulator}
     * takes them: an output whose batch axis is another ({@code axes}) is copied with it moved
     * first, the others share their arrays. Only the outputs of {@code compared} are kept, unless it is
     * empty.
     */
    private static Map<String, Tensor> apiTensors(Map<String, FloatTensor> outputs, Map<String, Integer> axes,
            List<String> compared) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        outputs.forEach((name, t) -> {
            if (!compared.isEmpty() && !compared.contains(name)) {
                return;
            }
            Tensor tensor = Tensor.ofFloats(t.data(), t.shape());
            int axis = axes.getOrDefault(name, 0);
            out.put(name, axis > 0 && axis < t.shape().length ? tensor.moveAxis(axis, 0) : tensor);
        });
        return out;
    }

    @Override
    public void close() {
        closed.set(true);
    }

    private static int checkScores(FloatTensor scores, int batchSize, int k, int numClasses, EvaluationRequest request) {
        long[] shape = scores.shape();
        if (shape.length != 2 || shape[0] != batchSize) {
            throw new ModelException("Model " + request.model() + " gives class scores of shape "
                    + Arrays.toString(shape) + " for a batch of " + batchSize + "; a classifier gives ["
                    + batchSize + ", classes]");
        }
        int classes = Math.toIntExact(shape[1]);
        if (k > classes) {
            throw new InvalidInputException("Top-" + k + " needs at least " + k + " classes, but model "
                    + request.model() + " scores " + classes + ": lower top-k");
        }
        if (classes < numClasses) {
            throw new InvalidInputException("Model " + request.model() + " scores " + classes + " classes but the data"
                    + " has " + numClasses + " (labels " + classes + " and above could never be predicted): use data"
                    + " labelled for this model");
        }
        return classes;
    }

    /** {@link ClassScores#rankTopK}. */
    static void rankTopK(float[] row, int k, int[] out, int offset) {
        ClassScores.rankTopK(row, k, out, offset);
    }

    /** {@link ClassScores#softmaxOf}. */
    static float softmaxOf(float[] row, int index) {
        return ClassScores.softmaxOf(row, index);
    }
}
