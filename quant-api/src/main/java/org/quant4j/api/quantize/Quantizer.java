package org.quant4j.api.quantize;

/**
 * Turns a float model into a quantized one. May hold native resources (a runtime environment), so
 * it is {@link AutoCloseable}; closing twice is harmless.
 */
public interface Quantizer extends AutoCloseable {

    /** The provider name, e.g. {@code "onnxruntime"}. */
    String name();

    /**
     * Quantizes {@code request.model()} into {@code request.output()}. The input model is never
     * modified; the output is written atomically, so it is either complete or absent.
     */
    QuantizationResult quantize(QuantizationRequest request);

    @Override
    void close();
}
