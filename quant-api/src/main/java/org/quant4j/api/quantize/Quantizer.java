package org.quant4j.api.quantize;

/**
 * Turns a float model into a quantized one. May hold native resources (a runtime environment), so
 * it is {@link AutoCloseable}; closing twice is harmless.
 */
public interface Quantizer extends AutoCloseable {

    /**
     * The provider name, e.g. {@code "onnxruntime"}.
     *
     * @return the provider name
     */
    String name();

    /**
     * Quantizes {@code request.model()} into {@code request.output()}. The input model is never
     * modified; the output is written atomically, so it is either complete or absent.
     *
     * @param request the model, output path, config and data
     * @return what was written and what was done to each node
     */
    QuantizationResult quantize(QuantizationRequest request);

    @Override
    void close();
}
