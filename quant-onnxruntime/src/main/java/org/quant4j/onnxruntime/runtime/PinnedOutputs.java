package org.quant4j.onnxruntime.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.ModelException;
import org.quant4j.api.data.Batch;
import org.quant4j.api.data.ElementType;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.data.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs batches through an {@link OrtRunner} with ONNX Runtime writing every float32 output straight
 * into direct buffers owned here ("pinned outputs"), which are reused for the next batch of the
 * same shapes. Each input is copied into a reused direct buffer as well, so a run allocates no
 * tensor memory and copies no output out of ONNX Runtime. One set of buffers is held at a time: a
 * batch of other shapes (the smaller last batch) replaces them.
 *
 * <p>The first batch of a shape runs without pinned outputs to learn the output shapes, and its
 * outputs are copied into the new buffers. A model whose output shapes change between batches of
 * the same input shape falls back to that path for the batch where they change.
 *
 * <p>The buffers returned by {@link #run} are read-only views that the next {@code run} overwrites.
 * Not thread-safe. Closing twice is harmless; use after close throws {@link IllegalStateException}.
 */
public final class PinnedOutputs implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PinnedOutputs.class);

    private final OrtRunner runner;
    private final String singleInput;
    private final Map<String, PinnedInput> inputs = new LinkedHashMap<>();
    private final Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
    private final Map<String, FloatBuffer> buffers = new LinkedHashMap<>();
    private boolean closed;

    /** The reused direct buffer of one input and the ONNX Runtime tensor over it. */
    private record PinnedInput(ElementType type, long[] shape, ByteBuffer buffer, OnnxTensor tensor) {

        boolean fits(Tensor t) {
            return t.type() == type && Arrays.equals(t.shape(), shape);
        }
    }

    /** @param singleInput the model's one input, or null when it has several */
    PinnedOutputs(OrtRunner runner, String singleInput) {
        this.runner = runner;
        this.singleInput = singleInput;
    }

    /**
     * Runs {@code batch} through a single-input model.
     *
     * @return every float32 output by name, in model order: read-only buffers positioned at 0 that
     *         hold the values until the next call
     * @throws InvalidInputException when the model has several inputs or the batch does not have
     *                               the input's shape
     * @throws ModelException        when ONNX Runtime fails
     */
    public Map<String, FloatBuffer> run(Batch batch) {
        requireOpen();
        if (singleInput == null) {
            throw new InvalidInputException("Model " + runner.description() + " has several inputs "
                    + runner.inputNames() + ": give each one with run(NamedBatch)");
        }
        return run(NamedBatch.of(singleInput, batch));
    }

    /**
     * Runs {@code batch}, one tensor per model input.
     *
     * @return every float32 output by name, in model order: read-only buffers positioned at 0 that
     *         hold the values until the next call
     * @throws InvalidInputException when an input is missing, unknown, or of the wrong type or shape
     * @throws ModelException        when ONNX Runtime fails
     */
    public Map<String, FloatBuffer> run(NamedBatch batch) {
        requireOpen();
        Map<String, Tensor> given = batch.tensors();
        runner.validate(given);
        OrtSession session = runner.session();
        try {
            boolean fits = inputs.size() == given.size() && given.entrySet().stream()
                    .allMatch(e -> inputs.containsKey(e.getKey()) && inputs.get(e.getKey()).fits(e.getValue()));
            if (!fits) {
                releaseBuffers();
                for (Map.Entry<String, Tensor> e : given.entrySet()) {
                    Tensor t = e.getValue();
                    ByteBuffer buffer = OrtTensors.direct(OrtTensors.bytes(t));
                    inputs.put(e.getKey(), new PinnedInput(t.type(), t.shape(), buffer,
                            OrtTensors.over(buffer, t.type(), t.shape())));
                }
            }
            Map<String, OnnxTensor> feed = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : given.entrySet()) {
                PinnedInput in = inputs.get(e.getKey());
                OrtTensors.copy(e.getValue(), in.buffer());
                feed.put(e.getKey(), in.tensor());
            }
            if (!outputs.isEmpty()) {
                try {
                    session.run(feed, outputs).close();
                    return views();
                } catch (OrtException e) {
                    // An output shape that depends on the data no longer fits its buffer.
                    LOG.debug("Pinned run of {} failed ({}); running it unpinned", runner.description(), e.getMessage());
                    releaseOutputs();
                }
            }
            try (OrtSession.Result result = session.run(feed)) {
                pin(result);
            }
            return views();
        } catch (OrtException e) {
            throw new ModelException("ONNX Runtime failed to run model " + runner.description() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Runs {@code batch} and returns the number of values of every float32 output, in model order,
     * without pinning them: ONNX Runtime's own output tensors are counted and closed, no value is
     * copied, and the buffers pinned for the current shapes stay (a run of another shape made only to
     * measure does not replace them, nor leave buffers of its size behind).
     *
     * @throws InvalidInputException when an input is missing, unknown, or of the wrong type or shape
     * @throws ModelException        when ONNX Runtime fails
     */
    public Map<String, Integer> outputSizes(NamedBatch batch) {
        requireOpen();
        Map<String, Tensor> given = batch.tensors();
        runner.validate(given);
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : given.entrySet()) {
                Tensor t = e.getValue();
                ByteBuffer buffer = OrtTensors.direct(OrtTensors.bytes(t));
                OrtTensors.copy(t, buffer);
                feed.put(e.getKey(), OrtTensors.over(buffer, t.type(), t.shape()));
            }
            Map<String, Integer> sizes = new LinkedHashMap<>();
            try (OrtSession.Result result = runner.session().run(feed)) {
                for (Map.Entry<String, OnnxValue> e : result) {
                    if (e.getValue() instanceof OnnxTensor tensor && tensor.getInfo().type == OnnxJavaType.FLOAT) {
                        sizes.put(e.getKey(), Math.toIntExact(tensor.getInfo().getNumElements()));
                    }
                }
            }
            return Collections.unmodifiableMap(sizes);
        } catch (OrtException e) {
            throw new ModelException("ONNX Runtime failed to run model " + runner.description() + ": " + e.getMessage(),
                    e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    /** Allocates a buffer for every float32 output of {@code result} and copies the values into it. */
    private void pin(OrtSession.Result result) throws OrtException {
        for (Map.Entry<String, OnnxValue> e : result) {
            if (e.getValue() instanceof OnnxTensor tensor && tensor.getInfo().type == OnnxJavaType.FLOAT) {
                FloatBuffer values = tensor.getFloatBuffer();
                FloatBuffer buffer = OrtRunner.directFloats(values.remaining());
                buffer.put(values).flip();
                outputs.put(e.getKey(), OnnxTensor.createTensor(OrtRuntime.environment(), buffer,
                        tensor.getInfo().getShape()));
                buffers.put(e.getKey(), buffer);
            } else {
                LOG.debug("Output '{}' of {} is not a float32 tensor and is not returned", e.getKey(),
                        runner.description());
            }
        }
    }

    /** Fresh read-only views, so that a caller moving a buffer's position does not affect the next run. */
    private Map<String, FloatBuffer> views() {
        Map<String, FloatBuffer> v = new LinkedHashMap<>();
        buffers.forEach((name, buffer) -> v.put(name, buffer.asReadOnlyBuffer()));
        return Collections.unmodifiableMap(v);
    }

    private void releaseOutputs() {
        outputs.values().forEach(OnnxTensor::close);
        outputs.clear();
        buffers.clear();
    }

    private void releaseBuffers() {
        releaseOutputs();
        inputs.values().forEach(in -> in.tensor().close());
        inputs.clear();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            releaseBuffers();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("PinnedOutputs of " + runner.description() + " is closed");
        }
    }
}
