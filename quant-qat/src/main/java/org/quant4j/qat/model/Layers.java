package org.quant4j.qat.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;

/** Convolution and batch-norm factories shared by the families; every batch norm uses {@link #BN_EPSILON}. */
final class Layers {

    /**
     * Epsilon of every batch norm. DJL's {@code BatchNorm} does not expose its epsilon, so the
     * exporter writes this value; it is DJL's (and PyTorch's) default.
     */
    static final float BN_EPSILON = 1e-5f;

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
        return BatchNorm.builder().optEpsilon(BN_EPSILON).build();
    }

    /** Convolution without bias, then batch norm, then {@code activation} unless it is null. */
    static SequentialBlock convBn(int filters, int kernel, int stride, int groups, Block activation) {
        SequentialBlock b = new SequentialBlock().add(conv(filters, kernel, stride, groups, false)).add(batchNorm());
        return activation == null ? b : b.add(activation);
    }

    static void requirePositive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + value);
        }
    }
}
