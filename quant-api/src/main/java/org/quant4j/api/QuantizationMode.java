package org.quant4j.api;

/** What a quantizer produces. */
public enum QuantizationMode {
    /** Calibrated activations and weights, QuantizeLinear/DequantizeLinear around each quantized op. */
    STATIC,
    /** Int8 weights, activations quantized at run time from their observed range. */
    DYNAMIC,
    /** Weights and compute in half precision. */
    FP16
}
