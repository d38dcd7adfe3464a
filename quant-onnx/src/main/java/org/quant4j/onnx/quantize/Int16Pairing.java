package org.quant4j.onnx.quantize;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Optional;
import org.quant4j.api.ChannelRanges;
import org.quant4j.api.TensorRange;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;

/**
 * How ONNX Runtime's uint8 x int8 GEMM lays out a weight along its reduction axis K, for the
 * layers where it pairs products: on x86-64 with AVX2 but without VNNI, {@code vpmaddubsw} adds
 * the products of elements {@code (2j, 2j + 1)} of K in saturating int16. Conv and ConvTranspose
 * (but not depthwise), and Gemm, MatMul and LSTM with a constant weight, pair their products;
 * depthwise convolutions (one input and one output channel per group, a one-channel Conv too) run
 * on a kernel that adds in int32. This is the one place that knows it: the portable weight ranges,
 * QAT's simulation of them and the saturation analysis all read it. (The order was checked against
 * ONNX Runtime on an emulated AVX2-only CPU, see {@code SaturationAnalysisTest}.)
 */
public enum Int16Pairing {
    /**
     * A Conv weight {@code [M, C/group, k1, k2, ...]}: per output channel, K is the kernel positions
     * in row-major order, each with the input channels of the group innermost (ONNX Runtime's NHWC
     * im2col), so with an odd channel count pairs cross kernel positions.
     */
    CONV,
    /** A 2-D weight {@code [channels, K]} (Gemm with transB, the rows of an LSTM weight). */
    ROWS,
    /** A 2-D weight {@code [K, channels]} (MatMul, Gemm without transB). */
    COLUMNS,
    /**
     * Pairs products in an order not modelled here (ConvTranspose, a MatMul whose constant is its
     * first input or has more than two dimensions): only a bound that holds for every order helps,
     * 7-bit levels {@code [-64, 64]}.
     */
    ANY_ORDER;

    /**
     * How {@code n}'s constant {@code weight} is paired, or empty when its integer kernel does not
     * pair products in int16 (depthwise Conv) or it is not a layer with a weight.
     */
    public static Optional<Int16Pairing> of(Graph graph, Node n, String weight) {
        int rank = graph.shape(weight).map(d -> d.length).orElse(-1);
        boolean second = n.inputs().size() > 1 && n.input(1).equals(weight);
        return switch (n.opType()) {
            case "Conv" -> depthwise(graph, n) ? Optional.empty() : Optional.of(second && rank >= 3 ? CONV : ANY_ORDER);
            case "ConvTranspose" -> Optional.of(ANY_ORDER);
            case "Gemm" -> Optional.of(!second || rank != 2 ? ANY_ORDER : n.intAttribute("transB", 0) != 0 ? ROWS
                    : COLUMNS);
            case "MatMul" -> Optional.of(second && rank == 2 ? COLUMNS : ANY_ORDER);
            default -> Optional.empty();
        };
    }

    /**
     * True for a convolution of one input and one output channel per group, which ONNX Runtime runs
     * on its depthwise kernel; false when the weight's shape is unknown.
     */
    public static boolean depthwise(Graph graph, Node n) {
        Optional<long[]> shape = graph.shape(n.input(1));
        return n.is("Conv") && shape.isPresent() && depthwise(n.intAttribute("group", 1), shape.get());
    }

    /** True when a Conv weight {@code [M, C/group, kH, kW]} has one input and one output channel per group. */
    public static boolean depthwise(long group, long[] weightDims) {
        return weightDims.length >= 2 && weightDims[1] == 1 && weightDims[0] == group;
    }

    /** Output channels of a weight of shape {@code dims}. */
    public int channels(long[] dims) {
        requireOrder();
        return (int) (this == COLUMNS ? dims[1] : dims[0]);
    }

    private void requireOrder() {
        if (this == ANY_ORDER) {
            throw new IllegalStateException("The pairing order of ANY_ORDER is not known");
        }
    }

    /** Length of the reduction of one output channel. */
    public int k(long[] dims) {
        long total = 1;
        for (long d : dims) {
            total *= d;
        }
        return (int) (total / channels(dims));
    }

