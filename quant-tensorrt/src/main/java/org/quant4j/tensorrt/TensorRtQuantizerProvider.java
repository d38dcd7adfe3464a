package org.quant4j.tensorrt;

import org.quant4j.api.QuantizationMode;
import org.quant4j.api.provider.Availability;
import org.quant4j.api.quantize.DataNeed;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.api.quantize.QuantizerProvider;
import org.quant4j.tensorrt.probe.TensorRtProbe;

/**
 * The {@code "tensorrt"} quantizer, found through {@code META-INF/services}. Instantiating it and
 * asking its availability load no native code: {@link TensorRtProbe} looks for every piece on the
 * class path and file system and names what is missing.
 */
public final class TensorRtQuantizerProvider implements QuantizerProvider {

    @Override
    public String name() {
        return TensorRtQuantizer.NAME;
    }

    @Override
    public Availability availability() {
        return TensorRtProbe.host().availability();
    }

    /** The TensorRT version of the presets this module is built against (no native code is loaded). */
    @Override
    public String backendVersion() {
        return TensorRtProbe.TENSORRT_PRESETS;
    }

    /**
     * Static INT8 calibrates a float model on samples (a Q/DQ model ignores them); FP16 needs none;
     * TensorRT has no dynamic quantization, so that mode needs nothing and is refused.
     */
    @Override
    public DataNeed dataNeed(QuantizationMode mode) {
        return mode == QuantizationMode.STATIC ? DataNeed.CALIBRATION_SAMPLES : DataNeed.NONE;
    }

    /** A serialized TensorRT engine, not an ONNX model. */
    @Override
    public String outputExtension() {
        return ".engine";
    }

    @Override
    public Quantizer create() {
        return new TensorRtQuantizer();
    }
}
