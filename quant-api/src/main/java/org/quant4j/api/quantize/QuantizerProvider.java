package org.quant4j.api.quantize;

import org.quant4j.api.provider.NamedProvider;

/** Makes {@link Quantizer}s for one backend; listed in {@code META-INF/services}. */
public interface QuantizerProvider extends NamedProvider {

    /** Version of the backend's own runtime, for provenance (e.g. the ONNX Runtime version). */
    String backendVersion();

    /** A new quantizer; natives are loaded here at the latest, never when the provider is instantiated. */
    Quantizer create();
}
