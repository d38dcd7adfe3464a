package org.quant4j.onnx.saturation;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.TensorProtos;
import org.quant4j.onnx.quantize.Int16Pairing;

/**
 * A Conv, Gemm or MatMul of a QDQ model whose input is a dequantized uint8 tensor and whose weight
 * a dequantized int8 initializer: its weights laid out per output channel along the reduction
 * axis K in the order ONNX Runtime's kernels read them ({@link Int16Pairing}), so that elements
 * {@code (2j, 2j + 1)} form the pairs that AVX2 adds in int16.
 *
 * @param node          the node's name
 * @param opType        Conv, Gemm or MatMul
 * @param input         the uint8 tensor read by the input's DequantizeLinear (or MatMulInteger); null when
 *                      the layer is analysed from its weights only (DynamicQuantizeLSTM, whose uint8 input
 *                      is internal to the node; 1-D and 3-D Conv)
 * @param inputZeroPoint its zero point (the value Conv pads with)
 * @param weights       int8 levels, {@code channels x k}, row-major, in kernel order (a byte each, not an int:
 *                      the analysis of a large model's weights allocates their size, not four times it)
 * @param channels      output channels
 * @param k             length of the reduction
 * @param pairsInInt16  false for depthwise convolutions, which ONNX Runtime runs on a kernel that adds in int32
 * @param conv          the geometry of a convolution; null for Gemm and MatMul
 * @param transA        Gemm's transA
 */
