/**
 * Running models on ONNX Runtime: a runner with shape checks, the operators the runtime really executes
 * after its optimisations, a latency meter, and the {@code onnxruntime} evaluator provider.
 */
package org.quant4j.onnxruntime.runtime;
