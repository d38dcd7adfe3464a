/**
 * The GPU-free half of TensorRT's INT8 calibration: batching a quant4j dataset into device buffers
 * behind {@link org.quant4j.tensorrt.calibration.DeviceBuffers}, and the calibration cache in
 * quant4j's format.
 */
package org.quant4j.tensorrt.calibration;
