package org.quant4j.tensorrt;

/** How a TensorRT engine gets its precision. */
public enum EnginePrecision {
    /**
     * Explicit quantization: the ONNX model carries QuantizeLinear/DequantizeLinear pairs (as
     * quant4j's static quantizer writes them) and TensorRT runs INT8 where they say. TensorRT's
     * supported INT8 path; needs no data.
     */
    EXPLICIT_INT8,
    /**
     * Implicit (legacy) INT8: TensorRT calibrates the float model itself with an INT8 calibrator fed
     * from a dataset. Deprecated since TensorRT 10.1 and removed in TensorRT 11.
     */
    IMPLICIT_INT8,
    /** Float16 kernels where TensorRT finds them faster, float32 elsewhere. */
    FP16,
    /** Float32 only: the reference engine. */
    FP32
}
