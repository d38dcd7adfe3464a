package org.quant4j.tensorrt.engine;

import java.nio.file.Path;
import org.bytedeco.tensorrt.global.nvinfer.LayerInformationFormat;
import org.bytedeco.tensorrt.nvinfer.IEngineInspector;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;
import org.quant4j.tensorrt.EngineFile;
import org.quant4j.tensorrt.TensorRtException;
import org.quant4j.tensorrt.TensorRtUnavailableException;
import org.quant4j.tensorrt.inspect.EngineLayers;

/**
 * The native half of inspecting an engine file: deserializes it, asks TensorRT's
 * {@code IEngineInspector} for {@code getEngineInformation(kJSON)} and hands the text to
 * {@link EngineLayers#parse}, which is the half tested without a GPU. Unlike {@link EngineRunner}
 * it allocates no buffers and takes engines of any input and output types.
 */
public final class EngineInspection {

    private EngineInspection() {
    }

    /**
     * The layers of the engine in {@code engineFile} and the precision each runs in. The file is
     * checked first ({@link EngineFile#check}), then TensorRT is required.
     *
     * @throws org.quant4j.api.InvalidInputException when the file is missing, empty or an ONNX model
     * @throws TensorRtUnavailableException naming what this machine lacks to run TensorRT
     */
    public static EngineLayers read(Path engineFile) {
        EngineFile.check(engineFile);
        TensorRtRuntime.require();
        try (DeserializedEngine plan = DeserializedEngine.read(engineFile)) {
            // The context makes the inspector report the formats of static-shape engines as they run;
            // an engine with dynamic shapes reports them only once its input shapes are set.
            IExecutionContext context = plan.engine.createExecutionContext();
            IEngineInspector inspector = plan.engine.createEngineInspector();
            try {
                if (inspector == null || inspector.isNull()) {
                    throw new TensorRtException("TensorRT could not create an engine inspector for " + engineFile
                            + ": " + plan.logger.errors());
                }
                if (context != null && !context.isNull()) {
                    inspector.setExecutionContext(context);
                }
                String json = inspector.getEngineInformation(LayerInformationFormat.kJSON);
                if (json == null || json.isBlank()) {
                    throw new TensorRtException("TensorRT gave no layer information for " + engineFile + " (built"
                            + " with ProfilingVerbosity kNONE?): rebuild it with detailed profiling verbosity, as"
                            + " quant4j quantize --backend tensorrt does");
                }
                return EngineLayers.parse(json);
            } finally {
                TensorRtRuntime.close(inspector);
                TensorRtRuntime.close(context);
            }
        }
    }
}
