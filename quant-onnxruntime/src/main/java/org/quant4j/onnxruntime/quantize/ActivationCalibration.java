package org.quant4j.onnxruntime.quantize;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Function;
import org.quant4j.api.CalibrationException;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.Calibrator;
import org.quant4j.api.calibration.CalibratorOptions;
import org.quant4j.api.calibration.Calibrators;
import org.quant4j.api.data.Batch;
import org.quant4j.api.data.Dataset;
import org.quant4j.onnxruntime.graph.Graph;
import org.quant4j.onnxruntime.graph.TensorInfo;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.PinnedOutputs;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calibrates activation ranges. A copy of the graph declares every observed tensor a graph output;
 * the calibration data streams through it on ONNX Runtime batch by batch, and each tensor's values
 * go to its own {@link Calibrator}. Only one batch of activations is held at a time: ONNX Runtime
 * writes it into {@link PinnedOutputs} reused from batch to batch, and each tensor is copied from
 * there into a reused array for its calibrator and the optional {@link TensorObserver}.
 *
 * <p>Observed tensors are declared as outputs without a type, so ONNX Runtime infers it: a tensor
 * that turns out not to be float32 (a shape computation, say) is simply absent from the ranges.
 * Graph inputs are observed from the data itself.
 */
public final class ActivationCalibration {

    /** Stage name reported to the {@link org.quant4j.api.quantize.ProgressListener}. */
    public static final String STAGE = "calibration";

    /**
     * Optimisation level of the calibration session: EXTENDED fuses what is not observed (a Conv and
     * its Relu when only the Relu output is needed) without the NCHWc layout of ALL, whose reorders
     * of every observed output measured slower. Every observed tensor is a graph output, and ONNX Runtime never fuses away a
     * node output that is a graph output (an activation after it stays a separate node), so each
     * observed tensor holds the value of the float model; ActivationCalibrationTest checks this on
     * a Conv whose pre-Relu output is observed.
     */
    public static final OptimizationLevel LEVEL = OptimizationLevel.EXTENDED;

    private static final Logger LOG = LoggerFactory.getLogger(ActivationCalibration.class);

    /**
     * Calibrated ranges.
     *
     * @param ranges  range of every observed tensor that holds float32 values, in observation order
     * @param samples number of samples run
     * @param time    wall time of the calibration run
     */
    public record Result(Map<String, TensorRange> ranges, long samples, Duration time) {

        public Result {
            ranges = Collections.unmodifiableMap(new LinkedHashMap<>(ranges));
        }
    }

    /**
     * Receives the values of the observed tensors during calibration, next to their calibrators
     * (for statistics, say). For each tensor the batches arrive in order, one call per batch;
     * calls for different tensors may run at the same time on different threads.
     */
    @FunctionalInterface
    public interface TensorObserver {

        /**
         * Observes {@code length} values of {@code tensor} from {@code values[offset]}; the array is
         * reused once the call returns.
         */
        void observe(String tensor, float[] values, int offset, int length);
    }

    private ActivationCalibration() {
    }

    private static void observe(String tensor, float[] values, int length, Calibrator calibrator,
            TensorObserver observer) {
        calibrator.observe(values, 0, length);
        if (observer != null) {
            observer.observe(tensor, values, 0, length);
        }
    }

    /**
     * Float arrays that the observing threads copy output buffers into, reused from batch to batch:
     * at most one per thread at a time, so memory does not grow with the batches.
     */
    private static final class ScratchArrays {
        private final Deque<float[]> free = new ConcurrentLinkedDeque<>();

        float[] take(int length) {
            float[] a = free.poll();
            return a != null && a.length >= length ? a : new float[length];
        }

        void give(float[] array) {
            free.push(array);
        }
    }

    /**
     * The single float input of {@code graph} that calibration data feeds.
     *
     * @throws InvalidInputException when the graph has no input or several, or the samples of
     *                               {@code data} do not have the input's shape
     */
    public static TensorInfo requireMatchingInput(Graph graph, Dataset data) {
        List<TensorInfo> inputs = graph.inputs().stream().filter(i -> !graph.isInitializer(i.name())).toList();
        if (inputs.size() != 1) {
            throw new InvalidInputException("Calibration data feeds models with one input, but model graph '"
                    + graph.name() + "' has " + inputs.size() + " " + inputs.stream().map(TensorInfo::toString).toList()
                    + ": calibrate a single-input model");
        }
        TensorInfo input = inputs.get(0);
        int[] sample = data.sampleShape();
        if (data.size() <= 0) {
            throw new InvalidInputException("Calibration data " + data.fingerprint() + " holds no samples: give at"
                    + " least one (a few hundred representative samples is typical)");
        }
        if (input.elementType() != 0 && input.elementType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new InvalidInputException("Model input '" + input.name() + "' is " + input
                    + "; calibration data is float32, so only float32 inputs can be calibrated");
        }
        long[] expected = input.shape().orElse(null);
        if (expected == null) {
            return input;
        }
        boolean matches = expected.length == sample.length + 1;
        for (int i = 0; matches && i < sample.length; i++) {
            matches = expected[i + 1] == TensorInfo.DYNAMIC || expected[i + 1] == sample[i];
        }
        if (!matches) {
            throw new InvalidInputException("Calibration data has samples of shape " + Arrays.toString(sample)
                    + " but model input '" + input.name() + "' expects " + input.shapeText()
                    + ": give calibration data of the model's sample shape (resize, crop or convert the images)");
        }
        return input;
    }

