package org.quant4j.onnxruntime.runtime;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.ModelException;
import org.quant4j.api.Provenance;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.data.Tensor;
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

/**
 * Evaluates a classifier on ONNX Runtime: streams the request's data batch by batch, takes the
 * model's first output as class scores {@code [N, classes]}, and records the top-k classes and
 * the softmax probability of the best one per sample. When that output is produced by a Softmax
 * node, its values are taken as probabilities as they are. Ties rank the lower class first. A model
 * with several inputs, or inputs that are not float32, is fed from data that names its inputs
 * ({@link Dataset#inputs()}).
 *
 * <p>{@link #fidelity} runs the model and its reference side by side on each batch (two sessions,
 * one batch of outputs of each at a time) and feeds a {@link FidelityAccumulator}.
 */
public final class OrtEvaluator implements Evaluator {

    /** The provider name. */
    public static final String NAME = "onnxruntime";

    private final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public String name() {
        return NAME;
    }

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
            List<String> inputs = runner.inputNames();
            int batchSize = runner.batchSize(request.batchSize());
            if (runner.fixesBatch() && n % batchSize != 0) {
                throw new InvalidInputException("Model " + request.model() + " takes batches of exactly " + batchSize
                        + " samples, but the evaluation data holds " + n + ": evaluate a multiple of " + batchSize
                        + " samples");
            }
            Iterator<NamedBatch> batches = data.namedBatches(batchSize, inputs.size() == 1 ? inputs.get(0) : null);
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
                    rankTopK(row, k, topK, sample * k);
                    int best = topK[sample * k];
                    confidence[sample] = probabilities ? row[best] : softmaxOf(row, best);
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
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("top1", predictions.topAccuracy(1));
        if (k > 1) {
            metrics.put("top" + k, predictions.topAccuracy(k));
        }
        metrics.put("samples", (double) n);
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
        RunnerOptions options = RunnerOptions.builder().intraOpThreads(request.threads()).build();
        request.listener().onProgress(ProgressStages.FIDELITY, 0, n);
        try (OrtRunner reference = OrtRunner.open(request.reference(), options);
                OrtRunner model = OrtRunner.open(request.model(), options)) {
            List<String> inputs = reference.inputNames();
            if (!inputs.equals(model.inputNames())) {
                throw new InvalidInputException("Model " + request.model() + " has inputs " + model.inputNames()
                        + " but its reference " + request.reference() + " has " + inputs
                        + ": compare a model with the reference it was made from");
            }
            Iterator<NamedBatch> batches = data.namedBatches(request.batchSize(),
                    inputs.size() == 1 ? inputs.get(0) : null);
            while (batches.hasNext()) {
                NamedBatch batch = batches.next();
                Map<String, Tensor> expected = apiTensors(reference.run(batch));
                Map<String, Tensor> actual = apiTensors(model.run(batch));
                statistics.add(expected, actual);
                request.listener().onProgress(ProgressStages.FIDELITY, statistics.samples(), n);
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

    /** The outputs as API tensors, sharing their arrays. */
    private static Map<String, Tensor> apiTensors(Map<String, FloatTensor> outputs) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        outputs.forEach((name, t) -> out.put(name, Tensor.ofFloats(t.data(), t.shape())));
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

    /** Writes the indices of the {@code k} largest values, best first (lower index on ties), at {@code offset}. */
    static void rankTopK(float[] row, int k, int[] out, int offset) {
        for (int r = 0; r < k; r++) {
            int best = -1;
            for (int c = 0; c < row.length; c++) {
                if (isRanked(out, offset, r, c)) {
                    continue;
                }
                if (best < 0 || row[c] > row[best] || (Float.isNaN(row[best]) && !Float.isNaN(row[c]))) {
                    best = c;
                }
            }
            out[offset + r] = best;
        }
    }

    private static boolean isRanked(int[] out, int offset, int ranked, int c) {
        for (int i = 0; i < ranked; i++) {
            if (out[offset + i] == c) {
                return true;
            }
        }
        return false;
    }

    /** Softmax probability of class {@code index}: {@code 1 / sum_j exp(x_j - x_index)}, computed stably. */
    static float softmaxOf(float[] row, int index) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : row) {
            sum += Math.exp(v - max);
        }
        return (float) (Math.exp(row[index] - max) / sum);
    }
}
