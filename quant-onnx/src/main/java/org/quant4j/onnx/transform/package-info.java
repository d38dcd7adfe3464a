/**
 * Rewrites that prepare a float graph for quantization without changing its outputs: Constant nodes
 * into initializers, evaluation of constant subgraphs, BatchNormalization folding into Conv and Gemm,
 * and Dropout and Identity removal. Each reports a decision per node.
 */
package org.quant4j.onnx.transform;
