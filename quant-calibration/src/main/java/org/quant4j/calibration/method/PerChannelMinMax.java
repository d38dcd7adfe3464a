package org.quant4j.calibration.method;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.quant4j.api.ChannelRanges;
import org.quant4j.api.InvalidInputException;

/**
 * Per-channel minima and maxima of a weight tensor stored row-major (C order), the ranges of
 * per-channel weight quantization.
 */
public final class PerChannelMinMax {

    private PerChannelMinMax() {
    }

    /**
     * The range of each channel along {@code axis}.
     *
     * @param data      the tensor's values, row-major
     * @param shape     its dimensions, each at least 1, whose product is {@code data.length}
     * @param axis      the channel axis; a negative axis counts from the end, as in ONNX and numpy
     * @param symmetric {@code [-amax, amax]} per channel instead of {@code [min, max]}
     * @throws InvalidInputException for a bad shape or axis, or a NaN/infinite value (naming the
     *                               channel and the flat index)
     */
    public static ChannelRanges compute(float[] data, int[] shape, int axis, boolean symmetric) {
        return compute(FloatBuffer.wrap(Objects.requireNonNull(data, "data")), shape, axis, symmetric);
    }

    /**
     * The range of each channel along {@code axis}, read from the {@code remaining()} values of
     * {@code data} from its position (not moved), as {@link #compute(float[], int[], int, boolean)}
     * does: a read-only view of a weight is read in place, never copied.
     */
    public static ChannelRanges compute(FloatBuffer data, int[] shape, int axis, boolean symmetric) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(shape, "shape");
        FloatBuffer values = data.slice();
        int rank = shape.length;
        if (rank == 0) {
            throw new InvalidInputException("Per-channel ranges need a tensor of rank >= 1, got a scalar shape []");
        }
        if (axis < -rank || axis >= rank) {
            throw new InvalidInputException("Channel axis " + axis + " is outside [" + -rank + ", " + (rank - 1)
                    + "] for shape " + Arrays.toString(shape));
        }
        int a = axis < 0 ? axis + rank : axis;
        long size = 1;
        for (int d = 0; d < rank; d++) {
            if (shape[d] < 1) {
                throw new InvalidInputException("Dimension " + d + " of shape " + Arrays.toString(shape)
                        + " is " + shape[d] + ": every dimension must be >= 1 to give each channel values");
            }
            size *= shape[d];
        }
        if (size != values.remaining()) {
            throw new InvalidInputException("Shape " + Arrays.toString(shape) + " holds " + size
                    + " values but the data has " + values.remaining() + ": pass the tensor's own shape");
        }
        int channels = shape[a];
        long innerLong = 1;
        for (int d = a + 1; d < rank; d++) {
            innerLong *= shape[d];
        }
        int inner = (int) innerLong;
        int outer = (int) (size / ((long) channels * inner));
        double[] mins = new double[channels];
        double[] maxs = new double[channels];
        Arrays.fill(mins, Double.POSITIVE_INFINITY);
        Arrays.fill(maxs, Double.NEGATIVE_INFINITY);
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                int base = (o * channels + c) * inner;
                float min = Float.POSITIVE_INFINITY;
                float max = Float.NEGATIVE_INFINITY;
                for (int r = base; r < base + inner; r++) {
                    float v = values.get(r);
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                if (!(min >= -Float.MAX_VALUE && max <= Float.MAX_VALUE)) {
                    throw nonFinite(values, base, inner, c, shape, a);
                }
                // Adding +0.0 reports -0.0 as 0.0.
                mins[c] = Math.min(mins[c], min + 0.0);
                maxs[c] = Math.max(maxs[c], max + 0.0);
            }
        }
        if (symmetric) {
            for (int c = 0; c < channels; c++) {
                double amax = Math.max(Math.abs(mins[c]), Math.abs(maxs[c]));
                mins[c] = -amax;
                maxs[c] = amax;
            }
        }
        return new ChannelRanges(a, mins, maxs);
    }

    private static InvalidInputException nonFinite(FloatBuffer data, int base, int inner, int channel, int[] shape,
            int axis) {
        for (int r = base; r < base + inner; r++) {
            if (!Float.isFinite(data.get(r))) {
                return new InvalidInputException("Weight value " + data.get(r) + " at flat index " + r + " (channel "
                        + channel + " of axis " + axis + ", shape " + Arrays.toString(shape)
                        + ") is not finite: weights must be finite to be quantized; check the model file");
            }
        }
        throw new IllegalStateException("no non-finite value in channel " + channel);
    }
}
