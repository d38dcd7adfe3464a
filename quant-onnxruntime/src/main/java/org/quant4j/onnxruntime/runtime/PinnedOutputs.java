package org.quant4j.onnxruntime.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.quant4j.api.ModelException;
import org.quant4j.api.data.Batch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs batches through a single-input {@link OrtRunner} with ONNX Runtime writing every float32
 * output straight into direct buffers owned here ("pinned outputs"), which are reused for the next
 * batch of the same shape. The input is copied into one reused direct buffer as well, so a run
 * allocates no tensor memory and copies no output out of ONNX Runtime. One set of buffers is held at a time: a batch of
 * another shape (the smaller last batch) replaces them.
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
    private final String inputName;
    private long[] inputShape;
    private FloatBuffer inputBuffer;
    private OnnxTensor inputTensor;
    private final Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
    private final Map<String, FloatBuffer> buffers = new LinkedHashMap<>();
    private boolean closed;

    PinnedOutputs(OrtRunner runner, String inputName) {
        this.runner = runner;
        this.inputName = inputName;
    }

    /**
     * Runs {@code batch}.
     *
     * @return every float32 output by name, in model order: read-only buffers positioned at 0 that
     *         hold the values until the next call
     * @throws org.quant4j.api.InvalidInputException when the batch does not have the input's shape
     * @throws ModelException                        when ONNX Runtime fails
     */
    public Map<String, FloatBuffer> run(Batch batch) {
        requireOpen();
        runner.validate(inputName, batch);
        OrtSession session = runner.session();
        try {
            long[] shape = batch.shape();
            if (!Arrays.equals(shape, inputShape)) {
                releaseBuffers();
                inputBuffer = OrtRunner.directFloats(batch.data().length);
                inputTensor = OnnxTensor.createTensor(OrtRuntime.environment(), inputBuffer, shape);
                inputShape = shape;
            }
            inputBuffer.put(0, batch.data());
            Map<String, OnnxTensor> feed = Map.of(inputName, inputTensor);
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
        if (inputTensor != null) {
            inputTensor.close();
        }
        inputTensor = null;
        inputBuffer = null;
        inputShape = null;
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
