package org.quant4j.qat.model;

/**
 * One stage of an EfficientNet: {@code repeats} MBConv blocks of {@code channels} output channels;
 * the first block has stride {@code stride}, the others 1.
 *
 * @param expandRatio hidden channels over input channels of the 1x1 expansion (1 skips it)
 * @param kernel      size of the depthwise kernel (odd)
 * @param stride      stride of the first block's depthwise convolution
 * @param channels    output channels
 * @param repeats     number of blocks
 */
public record MbConvStage(int expandRatio, int kernel, int stride, int channels, int repeats) {

    public MbConvStage {
        Layers.requirePositive("Expansion ratio", expandRatio);
        Layers.requirePositive("Stride", stride);
        Layers.requirePositive("Channels", channels);
        Layers.requirePositive("Repeats", repeats);
        if (kernel < 1 || kernel % 2 == 0) {
            throw new IllegalArgumentException("The depthwise kernel must be odd and >= 1, got " + kernel);
        }
    }
}
