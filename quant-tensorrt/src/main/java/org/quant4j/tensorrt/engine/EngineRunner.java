package org.quant4j.tensorrt.engine;

import static org.bytedeco.cuda.global.cudart.cudaStreamCreate;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.tensorrt.global.nvinfer.DataType;
import org.bytedeco.tensorrt.global.nvinfer.LayerInformationFormat;
import org.bytedeco.tensorrt.global.nvinfer.OptProfileSelector;
import org.bytedeco.tensorrt.global.nvinfer.TensorIOMode;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IEngineInspector;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.ElementType;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.data.Tensor;
import org.quant4j.tensorrt.EngineFile;
import org.quant4j.tensorrt.TensorRtException;
import org.quant4j.tensorrt.inspect.EngineLayers;

/**
 * A deserialized engine ready to run: its runtime, engine, execution context, CUDA stream and
 * GPU buffers for every input and output at the largest batch it takes. Runs batches of named
 * float32 tensors and times synthetic batches; its inspector lists the layers and their
 * precisions. Closing releases everything; closing twice is harmless, use after close throws
 * {@link IllegalStateException}.
 */
public final class EngineRunner implements AutoCloseable {

    private final DeserializedEngine plan;
    private final TrtLogger logger;
    private final ICudaEngine engine;
    private final IExecutionContext context;
    private final CUstream_st stream;
    private final CudaBuffers buffers;
    private final Map<String, long[]> inputs = new LinkedHashMap<>();
    private final Map<String, long[]> outputs = new LinkedHashMap<>();
    private final int maxBatch;
    private boolean closed;

    private EngineRunner(DeserializedEngine deserialized) {
        plan = deserialized;
        logger = deserialized.logger;
        engine = deserialized.engine;
        IExecutionContext ctx = null;
        CUstream_st st = null;
        try {
            ICudaEngine eng = engine;
            int batch = Integer.MAX_VALUE;
            for (int i = 0; i < eng.getNbIOTensors(); i++) {
                String name = eng.getIOTensorName(i);
                if (eng.getTensorDataType(name) != DataType.kFLOAT) {
                    throw new TensorRtException("Engine tensor '" + name + "' is " + eng.getTensorDataType(name)
                            + "; the TensorRT evaluator runs engines with float32 inputs and outputs");
                }
                long[] shape = dims(eng.getTensorShape(name));
                boolean input = eng.getTensorIOMode(name) == TensorIOMode.kINPUT;
                if (input && shape.length > 0 && shape[0] < 0) {
                    batch = Math.min(batch, (int) eng.getProfileShape(name, 0, OptProfileSelector.kMAX).d(0));
                } else if (input && shape.length > 0) {
                    batch = Math.min(batch, (int) shape[0]);
                }
                (input ? inputs : outputs).put(name, shape);
            }
            maxBatch = batch == Integer.MAX_VALUE ? 1 : batch;
            ctx = eng.createExecutionContext();
            if (ctx == null || ctx.isNull()) {
                throw new TensorRtException("TensorRT could not create an execution context: " + logger.errors());
            }
            st = new CUstream_st();
            TensorRtRuntime.check(cudaStreamCreate(st), "create a stream");
            Map<String, Long> sizes = new LinkedHashMap<>();
            inputs.forEach((n, s) -> sizes.put(n, elements(s, maxBatch)));
            outputs.forEach((n, s) -> sizes.put(n, elements(s, maxBatch)));
            buffers = new CudaBuffers(sizes);
        } catch (RuntimeException e) {
            release(ctx, st);
            deserialized.close();
            throw e;
        }
        context = ctx;
        stream = st;
    }

    /** Opens a serialized engine held in memory. */
    public static EngineRunner open(ByteBuffer plan) {
        TensorRtRuntime.require();
        return new EngineRunner(DeserializedEngine.of(plan));
    }

    /** Opens an engine file. */
    public static EngineRunner open(Path engineFile) {
        EngineFile.check(engineFile);
        TensorRtRuntime.require();
        return new EngineRunner(DeserializedEngine.read(engineFile));
    }

    /** The input names and their shapes (-1 for a dynamic batch). */
    public Map<String, long[]> inputs() {
        requireOpen();
        return inputs;
    }

    /** The output names, in engine order. */
    public List<String> outputNames() {
        requireOpen();
        return new ArrayList<>(outputs.keySet());
    }

    /** The largest batch the engine takes. */
    public int maxBatch() {
        requireOpen();
        return maxBatch;
    }