record QuantizedLayer(String node, String opType, String input, int inputZeroPoint, byte[] weights, int channels,
        int k, boolean pairsInInt16, ConvGeometry conv, boolean transA) {

    /** Kernel size, strides, pads, dilations and groups of a 2-D convolution. */
    record ConvGeometry(int group, int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft,
            int padBottom, int padRight, int dilationH, int dilationW, String autoPad) {
    }

    /**
     * The layer {@code n} is, or empty when it is not a uint8 x int8 Conv/Gemm/MatMul of a QDQ graph,
     * nor a dynamic one ({@code MatMulInteger} with a constant int8 weight, whose uint8 input comes
     * from {@code DynamicQuantizeLinear}; {@code DynamicQuantizeLSTM}, whose weights alone are read).
     */
    static Optional<QuantizedLayer> of(Graph graph, Node n) {
        if (n.opType().equals("MatMulInteger") || n.opType().equals("DynamicQuantizeLSTM")) {
            return dynamic(graph, n);
        }
        if (!n.is("Conv") && !n.is("Gemm") && !n.is("MatMul")) {
            return Optional.empty();
        }
        Optional<Node> dqA = graph.producer(n.input(0)).filter(p -> p.is("DequantizeLinear"));
        Optional<Node> dqW = graph.producer(n.input(1)).filter(p -> p.is("DequantizeLinear"));
        if (dqA.isEmpty() || dqW.isEmpty()) {
            return Optional.empty();
        }
        Optional<TensorProto> w = graph.initializer(dqW.get().input(0));
        Optional<TensorProto> zpA = dqA.get().inputs().size() > 2 ? graph.initializer(dqA.get().input(2))
                : Optional.empty();
        if (w.isEmpty() || w.get().getDataType() != TensorProto.DataType.INT8_VALUE
                || zpA.isEmpty() || zpA.get().getDataType() != TensorProto.DataType.UINT8_VALUE) {
            return Optional.empty();
        }
        int zeroPoint = TensorProtos.toInts(zpA.get())[0];
        ByteBuffer values = TensorProtos.toInt8Buffer(w.get());
        long[] dims = TensorProtos.dims(w.get());
        String input = dqA.get().input(0);
        if (n.is("Conv")) {
            if (dims.length < 3) {
                return Optional.empty();
            }
            if (dims.length != 4) {
                // 1-D or 3-D: its weights are read; the data observation handles 2-D convolutions only.
                boolean depthwise = Int16Pairing.depthwise(n.intAttribute("group", 1), dims);
                return Optional.of(new QuantizedLayer(n.name(), n.opType(), null, zeroPoint,
                        Int16Pairing.CONV.ordered(values, dims), (int) dims[0], Int16Pairing.CONV.k(dims), !depthwise,
                        null, false));
            }
            int m = (int) dims[0];
            int cg = (int) dims[1];
            int kh = (int) dims[2];
            int kw = (int) dims[3];
            int group = (int) n.intAttribute("group", 1);
            int k = Int16Pairing.CONV.k(dims);
            byte[] ordered = Int16Pairing.CONV.ordered(values, dims);
            long[] strides = n.intsAttribute("strides").orElse(new long[] {1, 1});
            long[] pads = n.intsAttribute("pads").orElse(new long[] {0, 0, 0, 0});
            long[] dilations = n.intsAttribute("dilations").orElse(new long[] {1, 1});
            ConvGeometry g = new ConvGeometry(group, kh, kw, (int) strides[0], (int) strides[1], (int) pads[0],
                    (int) pads[1], (int) pads[2], (int) pads[3], (int) dilations[0], (int) dilations[1],
                    n.stringAttribute("auto_pad", "NOTSET"));
            boolean depthwise = Int16Pairing.depthwise(group, dims);
            return Optional.of(new QuantizedLayer(n.name(), n.opType(), input, zeroPoint, ordered, m, k, !depthwise, g,
                    false));
        }
        if (dims.length != 2) {
            return Optional.empty();
        }
        Int16Pairing pairing = n.is("Gemm") && n.intAttribute("transB", 0) != 0 ? Int16Pairing.ROWS
                : Int16Pairing.COLUMNS;
        int k = pairing.k(dims);
        int cols = pairing.channels(dims);
        byte[] ordered = pairing.ordered(values, dims);
        boolean transA = n.is("Gemm") && n.intAttribute("transA", 0) != 0;
        return Optional.of(new QuantizedLayer(n.name(), n.opType(), input, zeroPoint, ordered, cols, k, true, null,
                transA));
    }

    private static Optional<QuantizedLayer> dynamic(Graph graph, Node n) {
        boolean lstm = n.opType().equals("DynamicQuantizeLSTM");
        Optional<TensorProto> w = n.inputs().size() > 1 ? graph.initializer(n.input(1)) : Optional.empty();
        if (w.isEmpty() || w.get().getDataType() != TensorProto.DataType.INT8_VALUE) {
            return Optional.empty();
        }
        ByteBuffer values = TensorProtos.toInt8Buffer(w.get());
        long[] dims = TensorProtos.dims(w.get());
        if (!lstm) {
            if (dims.length != 2) {
                return Optional.empty();
            }
            // The activation's zero point is chosen per run by DynamicQuantizeLinear: 0 stands in for it.
            return Optional.of(new QuantizedLayer(n.name(), n.opType(), n.input(0), 0,
                    Int16Pairing.COLUMNS.ordered(values, dims), (int) dims[1], (int) dims[0], true, null, false));
        }
        if (dims.length != 3) {
            return Optional.empty();
        }
        // W of DynamicQuantizeLSTM is [directions, input, 4 * hidden]: each direction a [K, channels] matrix.
        long[] one = {dims[1], dims[2]};
        int block = (int) (dims[1] * dims[2]);
        byte[] ordered = new byte[values.remaining()];
        for (int d = 0; d < dims[0]; d++) {
            byte[] part = Int16Pairing.COLUMNS.ordered(values.slice(d * block, block), one);
            System.arraycopy(part, 0, ordered, d * block, block);
        }
        return Optional.of(new QuantizedLayer(n.name(), n.opType(), null, 0, ordered, (int) (dims[0] * dims[2]),
                (int) dims[1], true, null, false));
    }

    /** The worst pair sum over all uint8 inputs, per channel. */
    int[] worstPairSums() {
        int[] worst = new int[channels];
        for (int c = 0; c < channels; c++) {
            int base = c * k;
            for (int i = 0; i < k; i += 2) {
                int w2 = i + 1 < k ? weights[base + i + 1] : 0;
                worst[c] = Math.max(worst[c], PairedInt16Dot.worstPairSum(weights[base + i], w2));
            }
        }
        return worst;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantizedLayer l && node.equals(l.node) && Arrays.equals(weights, l.weights);
    }

    @Override
    public int hashCode() {
        return node.hashCode();
    }

    @Override
    public String toString() {
        return "QuantizedLayer[" + opType + " " + node + ", " + channels + " channels, K=" + k + "]";
    }
}
