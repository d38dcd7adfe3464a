package org.quant4j.onnx.builder;

import java.util.Arrays;

/**
 * Strides, pads, dilations and group of a 2-D convolution. The kernel shape comes from the weights.
 *
 * @param strides   stride per spatial axis
 * @param pads      ONNX pads: begin of each spatial axis, then end of each
 * @param dilations dilation per spatial axis
 * @param group     number of groups; input and output channels must both be divisible by it
 */
public record ConvOptions(long[] strides, long[] pads, long[] dilations, int group) {

    /** Stride 1, no padding, no dilation, one group. */
    public static final ConvOptions DEFAULT = new ConvOptions(new long[] {1, 1}, new long[] {0, 0, 0, 0},
            new long[] {1, 1}, 1);

    public ConvOptions {
        strides = strides.clone();
        pads = pads.clone();
        dilations = dilations.clone();
        if (pads.length != 2 * strides.length || dilations.length != strides.length) {
            throw new IllegalArgumentException("Need one stride and dilation per spatial axis and two pads per axis, got"
                    + " strides " + Arrays.toString(strides) + ", pads " + Arrays.toString(pads) + ", dilations "
                    + Arrays.toString(dilations));
        }
        if (group < 1) {
            throw new IllegalArgumentException("Group must be >= 1, got " + group);
        }
        for (long v : strides) {
            if (v < 1) {
                throw new IllegalArgumentException("Strides must be >= 1, got " + Arrays.toString(strides));
            }
        }
        for (long v : dilations) {
            if (v < 1) {
                throw new IllegalArgumentException("Dilations must be >= 1, got " + Arrays.toString(dilations));
            }
        }
        for (long v : pads) {
            if (v < 0) {
                throw new IllegalArgumentException("Pads must be >= 0, got " + Arrays.toString(pads));
            }
        }
    }

    /** Square 2-D stride and symmetric padding, no dilation, one group. */
    public static ConvOptions of(int stride, int pad) {
        return DEFAULT.withStride(stride).withPad(pad);
    }

    /** The same stride on both spatial axes. */
    public ConvOptions withStride(int stride) {
        return new ConvOptions(new long[] {stride, stride}, pads, dilations, group);
    }

    /** The same padding on every side. */
    public ConvOptions withPad(int pad) {
        return new ConvOptions(strides, new long[] {pad, pad, pad, pad}, dilations, group);
    }

    public ConvOptions withDilation(int dilation) {
        return new ConvOptions(strides, pads, new long[] {dilation, dilation}, group);
    }

    public ConvOptions withGroup(int newGroup) {
        return new ConvOptions(strides, pads, dilations, newGroup);
    }

    @Override
    public long[] strides() {
        return strides.clone();
    }

    @Override
    public long[] pads() {
        return pads.clone();
    }

    @Override
    public long[] dilations() {
        return dilations.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvOptions c && group == c.group && Arrays.equals(strides, c.strides)
                && Arrays.equals(pads, c.pads) && Arrays.equals(dilations, c.dilations);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Arrays.hashCode(strides) + Arrays.hashCode(pads)) + Arrays.hashCode(dilations)) + group;
    }

    @Override
    public String toString() {
        return "ConvOptions[strides=" + Arrays.toString(strides) + ", pads=" + Arrays.toString(pads) + ", dilations="
                + Arrays.toString(dilations) + ", group=" + group + "]";
    }
}
