package org.quant4j.onnxruntime.quantize;

import ai.onnxruntime.OrtEnvironment;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.provider.Availability;
import org.quant4j.api.quantize.DataNeed;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.api.quantize.QuantizerProvider;
import org.quant4j.onnxruntime.runtime.OrtRuntime;

/**
 * The {@code "onnxruntime"} quantizer, found through {@code META-INF/services}. Instantiating it
 * loads no native code; {@link #availability()} loads ONNX Runtime on first call and reports a
 * failure as a reason instead of throwing.
 */
public final class OnnxRuntimeQuantizerProvider implements QuantizerProvider {

    @Override
    public String name() {
        return OnnxRuntimeQuantizer.NAME;
    }

    /** QDQ models run on every ONNX Runtime platform, so this is the default quantizer when present. */
    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability availability() {
        return OrtRuntime.availability();
    }

    /**
     * The ONNX Runtime version from the manifest of its jar (no native code is loaded), or from the
     * loaded runtime when the manifest does not say.
     */
    @Override
    public String backendVersion() {
        // A class literal loads the class without initialising it, so the native library stays unloaded.
        String version = OrtEnvironment.class.getPackage().getImplementationVersion();
        if (version != null && !version.isBlank()) {
            return version;
        }
        return OrtRuntime.availability().available() ? OrtRuntime.version() : "unknown";
    }

    /**
     * Static INT8 calibrates activation ranges on samples; FP16 uses samples when given (to keep nodes
     * whose values leave the float16 range in float32, and to check the result for inf/NaN); dynamic INT8
     * needs only the model.
     */
    @Override
    public DataNeed dataNeed(QuantizationMode mode) {
        return switch (mode) {
            case STATIC -> DataNeed.CALIBRATION_SAMPLES;
            case FP16 -> DataNeed.OPTIONAL_CALIBRATION_SAMPLES;
            case DYNAMIC -> DataNeed.NONE;
        };
    }

    @Override
    public Quantizer create() {
        OrtRuntime.environment();
        return new OnnxRuntimeQuantizer();
    }
}
