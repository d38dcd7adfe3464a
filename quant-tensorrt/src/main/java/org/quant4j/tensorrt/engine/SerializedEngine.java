package org.quant4j.tensorrt.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import org.bytedeco.javacpp.Pointer;
import org.quant4j.api.io.OutputTarget;

/**
 * A serialized engine (TensorRT's plan) in native memory, with what calibration did to make it.
 * Closing releases the memory; closing twice is harmless, use after close throws
 * {@link IllegalStateException}.
 */
public final class SerializedEngine implements AutoCloseable {

    private final Pointer memory;
    private final ByteBuffer bytes;
    private final int calibrationBatches;
    private boolean closed;

    SerializedEngine(Pointer memory, ByteBuffer bytes, int calibrationBatches) {
        this.memory = memory;
        this.bytes = bytes;
        this.calibrationBatches = calibrationBatches;
    }

    /** The plan's bytes, read-only, valid until {@link #close()}. */
    public ByteBuffer bytes() {
        if (closed) {
            throw new IllegalStateException("SerializedEngine is closed");
        }
        return bytes.asReadOnlyBuffer();
    }

    /** Size of the plan in bytes. */
    public long size() {
        return bytes().remaining();
    }

    /** Calibration batches TensorRT took (0 when a cache was used or the engine was not calibrated). */
    public int calibrationBatches() {
        return calibrationBatches;
    }

    /** Writes the plan to {@code file} atomically, replacing a file that is there. */
    public void write(Path file) {
        write(OutputTarget.replacing(file, "the TensorRT engine"));
    }

    /** Writes the plan to {@code target}: atomically, exclusively unless it allows replacing. */
    public void write(OutputTarget target) {
        ByteBuffer plan = bytes();
        target.write(out -> {
            WritableByteChannel channel = Channels.newChannel(out);
            while (plan.hasRemaining()) {
                if (channel.write(plan) < 0) {
                    throw new IOException("short write");
                }
            }
        });
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            TensorRtRuntime.close(memory);
        }
    }
}
