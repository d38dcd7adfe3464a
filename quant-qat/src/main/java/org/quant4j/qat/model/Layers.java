package org.quant4j.qat.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;

/** Convolution and batch-norm factories shared by the families; every batch norm uses {@link Architecture#BATCH_NORM_EPSILON}. */
final class Layers {

    private Layers() {
    }

    /** A square {@code kernel x kernel} convolution with "same" padding for odd kernels. */
    static Conv2d conv(int filters, int kernel, int stride, int groups, boolean bias) {
        int pad = kernel / 2;
        return Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).setFilters(filters)
                .optStride(new Shape(stride, stride)).optPadding(new Shape(pad, pad)).optGroups(groups)
                .optBias(bias).build();
    }

    static BatchNorm batchNorm() {
        return BatchNorm.builder().optEpsilon(Architecture.BATCH_NORM_EPSILON).build();
    }

    /** Convolution without bias, then batch norm, then {@code activation} unless it is null. */
    static SequentialBlock convBn(int filters, int kernel, int stride, int groups, Block activation) {
        SequentialBlock b = new SequentialBlock().add(conv(filters, kernel, stride, groups, false)).add(batchNorm());
        return activation == null ? b : b.add(activation);
    }

    static void requireDropout(float rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("Dropout rate must be in [0, 1), got " + rate);
        }
    }

    static void requirePositive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + value);
        }
    }
}
