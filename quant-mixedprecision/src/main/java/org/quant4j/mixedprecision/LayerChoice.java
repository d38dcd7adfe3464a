package org.quant4j.mixedprecision;

import java.util.Arrays;
import java.util.Locale;

import org.quant4j.api.InvalidInputException;

/**
 * What one layer of a mixed-precision model runs in. On ONNX Runtime's CPU execution provider: its
 * integer kernels (QLinearConv, MatLinear and friends, fused from the QDQ groups) with weights per
 * output channel or per tensor, or float32. {@link #FP16} is offered only when the latency backend
 * runs float16 faster than float32 ({@code Evaluator#acceleratedPrecisions}, TensorRT): ONNX
 * Runtime's CPU provider runs most FP16 ops by casting to float32 and back, slower than float32.
 */
public enum LayerChoice {
    /** INT8 weights with one scale per output channel, uint8 activations (the default INT8). */
    INT8_PER_CHANNEL("int8-per-channel"),
    /** INT8 weights with one scale for the whole weight tensor. */
    INT8_PER_TENSOR("int8-per-tensor"),
    /** Float32: the layer is left out of quantization, with QuantizeLinear/DequantizeLinear around it. */
    FLOAT("float"),
    /**
     * Float16: the layer is left out of quantization and computed in float16 between {@code Cast}
     * nodes, its weights stored as float16 (quant-onnx's {@code Fp16Converter} on that layer alone).
     */
    FP16("fp16");

    private final String id;

    LayerChoice(String id) {
        this.id = id;
    }

    /**
     * The name in the assignment JSON.
     *
     * @return e.g. {@code int8-per-channel}
     */
    public String id() {
        return id;
    }

    /**
     * The choice named {@code id}.
     *
     * @param id a name as {@link #id()} gives it
     * @return the choice
     * @throws InvalidInputException for an unknown name
     */
    public static LayerChoice of(String id) {
        for (LayerChoice c : values()) {
            if (c.id.equals(id.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new InvalidInputException("Unknown layer choice '" + id + "': the choices are "
                + Arrays.stream(values()).map(LayerChoice::id).toList());
    }
}
