package org.quant4j.tensorrt.engine;

import static org.bytedeco.tensorrt.global.nvinfer.createInferRuntime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IRuntime;
import org.quant4j.api.QuantException;
import org.quant4j.tensorrt.TensorRtException;

/**
 * A plan deserialized into an engine, with the runtime and logger it lives in: what
 * {@link EngineRunner} runs and {@link EngineInspection} inspects. Closing releases the three;
 * closing twice is harmless.
 */
final class DeserializedEngine implements AutoCloseable {

    final TrtLogger logger;
    final IRuntime runtime;
    final ICudaEngine engine;
    private boolean closed;

    private DeserializedEngine(TrtLogger logger, IRuntime runtime, ICudaEngine engine) {
        this.logger = logger;
        this.runtime = runtime;
        this.engine = engine;
    }

    /** Deserializes {@code plan}; the caller has made sure TensorRT can run ({@link TensorRtRuntime#require()}). */
    static DeserializedEngine of(ByteBuffer plan) {
        TrtLogger logger = new TrtLogger();
        IRuntime rt = null;
        try {
            rt = createInferRuntime(logger);
            if (rt == null || rt.isNull()) {
                throw new TensorRtException("TensorRT failed to create a runtime: " + logger.errors());
            }
            ICudaEngine eng;
            try (BytePointer bytes = new BytePointer(plan.duplicate())) {
                eng = rt.deserializeCudaEngine(bytes, plan.remaining());
            }
            if (eng == null || eng.isNull()) {
                throw new TensorRtException("TensorRT could not deserialize the engine (built by another TensorRT"
                        + " version or for another GPU?): " + logger.errors());
            }
            return new DeserializedEngine(logger, rt, eng);
        } catch (RuntimeException e) {
            TensorRtRuntime.close(rt);
            logger.close();
            throw e;
        }
    }

    /** Reads and deserializes an engine file. */
    static DeserializedEngine read(Path engineFile) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(engineFile);
        } catch (IOException e) {
            throw new QuantException("Cannot read TensorRT engine " + engineFile + ": " + e, e);
        }
        return of(ByteBuffer.wrap(bytes));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            TensorRtRuntime.close(engine);
            TensorRtRuntime.close(runtime);
            logger.close();
        }
    }
}
