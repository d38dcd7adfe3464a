package org.quant4j.tensorrt.calibration;

import java.nio.FloatBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.data.ElementType;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.data.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds TensorRT's INT8 calibrator from a quant4j {@link Dataset}: each {@link #next} call reads
 * the next {@link #batchSize()} samples, checks that every network input gets float32 values of
 * the size it takes, and uploads them to the {@link DeviceBuffers}. TensorRT calibrates on batches
 * of exactly the engine's calibration batch size, so a last batch with fewer samples is left out
 * (and logged): {@link #samplesLeftOut()} says how many. Streams: one batch in memory at a time.
 */
public final class CalibrationFeed {

    private static final Logger LOG = LoggerFactory.getLogger(CalibrationFeed.class);

    private final Dataset data;
    private final List<FeedInput> inputs;
    private final int batchSize;
    private final Iterator<NamedBatch> batches;
    private int batchesFed;
    private int samplesLeftOut;
    private boolean done;

    /**
     * @param data      the calibration samples
     * @param inputs    the network's inputs, in order
     * @param batchSize samples per batch, the network's calibration batch dimension
     */
    public CalibrationFeed(Dataset data, List<FeedInput> inputs, int batchSize) {
        this.data = Objects.requireNonNull(data, "data");
        this.inputs = List.copyOf(inputs);
        if (this.inputs.isEmpty()) {
            throw new InvalidInputException("The network has no inputs to calibrate");
        }
        if (batchSize <= 0) {
            throw new InvalidInputException("The calibration batch size must be positive, got " + batchSize);
        }
        if (data.size() < batchSize) {
            throw new InvalidInputException("Calibration needs at least one full batch of " + batchSize + " samples,"
                    + " but the data holds " + data.size() + ": give more samples or a smaller calibration batch");
        }
        this.batchSize = batchSize;
        this.batches = data.namedBatches(batchSize, this.inputs.size() == 1 ? this.inputs.get(0).name() : null);
    }

    public int batchSize() {
        return batchSize;
    }

    /** Batches uploaded so far. */
    public int batchesFed() {
        return batchesFed;
    }

    /** Samples uploaded so far. */
    public long samplesFed() {
        return (long) batchesFed * batchSize;
    }

    /** Samples of a last, short batch that TensorRT could not take. */
    public int samplesLeftOut() {
        return samplesLeftOut;
    }

    /**
     * Uploads the next full batch.
     *
     * @return false when no full batch is left: calibration ends
     * @throws InvalidInputException when the data does not fit an input (type or size)
     */
    public boolean next(DeviceBuffers buffers) {
        if (done || !batches.hasNext()) {
            done = true;
            return false;
        }
        NamedBatch batch = batches.next();
        if (batch.size() < batchSize) {
            samplesLeftOut = batch.size();
            done = true;
            LOG.info("Calibration leaves out the last {} of {} samples: TensorRT calibrates on batches of exactly {}",
                    batch.size(), data.size(), batchSize);
            return false;
        }
        for (FeedInput input : inputs) {
            Tensor t = batch.tensor(input.name());
            if (t.type() != ElementType.FLOAT32) {
                throw new InvalidInputException("Calibration data " + data.fingerprint() + " gives input '"
                        + input.name() + "' as " + t.type() + "; TensorRT's INT8 calibrator takes float32 inputs only");
            }
            long expected = input.sampleElements() * batchSize;
            FloatBuffer values = t.floats();
            if (values.remaining() != expected) {
                throw new InvalidInputException("Calibration data " + data.fingerprint() + " gives input '"
                        + input.name() + "' " + values.remaining() / batchSize + " values per sample, but the network"
                        + " takes " + input.sampleElements() + ": give data of the model's input shape");
            }
            buffers.upload(input.name(), values);
        }
        batchesFed++;
        return true;
    }
}
