package org.quant4j.qat.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Squeeze-and-excitation (Hu et al. 2018) as in EfficientNet: global average pool, 1x1 convolution
 * to {@code squeezeChannels} with bias, SiLU, 1x1 convolution back to {@code channels} with bias,
 * sigmoid, and the input scaled channel by channel by the result.
 */
public final class SqueezeExcitation extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int channels;
    private final int squeezeChannels;
    private final Conv2d reduce;
    private final Conv2d expand;

    /** An SE block over {@code channels} channels with a bottleneck of {@code squeezeChannels}. */
    public SqueezeExcitation(int channels, int squeezeChannels) {
        super(VERSION);
        if (channels < 1 || squeezeChannels < 1) {
            throw new IllegalArgumentException("Squeeze-and-excitation needs >= 1 channel and squeeze channel, got "
                    + channels + " and " + squeezeChannels);
        }
        this.channels = channels;
        this.squeezeChannels = squeezeChannels;
        this.reduce = addChildBlock("reduce", Conv2d.builder().setKernelShape(new Shape(1, 1))
                .setFilters(squeezeChannels).build());
        this.expand = addChildBlock("expand", Conv2d.builder().setKernelShape(new Shape(1, 1))
                .setFilters(channels).build());
    }

    /** Channels of the input and output. */
    public int channels() {
        return channels;
    }

    /** Channels of the bottleneck. */
    public int squeezeChannels() {
        return squeezeChannels;
    }

    /** The 1x1 convolution to the bottleneck. */
    public Conv2d reduce() {
        return reduce;
    }

    /** The 1x1 convolution back to {@link #channels()}. */
    public Conv2d expand() {
        return expand;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray s = FunctionLayer.globalAveragePool(x);
        s = reduce.forward(parameterStore, new NDList(s), training, params).singletonOrThrow();
        s = s.mul(Activation.sigmoid(s));
        s = expand.forward(parameterStore, new NDList(s), training, params).singletonOrThrow();
        return new NDList(x.mul(Activation.sigmoid(s)));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long n = inputShapes[0].get(0);
        reduce.initialize(manager, dataType, new Shape(n, channels, 1, 1));
        expand.initialize(manager, dataType, new Shape(n, squeezeChannels, 1, 1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        if (inputs[0].dimension() != 4 || inputs[0].get(1) != channels) {
            throw new IllegalArgumentException("Squeeze-and-excitation over " + channels + " channels got input "
                    + inputs[0] + "; expected [N, " + channels + ", H, W]");
        }
        return new Shape[] {inputs[0]};
    }
}