    /** Index in the weight's row-major data of element {@code i} of K of output channel {@code channel}. */
    public int index(long[] dims, int channel, int i) {
        return switch (this) {
            case CONV -> {
                int cg = (int) dims[1];
                int positions = k(dims) / cg;
                yield (channel * cg + i % cg) * positions + i / cg;
            }
            case ROWS -> channel * k(dims) + i;
            case COLUMNS -> i * channels(dims) + channel;
            case ANY_ORDER -> throw new IllegalStateException("The pairing order of ANY_ORDER is not known");
        };
    }

    /**
     * The int8 weight's values per output channel in K order: {@code [channels][K]}, row-major, read
     * from {@code values}' position on (not moved).
     */
    public byte[] ordered(ByteBuffer values, long[] dims) {
        ByteBuffer in = values.slice();
        int channels = channels(dims);
        int k = k(dims);
        byte[] out = new byte[channels * k];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < k; i++) {
                out[c * k + i] = in.get(index(dims, c, i));
            }
        }
        return out;
    }

    /**
     * {@code ranges} (symmetric, one per output channel) widened so that each channel's range is at
     * least {@link #largestPairSums its largest pair sum}: the portable weight ranges, as wide as
     * the weights need and no wider than the int16 pair sums allow.
     */
    public ChannelRanges limitPairSums(ChannelRanges ranges, float[] values, long[] dims) {
        return limitPairSums(ranges, FloatBuffer.wrap(values), dims);
    }

    /**
     * As {@link #limitPairSums(ChannelRanges, float[], long[])}, reading the weight from a buffer
     * (such as a read-only view of the tensor, {@code FloatTensor.values()}) in place.
     */
    public ChannelRanges limitPairSums(ChannelRanges ranges, FloatBuffer values, long[] dims) {
        double[] pairs = largestPairSums(values, dims);
        if (ranges.channels() != pairs.length) {
            throw new IllegalArgumentException("The weight has " + pairs.length + " output channels but "
                    + ranges.channels() + " ranges were given");
        }
        return widenTo(ranges, pairs);
    }

    /**
     * Each range made symmetric and at least {@code limits[c]} wide on either side ({@code limits[0]}
     * for every channel when it has one value).
     */
    public static ChannelRanges widenTo(ChannelRanges ranges, double[] limits) {
        double[] mins = ranges.mins();
        double[] maxs = ranges.maxs();
        for (int c = 0; c < mins.length; c++) {
            double amax = Math.max(Math.max(-mins[c], maxs[c]), limits.length == 1 ? limits[0] : limits[c]);
            mins[c] = -amax;
            maxs[c] = amax;
        }
        return new ChannelRanges(ranges.axis(), mins, maxs);
    }

    /** One symmetric range for the whole weight, widened as {@link #limitPairSums(ChannelRanges, float[], long[])} does. */
    public TensorRange limitPairSums(TensorRange range, FloatBuffer values, long[] dims) {
        double amax = Math.max(-range.min(), range.max());
        for (double p : largestPairSums(values, dims)) {
            amax = Math.max(amax, p);
        }
        return new TensorRange(-amax, amax);
    }

    /**
     * Per output channel, the largest sum over a pair {@code (2j, 2j + 1)} of K of its positive
     * elements, or of the magnitudes of its negative ones (an odd last element pairs with zero).
     * A symmetric int8 scale of at least this over 127 keeps every pair of levels within
     * {@code [-128, 128]} after rounding, so that {@code 255 * 128 = 32640} never leaves int16.
     */
    public double[] largestPairSums(float[] values, long[] dims) {
        return largestPairSums(FloatBuffer.wrap(values), dims);
    }

    /** As {@link #largestPairSums(float[], long[])}, reading the values from their buffer's position in place. */
    public double[] largestPairSums(FloatBuffer buffer, long[] dims) {
        requireOrder();
        FloatBuffer values = buffer.slice();
        int channels = channels(dims);
        int k = k(dims);
        double[] out = new double[channels];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < k; i += 2) {
                double a = values.get(index(dims, c, i));
                double b = i + 1 < k ? values.get(index(dims, c, i + 1)) : 0;
                double positive = Math.max(a, 0) + Math.max(b, 0);
                double negative = Math.max(-a, 0) + Math.max(-b, 0);
                out[c] = Math.max(out[c], Math.max(positive, negative));
            }
        }
        return out;
    }
}
