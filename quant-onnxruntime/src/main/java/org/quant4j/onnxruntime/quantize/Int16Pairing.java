package org.quant4j.onnxruntime.quantize;

import java.util.Optional;
import org.quant4j.onnxruntime.graph.Graph;
import org.quant4j.onnxruntime.graph.Node;

/**
 * Which quantized nodes ONNX Runtime runs with a uint8 x int8 GEMM that, on x86-64 without VNNI,
 * adds pairs of products in saturating int16 ({@code vpmaddubsw}): Conv and ConvTranspose other
 * than depthwise, and Gemm, MatMul and LSTM with a constant weight. Depthwise convolutions run on a
 * kernel that widens to int16 before it multiplies and adds in int32, so they cannot saturate.
 * This is the one place that knows it; the weight schemes of the portable kernel target and the
 * saturation analysis both read it.
 */
public final class Int16Pairing {

    private Int16Pairing() {
    }

    /**
     * True when {@code n}'s constant weight is read by a kernel that pairs uint8 x int8 products in
     * int16 on AVX2.
     */
    public static boolean pairsProducts(Graph graph, Node n) {
        return switch (n.opType()) {
            case "Conv", "ConvTranspose" -> !depthwise(graph, n);
            case "Gemm", "MatMul", "LSTM" -> true;
            default -> false;
        };
    }

    /**
     * True for a convolution of one input and one output channel per group, which ONNX Runtime runs
     * on its depthwise kernel (a one-channel Conv without groups too); false when the weight's shape
     * is unknown.
     */
    public static boolean depthwise(Graph graph, Node n) {
        long group = n.intAttribute("group", 1);
        if (!n.is("Conv")) {
            return false;
        }
        Optional<long[]> shape = graph.shape(n.input(1));
        return shape.isPresent() && depthwise(group, shape.get());
    }

    /** True when a Conv weight {@code [M, C/group, kH, kW]} has one input and one output channel per group. */
    public static boolean depthwise(long group, long[] weightDims) {
        return weightDims.length >= 2 && weightDims[1] == 1 && weightDims[0] == group;
    }
}
