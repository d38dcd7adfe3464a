package org.quant4j.onnxruntime.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.ModelException;
import org.quant4j.api.data.Batch;
import org.quant4j.api.data.BatchLayout;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.data.ModelBatches;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.data.Tensor;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.OnnxModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a model on ONNX Runtime: named inputs of any {@link org.quant4j.api.data.ElementType}
 * (float32 samples of a {@link Batch} for a single-input model), float32 outputs. Owns one {@code OrtSession} (the
 * environment is the process-wide one of {@link OrtRuntime}); every tensor and result of a run is
 * closed before {@link #run} returns. Inputs are checked against the model's declared shapes
 * before they reach the runtime. Closing twice is harmless; use after close throws
 * {@link IllegalStateException}. A session may be run from several threads at once, as ONNX
 * Runtime allows.
 */
public final class OrtRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OrtRunner.class);

    private final OrtSession session;
    private final String description;
    private final Map<String, TensorInfo> inputs;
    private final Map<String, TensorInfo> outputs;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Deque<ByteBuffer> inputBuffers = new ConcurrentLinkedDeque<>();

    private OrtRunner(OrtSession session, String description) throws OrtException {
        this.session = session;
        this.description = description;
        this.inputs = tensorInfos(session.getInputInfo(), "input");
        this.outputs = tensorInfos(session.getOutputInfo(), "output");
    }

    /**
     * Opens the model file {@code model}.
     *
     * @throws InvalidInputException when the file is missing or the options would overwrite it
     * @throws ModelException        when ONNX Runtime cannot load the model
     */
    public static OrtRunner open(Path model, RunnerOptions options) {
        Path abs = model.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs)) {
            throw new InvalidInputException("Model file " + abs + " does not exist: check the path");
        }
        if (options.optimizedModelPath().map(p -> p.toAbsolutePath().normalize().equals(abs)).orElse(false)) {
            throw new InvalidInputException("The optimised model path is the input model " + abs
                    + ": choose another path, the input is never overwritten");
        }
        try (OrtSession.SessionOptions so = sessionOptions(options)) {
            return wrap(OrtRuntime.environment().createSession(abs.toString(), so), abs.toString());
        } catch (OrtException e) {
            throw new ModelException("ONNX Runtime cannot load model " + abs + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens an in-memory model. The model is streamed to a temporary file that ONNX Runtime reads
     * and that is deleted once the session is open: serialized into a {@code byte[]} instead, a model
     * of hundreds of megabytes would take as much heap again, which the JVM keeps after it is freed.
     *
     * @throws ModelException when ONNX Runtime cannot load the model
     */
    public static OrtRunner open(OnnxModel model, RunnerOptions options) {
        String name = model.source().map(Path::toString).orElse("'" + model.proto().getGraph().getName() + "'");
        Path file = null;
        try (OrtSession.SessionOptions so = sessionOptions(options)) {
            file = Files.createTempFile("quant4j-session-", ".onnx");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                model.proto().writeTo(out);
            }
            return wrap(OrtRuntime.environment().createSession(file.toString(), so), name);
        } catch (OrtException e) {
            throw new ModelException("ONNX Runtime cannot load model " + name + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ModelException("Cannot write model " + name + " to a temporary file for ONNX Runtime ("
                    + e.getMessage() + "): check the free space of " + System.getProperty("java.io.tmpdir"), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.warn("Cannot delete temporary model file {}: {}", file, e.getMessage());
                }
            }
        }
    }

    /** Owns {@code session}, closing it when the runner cannot be made. */
    private static OrtRunner wrap(OrtSession session, String description) throws OrtException {
        try {
            return new OrtRunner(session, description);
        } catch (OrtException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private static OrtSession.SessionOptions sessionOptions(RunnerOptions options) throws OrtException {
        OrtRuntime.environment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            so.setOptimizationLevel(switch (options.optimization()) {
                case DISABLED -> OrtSession.SessionOptions.OptLevel.NO_OPT;
                case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
                case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
                case LAYOUT -> OrtSession.SessionOptions.OptLevel.LAYOUT_OPT;
                case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
            });
            if (options.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.intraOpThreads());
            }
            if (options.interOpThreads() > 0) {
                so.setInterOpNumThreads(options.interOpThreads());
            }
            if (!options.spinning()) {
                so.addConfigEntry("session.intra_op.allow_spinning", "0");
                so.addConfigEntry("session.inter_op.allow_spinning", "0");
            }
            if (!options.memoryPattern()) {
                so.setMemoryPatternOptimization(false);
            }
            if (options.profilingPrefix().isPresent()) {
                so.enableProfiling(options.profilingPrefix().get().toAbsolutePath().toString());
            }
            if (options.optimizedModelPath().isPresent()) {
                so.setOptimizedModelFilePath(options.optimizedModelPath().get().toAbsolutePath().toString());
            }
            return so;
        } catch (OrtException | RuntimeException e) {
            so.close();
            throw e;
        }
    }

    /** Names of the model's inputs, in model order. */
    public List<String> inputNames() {
        requireOpen();
        return List.copyOf(inputs.keySet());
    }

    /** Names of the model's outputs, in model order. */
    public List<String> outputNames() {
        requireOpen();
        return List.copyOf(outputs.keySet());
    }

    /** Declared shape of input {@code name}; {@code -1} marks a dynamic dimension. */
    public long[] inputShape(String name) {
        requireOpen();
        TensorInfo info = inputs.get(name);
        if (info == null) {
            throw new InvalidInputException("Model " + description + " has no input '" + name + "'; its inputs are "
                    + inputs.keySet());
        }
        return info.getShape();
    }

    /**
     * Where the samples of a batch go in each input of this model ({@link BatchLayout}): decided
     * from the declared shapes and dimension names, with the batch axes of {@code overrides}.
     *
     * @throws InvalidInputException when the batch axis of an input cannot be told
     */
    public BatchLayout batchLayout(Map<String, Integer> overrides) {
        requireOpen();
        List<BatchLayout.DeclaredInput> declared = new ArrayList<>();
        inputs.forEach((name, info) -> declared.add(new BatchLayout.DeclaredInput(name, info.getShape(),
                info.getDimensionNames())));
        return BatchLayout.of(declared, overrides);
    }

    /** The batch axis of each output by name, as {@code layout} decides it ({@link BatchLayout#outputAxis}). */
    public Map<String, Integer> outputBatchAxes(BatchLayout layout) {
        requireOpen();
        Map<String, Integer> axes = new LinkedHashMap<>();
        outputs.forEach((name, info) -> axes.put(name, layout.outputAxis(new BatchLayout.DeclaredInput(name,
                info.getShape(), info.getDimensionNames()))));
        return axes;
    }

    /**
     * The batches of {@code data} as this model takes them ({@link ModelBatches}): at most
     * {@code requested} samples each, or the model's fixed batch, samples of one shape together, on
     * each input's batch axis.
     */
    public ModelBatches batches(Dataset data, int requested) {
        return ModelBatches.of(data, batchLayout(data.batchAxes()), requested);
    }

    /**
     * Runs a batch through a single-input model.
     *
     * @return every float32 output by name
     * @throws InvalidInputException when the model has several inputs or the batch has the wrong shape
     */
    public Map<String, FloatTensor> run(Batch batch) {
        requireOpen();
        if (inputs.size() != 1) {
            throw new InvalidInputException("Model " + description + " has " + inputs.size() + " inputs " + inputs.keySet()
                    + ": give each one with run(Map)");
        }
        return execute(NamedBatch.of(inputs.keySet().iterator().next(), batch).tensors());
    }

    /**
     * Runs a batch of named tensors, one per model input.
     *
     * @return every float32 output by name, in model order
     * @throws InvalidInputException when an input is missing, unknown, or of the wrong type or shape
     */
    public Map<String, FloatTensor> run(NamedBatch batch) {
        requireOpen();
        return execute(batch.tensors());
    }

    /**
     * Runs the model on named float32 inputs.
     *
     * @return every float32 output by name, in model order
     * @throws InvalidInputException when an input is missing, unknown or of the wrong shape
     */
    public Map<String, FloatTensor> run(Map<String, FloatTensor> feeds) {
        requireOpen();
        Map<String, Tensor> raw = new LinkedHashMap<>();
        feeds.forEach((name, t) -> raw.put(name, Tensor.ofFloats(t.data(), t.shape())));
        return execute(raw);
    }

    /**
     * Opens buffers that the outputs of runs are written into and that are reused from batch to
     * batch, for callers that read every output of many batches in turn (calibration): no output is
     * copied out of ONNX Runtime or allocated per batch. The buffers belong to this runner's
     * session; close them before the runner.
     */
    public PinnedOutputs pinnedOutputs() {
        requireOpen();
        return new PinnedOutputs(this, inputs.size() == 1 ? inputs.keySet().iterator().next() : null);
    }

    /** The session, for {@link PinnedOutputs}. */
    OrtSession session() {
        requireOpen();
        return session;
    }

    String description() {
        return description;
    }

    private Map<String, FloatTensor> execute(Map<String, Tensor> feeds) {
        validate(feeds);
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        List<ByteBuffer> taken = new ArrayList<>(feeds.size());
        try {
            for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
                Tensor t = e.getValue();
                long bytes = OrtTensors.bytes(t);
                ByteBuffer buffer = takeInputBuffer(bytes);
                taken.add(buffer);
                OrtTensors.copy(t, buffer);
                tensors.put(e.getKey(), OrtTensors.over(buffer.slice(0, (int) bytes), t.type(), t.shape()));
            }
            try (OrtSession.Result result = session.run(tensors)) {
                Map<String, FloatTensor> out = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    if (e.getValue() instanceof OnnxTensor tensor && tensor.getInfo().type == OnnxJavaType.FLOAT) {
                        FloatBuffer fb = tensor.getFloatBuffer();
                        float[] values = new float[fb.remaining()];
                        fb.get(values);
                        out.put(e.getKey(), new FloatTensor(tensor.getInfo().getShape(), values));
                    } else {
                        LOG.debug("Output '{}' of {} is not a float32 tensor and is not returned", e.getKey(), description);
                    }
                }
                return Collections.unmodifiableMap(out);
            }
        } catch (OrtException e) {
            throw new ModelException("ONNX Runtime failed to run model " + description + ": " + e.getMessage(), e);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
            taken.forEach(inputBuffers::push);
        }
    }

    /**
     * A direct buffer of at least {@code bytes} bytes from the pool. ONNX Runtime reads a direct
     * buffer in place, where a heap array would be copied into freshly allocated native memory on
     * every run; the pool holds at most one buffer per input of a concurrent run.
     */
    private ByteBuffer takeInputBuffer(long bytes) {
        ByteBuffer b = inputBuffers.poll();
        return b != null && b.capacity() >= bytes ? b : OrtTensors.direct(bytes);
    }

    /** A native-order direct buffer of {@code floats} floats. */
    static FloatBuffer directFloats(int floats) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(floats, Float.BYTES)).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    /**
     * Ends ONNX Runtime's profiling of this session (opened with
     * {@link RunnerOptions#profilingPrefix()}) and returns the trace it wrote.
     *
     * @throws IllegalStateException when the session was opened without profiling
     */
    public Path endProfiling() {
        requireOpen();
        try {
            String file = session.endProfiling();
            if (file == null || file.isEmpty()) {
                throw new IllegalStateException("OrtRunner for " + description + " was opened without profiling:"
                        + " set RunnerOptions.profilingPrefix");
            }
            return Path.of(file);
        } catch (OrtException e) {
            throw new ModelException("ONNX Runtime could not end the profile of " + description + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                session.close();
            } catch (OrtException e) {
                LOG.warn("Closing the ONNX Runtime session of {} failed: {}", description, e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return "OrtRunner[" + description + (closed.get() ? ", closed" : "") + "]";
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("OrtRunner for " + description + " is closed");
        }
    }

    /** Checks named tensors against the model's inputs as {@link #run(NamedBatch)} does. */
    void validate(Map<String, Tensor> feeds) {
        for (String name : feeds.keySet()) {
            if (!inputs.containsKey(name)) {
                throw new InvalidInputException("Model " + description + " has no input '" + name + "'; its inputs are "
                        + inputs.keySet());
            }
        }
        for (Map.Entry<String, TensorInfo> e : inputs.entrySet()) {
            Tensor given = feeds.get(e.getKey());
            if (given == null) {
                throw new InvalidInputException("Model " + description + " needs input '" + e.getKey() + "' "
                        + shapeText(e.getValue()) + ", which was not given");
            }
            if (e.getValue().type != OrtTensors.javaType(given.type())) {
                throw new InvalidInputException("Input '" + e.getKey() + "' of model " + description + " is "
                        + e.getValue().type + " " + shapeText(e.getValue()) + ", got " + given.type()
                        + " data: give the input data of its type");
            }
            long[] expected = e.getValue().getShape();
            long[] actual = given.shape();
            boolean matches = expected.length == actual.length;
            for (int i = 0; matches && i < expected.length; i++) {
                matches = expected[i] < 0 || expected[i] == actual[i];
            }
            if (!matches) {
                throw new InvalidInputException("Input '" + e.getKey() + "' of model " + description + " expects shape "
                        + shapeText(e.getValue()) + ", got " + Arrays.toString(actual)
                        + ": resize or reshape the data to match the model");
            }
        }
    }

    /** The declared shape with symbolic names for dynamic dimensions, e.g. {@code [N, 1, 28, 28]}. */
    private static String shapeText(TensorInfo info) {
        long[] shape = info.getShape();
        String[] names = info.getDimensionNames();
        List<String> parts = new ArrayList<>(shape.length);
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] >= 0) {
                parts.add(Long.toString(shape[i]));
            } else {
                parts.add(names != null && i < names.length && !names[i].isEmpty() ? names[i] : "?");
            }
        }
        return parts.toString();
    }

    private static Map<String, TensorInfo> tensorInfos(Map<String, NodeInfo> infos, String what) {
        Map<String, TensorInfo> map = new LinkedHashMap<>();
        for (Map.Entry<String, NodeInfo> e : infos.entrySet()) {
            if (!(e.getValue().getInfo() instanceof TensorInfo t)) {
                throw new ModelException("Model " + what + " '" + e.getKey() + "' is " + e.getValue().getInfo()
                        + ", not a tensor; OrtRunner handles tensors only");
            }
            map.put(e.getKey(), t);
        }
        return Collections.unmodifiableMap(map);
    }
}