    /**
     * Runs {@code context.calibrationData()} through {@code graph} (which is not modified) and
     * calibrates each of {@code tensors} that holds float32 values.
     *
     * @param schemes the activation scheme of each tensor: a symmetric scheme makes its calibrator
     *                produce a symmetric range
     * @throws InvalidInputException when there is no calibration data or it does not fit the model
     * @throws CalibrationException  when a tensor never holds a finite value
     */
    public static Result calibrate(Graph graph, Collection<String> tensors, Function<String, QuantScheme> schemes,
            QuantizationContext context) {
        return calibrate(graph, tensors, schemes, context, null);
    }

    /**
     * Calibrates as {@link #calibrate(Graph, Collection, Function, QuantizationContext)} does and
     * also hands every batch of every observed float32 tensor to {@code observer}, in the same pass.
     *
     * @param observer receives each tensor's values batch by batch, or null for none
     */
    public static Result calibrate(Graph graph, Collection<String> tensors, Function<String, QuantScheme> schemes,
            QuantizationContext context, TensorObserver observer) {
        Dataset data = context.calibrationData().orElseThrow(() -> new InvalidInputException(
                "Static quantization needs calibration data: give a dataset in the request"));
        TensorInfo input = requireMatchingInput(graph, data);
        Set<String> observed = new LinkedHashSet<>(tensors);
        Map<String, Calibrator> calibrators = new LinkedHashMap<>();
        CalibratorOptions base = CalibratorOptions.of(context.config().calibrationOptions());
        String method = context.config().calibrationMethod().id();
        for (String t : observed) {
            boolean symmetric = schemes.apply(t).symmetric();
            calibrators.put(t, Calibrators.create(method,
                    base.with(CalibratorOptions.SYMMETRIC, Boolean.toString(symmetric))));
        }
        Graph copy = graph.toModel().graph();
        List<String> outputs = new ArrayList<>();
        for (String t : observed) {
            if (!t.equals(input.name()) && !copy.isGraphOutput(t)) {
                // No type: ONNX Runtime infers it, and a tensor that is not float32 is not returned.
                copy.addOutput(new TensorInfo(ValueInfoProto.newBuilder().setName(t).build()));
            }
            outputs.add(t);
        }
        RunnerOptions options = context.runnerOptions().toBuilder().optimization(LEVEL).optimizedModelPath(null)
                .build();
        long start = System.nanoTime();
        long done = 0;
        int total = data.size();
        Set<String> floats = new LinkedHashSet<>();
        ScratchArrays scratch = new ScratchArrays();
        context.listener().onProgress(STAGE, 0, total);
        try (OrtRunner runner = OrtRunner.open(copy.toModel(), options);
                PinnedOutputs pinned = runner.pinnedOutputs()) {
            Iterator<Batch> batches = data.batches(context.batchSize());
            while (batches.hasNext()) {
                Batch batch = batches.next();
                Map<String, FloatBuffer> values = pinned.run(batch);
                List<String> present = new ArrayList<>();
                for (String t : outputs) {
                    if (t.equals(input.name()) || values.containsKey(t)) {
                        present.add(t);
                        floats.add(t);
                    }
                }
                // ONNX Runtime is idle while the batch is observed: spread the tensors over the cores.
                // Each tensor has its own calibrator and sees its batches in order, so the ranges
                // do not depend on the number of threads.
                present.parallelStream().forEach(t -> {
                    if (t.equals(input.name())) {
                        observe(t, batch.data(), batch.data().length, calibrators.get(t), observer);
                    } else {
                        FloatBuffer buffer = values.get(t);
                        int n = buffer.remaining();
                        float[] array = scratch.take(n);
                        buffer.get(0, array, 0, n);
                        observe(t, array, n, calibrators.get(t), observer);
                        scratch.give(array);
                    }
                });
                done += batch.size();
                context.listener().onProgress(STAGE, done, total);
            }
        }
        Duration time = Duration.ofNanos(System.nanoTime() - start);
        Map<String, TensorRange> ranges = new LinkedHashMap<>();
        for (String t : outputs) {
            if (!floats.contains(t)) {
                LOG.debug("Tensor '{}' holds no float32 values and is not calibrated", t);
                continue;
            }
            Calibrator c = calibrators.get(t);
            if (c.nonFiniteCount() > 0) {
                LOG.warn("Tensor '{}' held {} NaN or infinite values during calibration; they are left out of its"
                        + " range", t, c.nonFiniteCount());
            }
            try {
                ranges.put(t, c.range());
            } catch (CalibrationException e) {
                throw new CalibrationException("Cannot calibrate tensor '" + t + "' of model graph '" + graph.name()
                        + "': " + e.getMessage(), e);
            }
        }
        LOG.info("Calibrated {} tensors with {} on {} samples in {} ms", ranges.size(), method, done,
                time.toMillis());
        return new Result(ranges, done, time);
    }
}
