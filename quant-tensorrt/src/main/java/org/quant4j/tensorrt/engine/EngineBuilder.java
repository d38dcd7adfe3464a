package org.quant4j.tensorrt.engine;

import static org.bytedeco.tensorrt.global.nvinfer.createInferBuilder;
import static org.bytedeco.tensorrt.global.nvonnxparser.createParser;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorrt.global.nvinfer.BuilderFlag;
import org.bytedeco.tensorrt.global.nvinfer.DataType;
import org.bytedeco.tensorrt.global.nvinfer.MemoryPoolType;
import org.bytedeco.tensorrt.global.nvinfer.NetworkDefinitionCreationFlag;
import org.bytedeco.tensorrt.global.nvinfer.OptProfileSelector;
import org.bytedeco.tensorrt.global.nvinfer.ProfilingVerbosity;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IBuilder;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;
import org.bytedeco.tensorrt.nvinfer.IHostMemory;
import org.bytedeco.tensorrt.nvinfer.IInt8Calibrator;
import org.bytedeco.tensorrt.nvinfer.ILayer;
import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.bytedeco.tensorrt.nvinfer.INetworkDefinition;
import org.bytedeco.tensorrt.nvinfer.IOptimizationProfile;
import org.bytedeco.tensorrt.nvinfer.ITensor;
import org.bytedeco.tensorrt.nvonnxparser.IParser;
import org.bytedeco.tensorrt.nvonnxparser.IParserError;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.ModelException;
import org.quant4j.api.data.Dataset;
import org.quant4j.tensorrt.EnginePrecision;
import org.quant4j.tensorrt.LayerPrecision;
import org.quant4j.tensorrt.TensorRtException;
import org.quant4j.tensorrt.TensorRtOptions;
import org.quant4j.tensorrt.calibration.CalibrationCacheStore;
import org.quant4j.tensorrt.calibration.CalibrationFeed;
import org.quant4j.tensorrt.calibration.FeedInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a serialized TensorRT engine from an ONNX file with {@link TensorRtOptions}: the ONNX
 * parser fills the network (strongly typed when the options say so), the builder config gets the
 * precision flags (FP16; INT8 with the entropy-2 or min-max calibrator fed from a {@link Dataset};
 * nothing extra for a strongly typed Q/DQ model), per-layer precision constraints (obeyed), the
 * workspace, the optimisation level and detailed profiling verbosity (so the engine inspector
 * lists each layer's formats). A model whose batch dimension is dynamic gets one optimisation
 * profile from batch 1 to {@link TensorRtOptions#batchSize()}, also used for calibration.
 * Needs a GPU: {@link TensorRtRuntime#require()} is called first.
 */
public final class EngineBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(EngineBuilder.class);

    private EngineBuilder() {
    }

    /**
     * Builds the engine.
     *
     * @param onnx        the ONNX model (Q/DQ for explicit INT8)
     * @param options     how to build
     * @param calibration the calibration samples, needed for implicit INT8 unless the cache exists
     * @throws org.quant4j.tensorrt.TensorRtUnavailableException when TensorRT cannot run here
     * @throws TensorRtException when TensorRT rejects the model or the build fails, with TensorRT's errors
     */
    public static SerializedEngine build(Path onnx, TensorRtOptions options, Optional<Dataset> calibration) {
        TensorRtRuntime.require();
        Deque<Pointer> handles = new ArrayDeque<>();
        TrtLogger logger = new TrtLogger();
        CalibratorCallbacks callbacks = null;
        CudaBuffers buffers = null;
        try {
            IBuilder builder = keep(handles, createInferBuilder(logger), "create the builder", logger);
            int flags = options.stronglyTyped() ? 1 << NetworkDefinitionCreationFlag.kSTRONGLY_TYPED.value : 0;
            INetworkDefinition network = keep(handles, builder.createNetworkV2(flags), "create the network", logger);
            IParser parser = keep(handles, createParser(network, logger), "create the ONNX parser", logger);
            if (!parser.parseFromFile(onnx.toAbsolutePath().toString(), ILogger.Severity.kWARNING.value)) {
                throw new TensorRtException("TensorRT's ONNX parser rejected " + onnx + ": " + parserErrors(parser));
            }
            IBuilderConfig config = keep(handles, builder.createBuilderConfig(), "create the builder config", logger);
            config.setMemoryPoolLimit(MemoryPoolType.kWORKSPACE, options.workspaceBytes());
            config.setBuilderOptimizationLevel(options.optimizationLevel());
            config.setProfilingVerbosity(ProfilingVerbosity.kDETAILED);
            Map<String, Long> sampleElements = new LinkedHashMap<>();
            long[] fixedBatch = {-1};
            IOptimizationProfile profile = batchProfile(builder, network, options.batchSize(), sampleElements,
                    fixedBatch);
            // A model with a fixed batch dimension calibrates on batches of that size.
            int calibrationBatch = fixedBatch[0] > 0 ? Math.toIntExact(fixedBatch[0]) : options.batchSize();
            if (profile != null) {
                config.addOptimizationProfile(profile);
            }
            switch (options.precision()) {
                case FP16 -> config.setFlag(BuilderFlag.kFP16);
                case EXPLICIT_INT8, IMPLICIT_INT8 -> {
                    if (!options.stronglyTyped()) {
                        config.setFlag(BuilderFlag.kINT8);
                    }
                    if (options.allowFp16()) {
                        config.setFlag(BuilderFlag.kFP16);
                    }
                }
                case FP32 -> { }
            }
            applyLayerPrecisions(network, config, options.layerPrecisions());
            if (options.precision() == EnginePrecision.IMPLICIT_INT8) {
                Optional<CalibrationCacheStore> store = options.calibrationCache()
                        .map(f -> new CalibrationCacheStore(f, options.calibrator()));
                boolean cached = store.isPresent() && java.nio.file.Files.exists(store.get().file());
                if (calibration.isEmpty() && !cached) {
                    throw new InvalidInputException("Implicit INT8 calibrates on data: give calibration data, or a"
                            + " calibration cache file that exists");
                }
                List<FeedInput> inputs = new ArrayList<>();
                Map<String, Long> batchElements = new LinkedHashMap<>();
                sampleElements.forEach((name, per) -> {
                    inputs.add(new FeedInput(name, per));
                    batchElements.put(name, per * calibrationBatch);
                });
                buffers = new CudaBuffers(batchElements);
                CalibrationFeed feed = calibration.map(d -> new CalibrationFeed(d, inputs, calibrationBatch))
                        .orElse(null);
                callbacks = new CalibratorCallbacks(feed, buffers, store);
                IInt8Calibrator calibrator = switch (options.calibrator()) {
                    case MIN_MAX_CALIBRATION -> new MinMaxCalibratorBridge(callbacks);
                    default -> new EntropyCalibrator2Bridge(callbacks);
                };
                handles.push(calibrator);
                config.setInt8Calibrator(calibrator);
                if (profile != null) {
                    config.setCalibrationProfile(profile);
                }
            }
            IHostMemory plan = builder.buildSerializedNetwork(network, config);
            if (callbacks != null) {
                callbacks.rethrow();
            }
            if (plan == null || plan.isNull() || plan.size() == 0) {
                String errors = logger.errors();
                throw new TensorRtException("TensorRT could not build an engine from " + onnx + " (" + options + ")"
                        + (errors.isEmpty() ? "" : ": " + errors));
            }
            int batches = callbacks == null ? 0 : callbacks.batchesFed();
            LOG.info("Built a TensorRT engine of {} bytes from {} ({}, {} calibration batches)", plan.size(), onnx,
                    options, batches);
            // asByteBuffer spans position to limit: both set, as the pointer comes from native code without them.
            return new SerializedEngine(plan, plan.data().position(0).limit(plan.size()).asByteBuffer(), batches);
        } finally {
            if (callbacks != null) {
                callbacks.close();
            }
            if (buffers != null) {
                buffers.close();
            }
            while (!handles.isEmpty()) {
                TensorRtRuntime.close(handles.pop());
            }
            logger.close();
        }
    }

    private static <P extends Pointer> P keep(Deque<Pointer> handles, P p, String what, TrtLogger logger) {
        if (p == null || p.isNull()) {
            String errors = logger.errors();
            throw new TensorRtException("TensorRT failed to " + what + (errors.isEmpty() ? "" : ": " + errors));
        }
        handles.push(p);
        return p;
    }

    /**
     * Records each input's elements per sample and, in {@code fixedBatch[0]}, a fixed batch
     * dimension; when an input's batch dimension is dynamic, a profile from batch 1 to
     * {@code batch} (other dimensions must be static).
     */
    private static IOptimizationProfile batchProfile(IBuilder builder, INetworkDefinition network, int batch,
            Map<String, Long> sampleElements, long[] fixedBatch) {
        IOptimizationProfile profile = null;
        for (int i = 0; i < network.getNbInputs(); i++) {
            ITensor input = network.getInput(i);
            String name = input.getName();
            Dims64 dims = input.getDimensions();
            long per = 1;
            for (int d = 1; d < dims.nbDims(); d++) {
                if (dims.d(d) < 0) {
                    throw new ModelException("Input '" + name + "' has a dynamic dimension " + d + "; the TensorRT"
                            + " backend takes a dynamic batch dimension only: export the model with static sizes");
                }
                per *= dims.d(d);
            }
            sampleElements.put(name, per);
            if (dims.nbDims() > 0 && dims.d(0) < 0) {
                if (profile == null) {
                    profile = builder.createOptimizationProfile();
                }
                profile.setDimensions(name, OptProfileSelector.kMIN, withBatch(dims, 1));
                profile.setDimensions(name, OptProfileSelector.kOPT, withBatch(dims, batch));
                profile.setDimensions(name, OptProfileSelector.kMAX, withBatch(dims, batch));
            } else if (dims.nbDims() > 0) {
                fixedBatch[0] = dims.d(0);
                if (dims.d(0) != batch) {
                    LOG.info("Input '{}' has a fixed batch of {}; calibration batches follow the model", name,
                            dims.d(0));
                }
            }
        }
        return profile;
    }

    static Dims64 withBatch(Dims64 dims, long batch) {
        Dims64 out = new Dims64();
        out.nbDims(dims.nbDims());
        for (int d = 0; d < dims.nbDims(); d++) {
            out.d(d, d == 0 ? batch : dims.d(d));
        }
        return out;
    }

    private static void applyLayerPrecisions(INetworkDefinition network, IBuilderConfig config,
            Map<String, LayerPrecision> wanted) {
        if (wanted.isEmpty()) {
            return;
        }
        Map<String, ILayer> layers = new LinkedHashMap<>();
        for (int i = 0; i < network.getNbLayers(); i++) {
            ILayer layer = network.getLayer(i);
            layers.put(layer.getName(), layer);
        }
        for (Map.Entry<String, LayerPrecision> e : wanted.entrySet()) {
            ILayer layer = layers.get(e.getKey());
            if (layer == null) {
                throw new InvalidInputException("The network has no layer '" + e.getKey() + "' to set a precision on;"
                        + " layers are named after the ONNX nodes, e.g. " + layers.keySet().stream().limit(5).toList());
            }
            DataType type = switch (e.getValue()) {
                case FP16 -> DataType.kHALF;
                case INT8 -> DataType.kINT8;
                default -> DataType.kFLOAT;
            };
            layer.setPrecision(type);
            for (int o = 0; o < layer.getNbOutputs(); o++) {
                layer.setOutputType(o, type);
            }
        }
        config.setFlag(BuilderFlag.kOBEY_PRECISION_CONSTRAINTS);
    }

    private static String parserErrors(IParser parser) {
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < parser.getNbErrors(); i++) {
            IParserError e = parser.getError(i);
            String node = e.nodeName();
            errors.add((node == null || node.isEmpty() ? "" : "node " + node + " (" + e.nodeOperator() + "): ")
                    + e.desc());
        }
        return errors.isEmpty() ? "no error text" : String.join("; ", errors);
    }
}
