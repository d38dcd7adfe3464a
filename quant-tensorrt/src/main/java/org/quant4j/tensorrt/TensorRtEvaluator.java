package org.quant4j.tensorrt;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quant4j.api.Precision;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.ModelException;
import org.quant4j.api.Provenance;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.data.Tensor;
import org.quant4j.api.evaluate.ClassScores;
import org.quant4j.api.evaluate.EvaluationRequest;
import org.quant4j.api.evaluate.EvaluationResult;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.Predictions;
import org.quant4j.api.evaluate.TimedSession;
import org.quant4j.onnx.graph.ModelInputs;
import org.quant4j.tensorrt.engine.EngineBuilder;
import org.quant4j.tensorrt.engine.EngineRunner;
import org.quant4j.tensorrt.engine.SerializedEngine;
import org.quant4j.tensorrt.engine.TensorRtRuntime;

/**
 * The {@code tensorrt} evaluator: runs a TensorRT engine file ({@code .engine}, {@code .plan},
 * {@code .trt}), or an ONNX model built into an engine in memory (explicit INT8 when it has Q/DQ
 * nodes, FP32 otherwise), for accuracy on labelled data (top-k of the first output, softmax
 * confidence, as {@link ClassScores} ranks on every backend) and for latency and throughput
 * ({@link #openTimed}). Everything needs a GPU; without one each call throws
 * {@link TensorRtUnavailableException}.
 */
public final class TensorRtEvaluator implements Evaluator {

    /** The provider name. */
    public static final String NAME = "tensorrt";

    private final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public String name() {
        return NAME;
    }

    /**
     * INT8 (explicit Q/DQ) and FP16: an ONNX model is built strongly typed ({@link #openTimed}), so a
     * layer that the model computes in float16 (between casts) runs on FP16 kernels and a Q/DQ layer
     * on INT8 kernels. Said of every GPU alike: on a GPU without fast FP16 (some Pascal-generation
     * consumer cards run it at a fraction of FP32's rate) the mixed-precision search still measures
     * each FP16 layer's time, so it chooses FP16 only where it measured faster.
     */
    @Override
    public Set<Precision> acceleratedPrecisions() {
        return Set.of(Precision.INT8, Precision.FP16);
    }

    @Override
    public EvaluationResult evaluate(EvaluationRequest request) {
        requireOpen();
        String version = TensorRtRuntime.require();
        Dataset data = request.data();
        int n = data.size();
        int k = request.topK();
        int[] labels = new int[n];
        int[] topK = new int[Math.multiplyExact(n, k)];
        float[] confidence = new float[n];
        try (EngineRunner runner = open(request.model(), request.batchSize())) {
            String scores = runner.outputNames().get(0);
            List<String> inputs = List.copyOf(runner.inputs().keySet());
            int batchSize = Math.min(request.batchSize(), runner.maxBatch());
            Iterator<NamedBatch> batches = data.namedBatches(batchSize, inputs.size() == 1 ? inputs.get(0) : null);
            int done = 0;
            while (batches.hasNext()) {
                NamedBatch batch = batches.next();
                Tensor out = runner.run(batch).get(scores);
                long[] shape = out.shape();
                if (shape.length != 2 || shape[0] != batch.size()) {
                    throw new ModelException("Engine " + request.model() + " gives class scores of shape "
                            + Arrays.toString(shape) + " for a batch of " + batch.size() + "; a classifier gives ["
                            + batch.size() + ", classes]");
                }
                int classes = Math.toIntExact(shape[1]);
                if (k > classes) {
                    throw new InvalidInputException("Top-" + k + " needs at least " + k + " classes, but "
                            + request.model() + " scores " + classes + ": lower top-k");
                }
                int[] batchLabels = batch.labels().orElseThrow(() -> new InvalidInputException(
                        "Evaluation data " + data.fingerprint() + " gave a batch without labels"));
                float[] row = new float[classes];
                for (int i = 0; i < batch.size(); i++) {
                    out.floats().get(i * classes, row);
                    int sample = done + i;
                    labels[sample] = batchLabels[i];
                    confidence[sample] = ClassScores.predict(row, k, false, topK, sample * k);
                }
                done += batch.size();
                request.listener().onProgress("evaluation", done, n);
            }
        }
        Predictions predictions = new Predictions(k, labels, topK, confidence);
        Provenance provenance = Provenance.builder().put("evaluator", NAME).backend(NAME, version)
                .put("model", request.model().toAbsolutePath().normalize().toString())
                .put("data", data.fingerprint()).platform().build();
        return new EvaluationResult(predictions, predictions.metrics(), provenance);
    }

