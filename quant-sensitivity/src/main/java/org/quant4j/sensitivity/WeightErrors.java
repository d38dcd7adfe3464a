package org.quant4j.sensitivity;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import ai.onnx.proto.OnnxMl.TensorProto;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.TensorProtos;

/**
 * The quantization error of each quantized weight, per channel, computed in Java from the float
 * weights and the int8 weights and scales the QDQ model stores (so a channel whose range was widened
 * for its bias to fit shows it): {@code 10 log10(sum w^2 / sum (w - scale * (q - zp))^2)} over the
 * channel's values, in dB ({@code +inf} when exact).
 */
final class WeightErrors {

    private WeightErrors() {
    }

    /** Per compute node of {@code int8} with a quantized weight: the SQNR of each output channel. */
    static Map<String, double[]> perChannel(Graph fp32, Graph int8) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Node node : int8.nodes()) {
            if (node.is("QuantizeLinear") || node.is("DequantizeLinear")) {
                continue;
            }
            Optional<Node> original = fp32.node(node.name());
            if (original.isEmpty() || original.get().inputs().size() != node.inputs().size()) {
                continue;
            }
            for (int i = 0; i < node.inputs().size(); i++) {
                String in = node.input(i);
                Optional<Node> dq = in.isEmpty() ? Optional.empty()
                        : int8.producer(in).filter(p -> p.is("DequantizeLinear"));
                Optional<FloatTensor> weight = fp32.initializer(original.get().input(i))
                        .filter(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE)
                        .map(TensorProtos::toFloatTensor);
                if (dq.isEmpty() || weight.isEmpty() || weight.get().rank() < 2) {
                    continue;
                }
                Optional<TensorProto> q = int8.initializer(dq.get().input(0));
                Optional<TensorProto> scale = int8.initializer(dq.get().input(1));
                if (q.isEmpty() || scale.isEmpty() || q.get().getDataType() != TensorProto.DataType.INT8_VALUE) {
                    continue;
                }
                int[] zeroPoints = dq.get().inputs().size() > 2 && !dq.get().input(2).isEmpty()
                        ? int8.initializer(dq.get().input(2)).map(TensorProtos::toInts).orElse(new int[] {0})
                        : new int[] {0};
                float[] scales = TensorProtos.toFloatTensor(scale.get()).data();
                int axis = (int) dq.get().intAttribute("axis", 1);
                out.put(node.name(), sqnr(weight.get(), TensorProtos.toInts(q.get()), scales, zeroPoints,
                        axis < 0 ? axis + weight.get().rank() : axis));
                break;
            }
        }
        return out;
    }

    /**
     * The SQNR of each channel along {@code axis} ({@code scales.length} channels, or one when the
     * scale is a scalar), in dB.
     */
    static double[] sqnr(FloatTensor weight, int[] levels, float[] scales, int[] zeroPoints, int axis) {
        long[] shape = weight.shape();
        boolean perTensor = scales.length == 1;
        int channels = perTensor ? 1 : (int) shape[axis];
        long inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        double[] signal = new double[channels];
        double[] noise = new double[channels];
        float[] w = weight.data();
        for (int i = 0; i < w.length; i++) {
            int c = perTensor ? 0 : (int) ((i / inner) % shape[axis]);
            int zp = zeroPoints.length == 1 ? zeroPoints[0] : zeroPoints[c];
            double restored = (double) scales[perTensor ? 0 : c] * (levels[i] - zp);
            double e = w[i] - restored;
            signal[c] += (double) w[i] * w[i];
            noise[c] += e * e;
        }
        double[] db = new double[channels];
        for (int c = 0; c < channels; c++) {
            db[c] = noise[c] == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal[c] / noise[c]);
        }
        return db;
    }
}
