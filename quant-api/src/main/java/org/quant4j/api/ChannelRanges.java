package org.quant4j.api;

import java.util.Arrays;

/** Per-channel ranges of a tensor along {@code axis}: channel {@code c} spans {@code [mins[c], maxs[c]]}. */
public record ChannelRanges(int axis, double[] mins, double[] maxs) {

    /**
     * Checks the ranges and copies the arrays.
     *
     * @param axis the channel axis of the tensor, &gt;= 0
     * @param mins the lowest value of each channel
     * @param maxs the highest value of each channel, as many as {@code mins}
     * @throws IllegalArgumentException when the axis is negative or the arrays are empty or differ in length
     * @throws CalibrationException when a channel's bounds are not finite or out of order
     */
    public ChannelRanges {
        if (axis < 0) {
            throw new IllegalArgumentException("Channel axis must be >= 0, got " + axis);
        }
        if (mins.length != maxs.length || mins.length == 0) {
            throw new IllegalArgumentException("Need the same, non-zero number of channel minima and maxima, got "
                    + mins.length + " and " + maxs.length);
        }
        mins = mins.clone();
        maxs = maxs.clone();
        for (int c = 0; c < mins.length; c++) {
            new TensorRange(mins[c], maxs[c]); // validates each channel
        }
    }

    /**
     * Number of channels.
     *
     * @return the channel count, &gt;= 1
     */
    public int channels() {
        return mins.length;
    }

    /**
     * The range of one channel.
     *
     * @param c the channel, from 0 to {@code channels() - 1}
     * @return its range
     */
    public TensorRange channel(int c) {
        return new TensorRange(mins[c], maxs[c]);
    }

    /**
     * The lowest value of each channel.
     *
     * @return a copy, one value per channel
     */
    @Override
    public double[] mins() {
        return mins.clone();
    }

    /**
     * The highest value of each channel.
     *
     * @return a copy, one value per channel
     */
    @Override
    public double[] maxs() {
        return maxs.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelRanges other && axis == other.axis
                && Arrays.equals(mins, other.mins) && Arrays.equals(maxs, other.maxs);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * axis + Arrays.hashCode(mins)) + Arrays.hashCode(maxs);
    }

    @Override
    public String toString() {
        return "ChannelRanges[axis=" + axis + ", channels=" + mins.length + "]";
    }
}