    /** The layers and their precisions, from TensorRT's engine inspector. */
    public EngineLayers layers() {
        requireOpen();
        IEngineInspector inspector = engine.createEngineInspector();
        try {
            inspector.setExecutionContext(context);
            return EngineLayers.parse(inspector.getEngineInformation(LayerInformationFormat.kJSON));
        } finally {
            TensorRtRuntime.close(inspector);
        }
    }

    /** Runs one batch; returns each output as a float32 tensor. */
    public Map<String, Tensor> run(NamedBatch batch) {
        requireOpen();
        int n = batch.size();
        if (n > maxBatch) {
            throw new InvalidInputException("The engine takes batches of at most " + maxBatch + " samples, got " + n
                    + ": use a batch size of at most " + maxBatch);
        }
        for (Map.Entry<String, long[]> in : inputs.entrySet()) {
            Tensor t = batch.tensor(in.getKey());
            if (t.type() != ElementType.FLOAT32) {
                throw new InvalidInputException("Input '" + in.getKey() + "' is given as " + t.type()
                        + "; the engine takes float32");
            }
            feed(in.getKey(), in.getValue(), n, t.floats());
        }
        enqueue();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : outputs.keySet()) {
            long[] shape = dims(context.getTensorShape(name));
            out.put(name, Tensor.ofFloats(buffers.download(name, elements(shape, n)), shape));
        }
        return out;
    }

    /**
     * Wall time of {@code iterations} runs on one batch of {@code batchSize} seeded noise samples,
     * after {@code warmup} untimed runs, in milliseconds. Each time covers the enqueue and the
     * stream synchronisation, not the copies.
     */
    public double[] time(int batchSize, int warmup, int iterations) {
        requireOpen();
        if (batchSize <= 0 || batchSize > maxBatch || warmup < 0 || iterations <= 0) {
            throw new InvalidInputException("Timing needs 1 <= batch <= " + maxBatch + ", warmup >= 0 and"
                    + " iterations > 0; got batch " + batchSize + ", warmup " + warmup + ", iterations " + iterations);
        }
        SplittableRandom random = new SplittableRandom(42);
        for (Map.Entry<String, long[]> in : inputs.entrySet()) {
            float[] noise = new float[Math.toIntExact(elements(in.getValue(), batchSize))];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (float) random.nextDouble(-1, 1);
            }
            feed(in.getKey(), in.getValue(), batchSize, FloatBuffer.wrap(noise));
        }
        for (String name : outputs.keySet()) {
            context.setTensorAddress(name, buffers.pointer(name));
        }
        for (int i = 0; i < warmup; i++) {
            enqueue();
        }
        double[] ms = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            enqueue();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        return ms;
    }

    private void feed(String name, long[] shape, int n, FloatBuffer values) {
        if (shape.length > 0 && shape[0] < 0) {
            Dims64 dims = new Dims64();
            dims.nbDims(shape.length);
            for (int d = 0; d < shape.length; d++) {
                dims.d(d, d == 0 ? n : shape[d]);
            }
            if (!context.setInputShape(name, dims)) {
                throw new TensorRtException("TensorRT refused batch " + n + " for input '" + name + "': "
                        + logger.errors());
            }
        }
        long expected = elements(shape, n);
        if (values.remaining() != expected) {
            throw new InvalidInputException("Input '" + name + "' takes " + expected + " values for " + n
                    + " samples, got " + values.remaining() + ": give data of the model's input shape");
        }
        buffers.upload(name, values);
        context.setTensorAddress(name, buffers.pointer(name));
    }

    private void enqueue() {
        for (String name : outputs.keySet()) {
            context.setTensorAddress(name, buffers.pointer(name));
        }
        if (!context.enqueueV3(stream)) {
            throw new TensorRtException("TensorRT failed to run the engine: " + logger.errors());
        }
        TensorRtRuntime.check(cudaStreamSynchronize(stream), "wait for the engine");
    }

    private static long[] dims(Dims64 d) {
        long[] shape = new long[d.nbDims()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = d.d(i);
        }
        return shape;
    }

    private static long elements(long[] shape, long batch) {
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = i == 0 && shape[i] < 0 ? batch : shape[i];
            if (d < 0) {
                throw new TensorRtException("Engine tensor of shape " + java.util.Arrays.toString(shape)
                        + " has a dynamic dimension besides the batch; the evaluator runs static shapes only");
            }
            n *= d;
        }
        return n;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("EngineRunner is closed");
        }
    }

    private static void release(IExecutionContext ctx, CUstream_st st) {
        if (st != null && !st.isNull()) {
            cudaStreamDestroy(st);
        }
        TensorRtRuntime.close(ctx);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        buffers.close();
        release(context, stream);
        plan.close();
    }
}
