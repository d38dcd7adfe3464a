package org.quant4j.tensorrt.engine;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.tensorrt.nvinfer.IInt8EntropyCalibrator2;

/** TensorRT's {@code IInt8EntropyCalibrator2}, calling back into {@link CalibratorCallbacks}. */
final class EntropyCalibrator2Bridge extends IInt8EntropyCalibrator2 {

    private final CalibratorCallbacks callbacks;

    EntropyCalibrator2Bridge(CalibratorCallbacks callbacks) {
        this.callbacks = callbacks;
    }

    @Override
    public int getBatchSize() {
        return callbacks.batchSize();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean getBatch(PointerPointer bindings, PointerPointer names, int nbBindings) {
        return callbacks.getBatch(bindings, names, nbBindings);
    }

    @Override
    public Pointer readCalibrationCache(LongPointer length) {
        return callbacks.readCache(length);
    }

    @Override
    public void writeCalibrationCache(Pointer ptr, long length) {
        callbacks.writeCache(ptr, length);
    }
}