    /**
     * Times the engine (or the ONNX model built into one) on the GPU; {@code threads} does not apply.
     * An engine file is opened at once and keeps the batches its profile allows. An ONNX model is built
     * when it is first timed, for batches up to the larger of the batch asked for and
     * {@link TensorRtOptions#DEFAULT_BATCH_SIZE}, and built again when a later {@link TimedSession#time}
     * asks for a larger batch than it was built for (the mixed-precision search times every variant at
     * batch 32: one build per variant). Its sample shape is read from the ONNX file, without a build.
     */
    @Override
    public TimedSession openTimed(Path model, int threads) {
        requireOpen();
        TensorRtRuntime.require();
        boolean onnx = model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
        EngineRunner first = onnx ? null : open(model, TensorRtOptions.DEFAULT_BATCH_SIZE);
        return new TimedSession() {
            private EngineRunner runner = first;
            private int builtFor;
            private boolean sessionClosed;

            private EngineRunner runner(int batchSize) {
                if (sessionClosed) {
                    throw new IllegalStateException("TensorRT TimedSession is closed");
                }
                requireOpen();
                if (runner == null || onnx && batchSize > builtFor) {
                    int batch = Math.max(batchSize, TensorRtOptions.DEFAULT_BATCH_SIZE);
                    EngineRunner old = runner;
                    runner = open(model, batch);
                    builtFor = batch;
                    if (old != null) {
                        old.close();
                    }
                }
                return runner;
            }

            @Override
            public int[] sampleShape() {
                if (runner == null) {
                    long[] shape = ModelInputs.read(model).get(0).shape().orElseThrow(() -> new ModelException(
                            "The first input of " + model + " declares no shape: TensorRT needs one"));
                    return Arrays.stream(shape).skip(1).mapToInt(Math::toIntExact).toArray();
                }
                long[] shape = runner.inputs().values().iterator().next();
                return Arrays.stream(shape).skip(1).mapToInt(Math::toIntExact).toArray();
            }

            @Override
            public double[] time(int batchSize, int warmup, int iterations) {
                return runner(batchSize).time(batchSize, warmup, iterations);
            }

            @Override
            public void close() {
                if (!sessionClosed) {
                    sessionClosed = true;
                    if (runner != null) {
                        runner.close();
                    }
                }
            }
        };
    }

    /**
     * An engine file as it is, an ONNX model built (explicit INT8 with Q/DQ nodes, else FP32) for
     * batches up to {@code batch}. Both builds are strongly typed ({@link TensorRtOptions}' default
     * for them): every layer runs in the type the model gives it, so the float16 layers of a
     * mixed-precision model (between {@code Cast} nodes) run on FP16 kernels beside its INT8 and
     * float32 layers.
     */
    static EngineRunner open(Path model, int batch) {
        String file = model.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!file.endsWith(".onnx")) {
            return EngineRunner.open(model);
        }
        EngineFile.requireNotEngine(model);
        EnginePrecision precision = TensorRtQuantizer.hasQdq(model) ? EnginePrecision.EXPLICIT_INT8
                : EnginePrecision.FP32;
        try (SerializedEngine engine = EngineBuilder.build(model,
                TensorRtOptions.builder(precision).batchSize(batch).build(), Optional.empty())) {
            return EngineRunner.open(engine.bytes());
        }
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("TensorRtEvaluator is closed");
        }
    }

    @Override
    public void close() {
        closed.set(true);
    }
}
