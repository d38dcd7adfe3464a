package org.quant4j.onnxruntime.runtime;

/** How much ONNX Runtime rewrites a graph before running it (its graph optimisation levels). */
public enum OptimizationLevel {
    /** No rewriting: the graph runs as written. */
    DISABLED,
    /** Semantics-preserving rewrites such as constant folding and Conv-BatchNormalization fusion. */
    BASIC,
    /** Also fusions into contrib ops (e.g. Conv+Relu to com.microsoft FusedConv, QDQ groups to QLinear ops). */
    EXTENDED,
    /** Also layout changes (e.g. NCHWc on x86). */
    LAYOUT,
    /** Everything ONNX Runtime offers. */
    ALL
}
