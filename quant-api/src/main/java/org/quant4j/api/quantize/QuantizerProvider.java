package org.quant4j.api.quantize;

import org.quant4j.api.QuantizationMode;
import org.quant4j.api.provider.NamedProvider;

/** Makes {@link Quantizer}s for one backend; listed in {@code META-INF/services}. */
public interface QuantizerProvider extends NamedProvider {

    /**
     * Version of the backend's own runtime, for provenance (e.g. the ONNX Runtime version).
     *
     * @return the version text, e.g. {@code 1.22.0}
     */
    String backendVersion();

    /**
     * The data the quantizer needs to make a model in {@code mode}, so callers pass the right data
     * without knowing the backend. A mode the quantizer does not make declares {@link DataNeed#NONE}
     * (its quantizer rejects the mode with its own error). {@link QuantizationMode#STATIC} always
     * needs some data: a static model's activation ranges come from it.
     *
     * @param mode the quantization mode asked for
     * @return what data the quantizer needs for it
     */
    DataNeed dataNeed(QuantizationMode mode);

    /**
     * The file extension of what the quantizer writes, for default output names: {@code .onnx}
     * unless the backend writes another format (a TensorRT engine is {@code .engine}).
     *
     * @return the extension with its leading dot
     */
    default String outputExtension() {
        return ".onnx";
    }

    /**
     * A new quantizer; natives are loaded here at the latest, never when the provider is instantiated.
     *
     * @return a fresh quantizer; the caller closes it
     */
    Quantizer create();
}
