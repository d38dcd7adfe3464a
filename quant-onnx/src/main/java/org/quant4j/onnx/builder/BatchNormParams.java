package org.quant4j.onnx.builder;

import java.util.Objects;
import org.quant4j.onnx.graph.FloatTensor;

/**
 * The four per-channel tensors of a BatchNormalization node: scale (gamma), bias (beta), running
 * mean and running variance, each of shape {@code [C]}.
 */
public record BatchNormParams(FloatTensor scale, FloatTensor bias, FloatTensor mean, FloatTensor variance) {

    public BatchNormParams {
        Objects.requireNonNull(scale, "scale");
        Objects.requireNonNull(bias, "bias");
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(variance, "variance");
        for (FloatTensor t : new FloatTensor[] {scale, bias, mean, variance}) {
            if (t.rank() != 1 || t.dim(0) != scale.size()) {
                throw new IllegalArgumentException("Batch-norm scale, bias, mean and variance must all have shape ["
                        + scale.size() + "], got " + t);
            }
        }
        for (int c = 0; c < variance.size(); c++) {
            if (!(variance.get(c) >= 0)) {
                throw new IllegalArgumentException("Batch-norm variance must be >= 0, got " + variance.get(c)
                        + " for channel " + c);
            }
        }
    }

    /** Number of channels. */
    public int channels() {
        return scale.size();
    }
}
