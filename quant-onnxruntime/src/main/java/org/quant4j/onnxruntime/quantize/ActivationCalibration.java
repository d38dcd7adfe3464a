package org.quant4j.onnxruntime.quantize;

import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Function;
import org.quant4j.api.CalibrationException;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.ModelException;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.Calibrator;
import org.quant4j.api.calibration.CalibratorOptions;
import org.quant4j.api.calibration.Calibrators;
import org.quant4j.api.calibration.TensorObserver;
import org.quant4j.api.data.BatchLayout;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.data.ElementType;
import org.quant4j.api.data.ModelBatches;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.data.Tensor;
import org.quant4j.calibration.histogram.FiniteExtrema;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.SubgraphOutputs;
import org.quant4j.onnx.quantize.CalibratedRanges;
import org.quant4j.onnx.quantize.CalibrationInputs;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.PinnedOutputs;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calibrates activation ranges. The calibration data streams through the graph on ONNX Runtime
 * batch by batch, and each observed tensor goes to its own {@link Calibrator}, in one of two ways:
 * <ul>
 *   <li>When every calibrator keeps only each batch's extremes (min-max and its moving average,
 *       {@link Calibrator#observesExtremesOnly()}) and no {@link TensorObserver} wants the values,
 *       ONNX Runtime reduces each tensor to its extremes inside the graph ({@link ExtremaGraph}) at
 *       the caller's optimisation level: nothing but a few numbers per tensor leaves the runtime,
 *       and the graph keeps the fusions and memory layout of plain inference. A batch whose
 *       extremes or model outputs are not finite is observed again by its values, so NaN and
 *       infinities are counted as in the other way.</li>
 *   <li>Otherwise a copy of the graph declares every observed tensor a graph output. ONNX Runtime
 *       writes them into {@link PinnedOutputs} reused from batch to batch, and each tensor is
 *       copied from there into a reused array for its calibrator and the optional observer. Where
 *       it can, a batch goes through in runs of a few samples, so that a run holds a bounded part
 *       of the batch's activations, with the ranges of whole batches ({@code ValuePass}).</li>
 * </ul>
 * Either way at most one batch of activations is held at a time.
 *
 * <p>Observed tensors are declared as outputs without a type, so ONNX Runtime infers it: a tensor
 * that turns out not to be float32 (a shape computation, say) is simply absent from the ranges.
 * Graph inputs are observed from the data itself: a model may have several, of any type the data
 * holds ({@link Dataset#inputs()}), and only the float32 ones get ranges (token ids are fed, not
 * calibrated).
 */
public final class ActivationCalibration {

    /** Stage name reported to the {@link org.quant4j.api.quantize.ProgressListener}. */
    public static final String STAGE = org.quant4j.api.quantize.ProgressStages.CALIBRATION;

    private static final Logger LOG = LoggerFactory.getLogger(ActivationCalibration.class);

    /**
     * The observed tensors a run of the value pass may hold, in multiples of the largest of them for a
     * whole batch. Plain inference holds about 2.5 to 3.3 times the largest activation at once (its
     * arena on ResNet-50 at batch 16, see docs/BENCHMARKS.md), and the first run of a shape holds its
     * outputs twice for a moment ({@link PinnedOutputs}): 2 keeps both within that.
     */
    static final int BUDGET_LARGEST = 2;

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
     * Runs batches through a copy of the graph that declares the observed tensors graph outputs and
     * hands their values to the calibrators. The session opens on the first batch it is given, at
     * the caller's optimisation level: ONNX Runtime never fuses away a node output that is a graph
     * output (an activation after it stays a separate node), so each observed tensor holds the value
     * of the float model (ActivationCalibrationTest checks this on a Conv whose pre-Relu output is
     * observed). At ALL every observed output is reordered out of the NCHWc layout, and still the
     * pass took 8.8 s against 11.6 s at EXTENDED for 512 images of the ResNet-18 benchmark with
     * entropy calibration (2.0 s against 2.3 s for 64).
     *
     * <p>A run holds every observed tensor at once, the sum of the model's activations for the
     * samples it is given. So when the batch axis is not fixed, every calibrator
     * {@link Calibrator#observesBatchesInParts() observes batches in parts} and no observer wants
     * whole batches, a batch goes through in runs of a few samples, as many as keep the observed
     * tensors of a run within {@value ActivationCalibration#BUDGET_LARGEST} times the largest observed tensor of
     * the whole batch (within what plain inference holds at once): a first round of runs finds each
     * tensor's finite extremes over the whole batch, which {@link Calibrator#beginBatch} is given,
     * and a second round hands the calibrators the values, so the ranges are exactly those of whole
     * batches. Before splitting, runs of 1 and 2 samples check that every output has as many values
     * per sample either way (no tensor independent of the batch, no sample mixing with another);
     * otherwise batches go through whole.
     */
    private static final class ValuePass implements AutoCloseable {
        private final Graph graph;
        private final Set<String> inputs;
        private final List<String> outputs;
        private final RunnerOptions options;
        private final boolean batchNotFixed;
        private final ScratchArrays scratch = new ScratchArrays();
        private OrtRunner runner;
        private PinnedOutputs pinned;
        /** Float values of each run output for one sample, once measured; empty when batches go whole. */
        private Map<String, Integer> perSample;

        ValuePass(Graph graph, Set<String> inputs, List<String> outputs, RunnerOptions options,
                boolean batchNotFixed) {
            this.graph = graph;
            this.inputs = inputs;
            this.outputs = outputs;
            this.options = options;
            this.batchNotFixed = batchNotFixed;
        }

        private void open() {
            if (pinned == null) {
                Graph copy = graph.toModel().graph();
                for (String t : outputs) {
                    if (!inputs.contains(t) && !copy.isGraphOutput(t)) {
                        // No type: ONNX Runtime infers it, and a tensor that is not float32 is not returned.
                        copy.addOutput(new TensorInfo(ValueInfoProto.newBuilder().setName(t).build()));
                    }
                }
                runner = OrtRunner.open(copy.toModel(), options);
                pinned = runner.pinnedOutputs();
            }
        }

        /** Observes {@code tensors} of {@code batch}; adds those that hold float32 values to {@code floats}. */
        void observe(NamedBatch batch, Collection<String> tensors, Map<String, Calibrator> calibrators,
                TensorObserver observer, Set<String> floats) {
            open();
            List<String> fromData = tensors.stream().filter(t -> isFloatInput(batch, t)).toList();
            List<String> activations = tensors.stream().filter(t -> !isFloatInput(batch, t)).toList();
            boolean inParts = observer == null && batchNotFixed && batch.size() > 1 && batch.batchAxes().isEmpty()
                    && activations.stream().allMatch(t -> calibrators.get(t).observesBatchesInParts());
            int samples = inParts ? samplesPerRun(batch) : batch.size();
            if (samples >= batch.size()) {
                observeWhole(batch, tensors, calibrators, observer, floats);
                return;
            }
            // The data inputs are in memory already: observed whole.
            fromData.forEach(floats::add);
            fromData.parallelStream().forEach(t -> observeValues(t, batch.tensor(t).floats(), calibrators, null));
            Map<String, FiniteExtrema> extremes = new ConcurrentHashMap<>();
            for (int from = 0; from < batch.size(); from += samples) {
                Map<String, FloatBuffer> values = pinned.run(samples(batch, from, from + samples));
                activations.parallelStream().filter(values::containsKey).forEach(t -> {
                    FloatBuffer buffer = values.get(t);
                    int n = buffer.remaining();
                    float[] array = scratch.take(n);
                    buffer.get(0, array, 0, n);
                    extremes.merge(t, FiniteExtrema.of(array, 0, n), FiniteExtrema::combine);
                    scratch.give(array);
                });
            }
            List<String> present = activations.stream().filter(extremes::containsKey).toList();
            floats.addAll(present);
            for (String t : present) {
                FiniteExtrema e = extremes.get(t);
                calibrators.get(t).beginBatch(e.min(), e.max(), e.finiteCount());
            }
            try {
                for (int from = 0; from < batch.size(); from += samples) {
                    Map<String, FloatBuffer> values = pinned.run(samples(batch, from, from + samples));
                    present.parallelStream().forEach(t -> observeValues(t, values.get(t), calibrators, null));
                }
            } finally {
                present.forEach(t -> calibrators.get(t).endBatch());
            }
        }

        /** Every tensor of {@code batch} from one run. */
        private void observeWhole(NamedBatch batch, Collection<String> tensors, Map<String, Calibrator> calibrators,
                TensorObserver observer, Set<String> floats) {
            Map<String, FloatBuffer> values = pinned.run(batch);
            List<String> present = new ArrayList<>();
            for (String t : tensors) {
                if (isFloatInput(batch, t) || values.containsKey(t)) {
                    present.add(t);
                    floats.add(t);
                }
            }
            // ONNX Runtime is idle while the batch is observed: spread the tensors over the cores.
            // Each tensor has its own calibrator and sees its batches in order, so the ranges
            // do not depend on the number of threads.
            present.parallelStream().forEach(t -> observeValues(t,
                    isFloatInput(batch, t) ? batch.tensor(t).floats() : values.get(t), calibrators, observer));
        }

        private void observeValues(String t, FloatBuffer buffer, Map<String, Calibrator> calibrators,
                TensorObserver observer) {
            int n = buffer.remaining();
            float[] array = scratch.take(n);
            buffer.get(0, array, 0, n);
            ActivationCalibration.observe(t, array, n, calibrators.get(t), observer);
            scratch.give(array);
        }

        /**
         * How many samples of {@code batch} a run takes: a divisor of its size. Measured on the first
         * batch asked about; the whole batch when the outputs do not scale with the samples.
         */
        private int samplesPerRun(NamedBatch batch) {
            if (perSample == null) {
                // Runs of one sample pin their outputs, which the parts of every batch then reuse; the run
                // of two only counts its outputs, so no buffers of twice the size are pinned and dropped.
                Map<String, Integer> one = sizes(pinned.run(samples(batch, 0, 1)));
                Map<String, Integer> two = pinned.outputSizes(samples(batch, 0, 2));
                boolean scales = one.keySet().equals(two.keySet())
                        && one.entrySet().stream().allMatch(e -> two.get(e.getKey()) == 2L * e.getValue());
                perSample = scales ? one : Map.of();
                if (!scales) {
                    LOG.info("Observing whole batches of graph '{}': its outputs do not grow in proportion to the"
                            + " samples of a run", graph.name());
                }
            }
            if (perSample.isEmpty()) {
                return batch.size();
            }
            int samples = ActivationCalibration.samplesPerRun(perSample.values(), batch.size());
            if (samples < batch.size()) {
                LOG.debug("Observing {} MiB of activations a sample of graph '{}' in runs of {} of {} samples",
                        perSample.values().stream().mapToLong(n -> n).sum() * Float.BYTES >> 20, graph.name(),
                        samples, batch.size());
            }
            return samples;
        }

        private static Map<String, Integer> sizes(Map<String, FloatBuffer> values) {
            Map<String, Integer> sizes = new LinkedHashMap<>();
            values.forEach((t, b) -> sizes.put(t, b.remaining()));
            return sizes;
        }

        /** Samples {@code from} (inclusive) to {@code to} (exclusive) of a batch with every sample on the first axis. */
        private static NamedBatch samples(NamedBatch batch, int from, int to) {
            Map<String, Tensor> part = new LinkedHashMap<>();
            batch.tensors().forEach((name, t) -> {
                long[] shape = t.shape().clone();
                shape[0] = to - from;
                if (t.type() == ElementType.FLOAT32) {
                    int per = t.elements() / batch.size();
                    float[] values = new float[(to - from) * per];
                    t.floats().get(from * per, values);
                    part.put(name, Tensor.ofFloats(values, shape));
                } else {
                    List<Tensor> rows = new ArrayList<>();
                    long[] row = shape.clone();
                    row[0] = 1;
                    for (int i = from; i < to; i++) {
                        rows.add(t.slice(i).reshape(row));
                    }
                    part.put(name, Tensor.concat(rows));
                }
            });
            return new NamedBatch(part, to - from, Optional.empty());
        }

        @Override
        public void close() {
            if (pinned != null) {
                pinned.close();
            }
            if (runner != null) {
                runner.close();
            }
        }
    }

    /**
     * Runs batches through the {@link ExtremaGraph} of the graph, for calibrators that keep only
     * each batch's extremes: ONNX Runtime computes them, at the caller's optimisation level, and no
     * activation is copied out.
     */
    private static final class ExtremaPass implements AutoCloseable {
        private final Set<String> inputs;
        private final ExtremaGraph extrema;
        private final List<String> modelOutputs;
        private final OrtRunner runner;
        private final PinnedOutputs pinned;
        /** The values of a data input, for its calibrator: reused from batch to batch. */
        private float[] inputValues = new float[0];

        private ExtremaPass(Set<String> inputs, ExtremaGraph extrema, List<String> modelOutputs, OrtRunner runner) {
            this.inputs = inputs;
            this.extrema = extrema;
            this.modelOutputs = modelOutputs;
            this.runner = runner;
            this.pinned = runner.pinnedOutputs();
        }

        /**
         * The pass, or null when ONNX Runtime cannot run the reductions on these tensors (a type
         * they do not take, say): then every tensor is observed by its values.
         */
        static ExtremaPass open(Graph graph, Set<String> inputs, List<String> tensors, RunnerOptions options) {
            ExtremaGraph extrema = ExtremaGraph.of(graph, tensors);
            List<String> modelOutputs = graph.outputs().stream().map(TensorInfo::name).toList();
            OrtRunner runner;
            try {
                runner = OrtRunner.open(extrema.graph().toModel(), options);
            } catch (ModelException e) {
                LOG.info("Calibrating from the values of every tensor: ONNX Runtime cannot reduce them to their"
                        + " extremes in graph '{}' ({})", graph.name(), e.getMessage());
                return null;
            }
            try {
                return new ExtremaPass(inputs, extrema, modelOutputs, runner);
            } catch (RuntimeException e) {
                runner.close();
                throw e;
            }
        }

        /**
         * Observes the extremes of every tensor of {@code batch}; adds those that hold float32 values
         * to {@code floats}.
         *
         * @return the tensors to observe by their values instead: all of them when a model output
         *         holds a value that is not finite, else those whose extremes are not finite, so that
         *         the calibrators count every NaN and infinity
         */
        List<String> observe(NamedBatch batch, Map<String, Calibrator> calibrators, Set<String> floats) {
            Map<String, FloatBuffer> out = pinned.run(batch);
            for (String input : inputs) {
                if (calibrators.containsKey(input) && isFloatInput(batch, input)) {
                    floats.add(input);
                    FloatBuffer values = batch.tensor(input).floats();
                    int n = values.remaining();
                    if (inputValues.length < n) {
                        inputValues = new float[n];
                    }
                    values.get(inputValues, 0, n);
                    calibrators.get(input).observe(inputValues, 0, n);
                }
            }
            List<String> redo = new ArrayList<>();
            if (!modelOutputs.stream().map(out::get).allMatch(ExtremaPass::allFinite)) {
                LOG.debug("A model output of a batch is not finite: observing every tensor of it by its values");
                calibrators.keySet().stream().filter(t -> !inputs.contains(t)).forEach(redo::add);
                return redo;
            }
            for (Map.Entry<String, Calibrator> e : calibrators.entrySet()) {
                ExtremaGraph.Probe probe = extrema.probes().get(e.getKey());
                FloatBuffer max = probe == null ? null : out.get(probe.max());
                if (max == null) {
                    continue; // a data input, or not float32
                }
                floats.add(e.getKey());
                long count = probe.count(batch.size(), probe.shape() == null ? null : out.get(probe.shape()));
                if (count == 0) {
                    continue; // an empty tensor: a branch that did not run
                }
                float hi = max.get(0);
                float lo = probe.min() == null ? Math.min(0f, hi) : out.get(probe.min()).get(0);
                if (!Float.isFinite(lo) || !Float.isFinite(hi)) {
                    redo.add(e.getKey());
                } else if (count > 0) {
                    e.getValue().observeExtremes(lo, hi, count);
                }
            }
            return redo;
        }

        private static boolean allFinite(FloatBuffer values) {
            if (values == null) {
                return true;
            }
            for (int i = 0; i < values.remaining(); i++) {
                if (!Float.isFinite(values.get(i))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() {
            pinned.close();
            runner.close();
        }
    }

    /**
     * How many samples of a batch of {@code batchSize} one run of the value pass takes: the largest
     * divisor of {@code batchSize} (so that every run has the same shapes) whose outputs hold at
     * most {@value #BUDGET_LARGEST} times the largest output of the whole batch, and at
     * least 1.
     *
     * @param valuesPerSample how many values each output of a run holds per sample
     */
    static int samplesPerRun(Collection<Integer> valuesPerSample, int batchSize) {
        long sum = 0;
        long largest = 0;
        for (int n : valuesPerSample) {
            sum += n;
            largest = Math.max(largest, n);
        }
        long most = sum == 0 ? batchSize : BUDGET_LARGEST * largest * batchSize / sum;
        int samples = 1;
        for (int d = 2; d <= batchSize; d++) {
            if (batchSize % d == 0 && d <= most) {
                samples = d;
            }
        }
        return samples;
    }

    /** Whether {@code t} is an input of {@code batch} holding float32 values. */
    private static boolean isFloatInput(NamedBatch batch, String t) {
        Tensor tensor = batch.tensors().get(t);
        return tensor != null && tensor.type() == ElementType.FLOAT32;
    }

    private static String describeShapes(Dataset data) {
        return data.sampleShapes().groups().size() > 1 ? " (" + data.sampleShapes().describe() + ")" : "";
    }

    /** The data inputs of {@code graph}, checked against {@code data} ({@link CalibrationInputs#requireMatching}). */
    public static List<TensorInfo> requireMatchingInputs(Graph graph, Dataset data) {
        return CalibrationInputs.requireMatching(graph, data);
    }

    /**
     * Runs the pass's data through {@code graph} (which is not modified) and calibrates each of
     * {@code tensors} that holds float32 values; the pass's observer, if any, also receives every
     * batch of every observed float32 tensor.
     *
     * @param schemes the activation scheme of each tensor: a symmetric scheme makes its calibrator
     *                produce a symmetric range
     * @throws InvalidInputException when the data does not fit the model
     * @throws CalibrationException  when a tensor never holds a finite value
     */
    public static CalibratedRanges calibrate(Graph graph, Collection<String> tensors,
            Function<String, QuantScheme> schemes, CalibrationPass context) {
        TensorObserver observer = context.observer();
        Dataset data = context.data();
        List<TensorInfo> dataInputs = requireMatchingInputs(graph, data);
        Set<String> inputs = new LinkedHashSet<>(dataInputs.stream().map(TensorInfo::name).toList());
        BatchLayout layout = CalibrationInputs.layout(graph, data);
        ModelBatches batches = ModelBatches.of(data, layout, context.batchSize());
        int batchSize = batches.batchSize();
        if (batchSize != context.batchSize()) {
            LOG.info("Model graph '{}' takes batches of exactly {} samples: calibrating {} at a time instead of {}",
                    graph.name(), batchSize, batchSize, context.batchSize());
        }
        if (batches.samples() == 0) {
            throw new InvalidInputException("Model graph '" + graph.name() + "' takes batches of exactly " + batchSize
                    + " samples but the calibration data holds " + data.size() + describeShapes(data)
                    + ": give at least " + batchSize + " samples of one shape");
        }
        if (batches.leftOut() > 0) {
            LOG.warn("Model graph '{}' takes batches of exactly {} samples: {} calibration samples that do not fill"
                    + " a batch{} are left out", graph.name(), batchSize, batches.leftOut(),
                    data.sampleShapes().groups().size() > 1 ? " of their shape" : "");
        }
        if (data.sampleShapes().groups().size() > 1) {
            LOG.info("Calibration data of {} shapes, batched by shape: {}", data.sampleShapes().groups().size(),
                    data.sampleShapes().describe());
        }
        // Tensors inside If/Loop/Scan subgraphs are carried out to the main graph of a copy, observed there
        // under the carrying name and reported under their own.
        Map<String, String> carriedFrom = new LinkedHashMap<>();
        Graph observedGraph = graph;
        if (!graph.nestedSubgraphs().isEmpty()) {
            observedGraph = graph.toModel().graph();
            SubgraphOutputs.Result carried = SubgraphOutputs.thread(observedGraph, tensors);
            carried.names().forEach((t, out) -> carriedFrom.put(out, t));
            carried.unthreaded().forEach((t, why) -> LOG.info("Tensor '{}' inside a subgraph is not calibrated: {}",
                    t, why));
            tensors = tensors.stream().filter(t -> !carried.unthreaded().containsKey(t))
                    .map(t -> carried.names().getOrDefault(t, t)).toList();
        }
        Set<String> observed = new LinkedHashSet<>(tensors);
        Map<String, Calibrator> calibrators = new LinkedHashMap<>();
        CalibratorOptions base = CalibratorOptions.of(context.config().calibrationOptions());
        String method = context.config().calibrationMethod().id();
        for (String t : observed) {
            String own = carriedFrom.getOrDefault(t, t);
            calibrators.put(t, Calibrators.create(method, base.forScheme(schemes.apply(own))));
        }
        List<String> outputs = new ArrayList<>(observed);
        long start = System.nanoTime();
        long done = 0;
        // A model with a fixed batch is calibrated on whole batches only.
        int total = batches.samples();
        Set<String> floats = new LinkedHashSet<>();
        context.listener().onProgress(STAGE, 0, total);
        boolean extremes = observer == null && calibrators.values().stream().allMatch(Calibrator::observesExtremesOnly);
        // A calibration session runs a few batches only: no memory pattern (see RunnerOptions), and
        // the optimised model is the caller's to write, not ours.
        RunnerOptions options = context.runnerOptions().toBuilder().optimizedModelPath(null).memoryPattern(false)
                .build();
        try (ValuePass values = new ValuePass(observedGraph, inputs, outputs, options,
                layout.fixedBatch().isEmpty());
                ExtremaPass reduced = extremes ? ExtremaPass.open(observedGraph, inputs, outputs, options) : null) {
            while (batches.hasNext()) {
                NamedBatch batch = batches.next();
                if (reduced != null) {
                    List<String> redo = reduced.observe(batch, calibrators, floats);
                    if (!redo.isEmpty()) {
                        values.observe(batch, redo, calibrators, null, floats);
                    }
                } else {
                    values.observe(batch, outputs, calibrators, observer, floats);
                }
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
            String own = carriedFrom.getOrDefault(t, t);
            if (c.nonFiniteCount() > 0) {
                LOG.warn("Tensor '{}' held {} NaN or infinite values during calibration; they are left out of its"
                        + " range", own, c.nonFiniteCount());
            }
            try {
                ranges.put(own, c.range());
            } catch (CalibrationException e) {
                if (carriedFrom.containsKey(t)) {
                    // A branch or loop body that never ran on the data: its nodes stay float, their decisions say so.
                    LOG.info("Tensor '{}' inside a subgraph held no value on the calibration data (its branch or"
                            + " loop body did not run): not calibrated", own);
                    continue;
                }
                throw new CalibrationException("Cannot calibrate tensor '" + t + "' of model graph '" + graph.name()
                        + "': " + e.getMessage(), e);
            }
        }
        LOG.info("Calibrated {} tensors with {} on {} samples in {} ms", ranges.size(), method, done,
                time.toMillis());
        return new CalibratedRanges(ranges, done, time);
    }
}
