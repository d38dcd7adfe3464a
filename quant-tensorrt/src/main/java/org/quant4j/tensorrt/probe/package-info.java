/**
 * Whether TensorRT can run on this machine, found without loading native code: every piece the
 * backend needs, found or missing with what to install ({@link org.quant4j.tensorrt.probe.TensorRtProbe}).
 */
package org.quant4j.tensorrt.probe;
