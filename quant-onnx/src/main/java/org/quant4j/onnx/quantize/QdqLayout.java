package org.quant4j.onnx.quantize;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.quant4j.api.QuantParams;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.TensorRange;

/**
 * Where static QDQ quantization puts its quantizers in a graph, without rewriting it: the
 * activation tensors that get QuantizeLinear/DequantizeLinear, in groups that share parameters
 * (a pass-through op such as MaxPool joins its input and output), and the weights of the quantized
 * compute nodes with their channel axis. Quantization-aware training simulates exactly these
 * quantizers, so a QAT model and a PTQ model of the same graph quantize the same tensors.
 *
 * @param activations the quantized activation groups, in the order of their first tensor
 * @param weights     weight sites by the name of the compute node that reads them
 */
public record QdqLayout(List<ActivationGroup> activations, Map<String, WeightSite> weights) {

    public QdqLayout {
        activations = List.copyOf(activations);
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    }

    /**
     * Tensors quantized with one set of parameters.
     *
     * @param tensors the member tensors (names as after Relu/Clip absorption: an absorbed
     *                activation's output, not its input)
     * @param range   the calibrated range (union of the members', or a fixed override)
     * @param params  the parameters the rewriter gives every member
     */
    public record ActivationGroup(List<String> tensors, TensorRange range, QuantParams params) {
        public ActivationGroup {
            tensors = List.copyOf(tensors);
            Objects.requireNonNull(range, "range");
            Objects.requireNonNull(params, "params");
        }
    }

    /**
     * The weight of one quantized compute node.
     *
     * @param node   the compute node
     * @param weight the weight initializer
     * @param axis   channel axis of per-channel quantization, or -1 for per tensor
     * @param scheme the weight scheme (signed, symmetric, narrow range)
     * @param pairLimit for the portable target, the order in which the kernel pairs products: each
     *                  channel's range is widened to its largest pair sum ({@link Int16Pairing#limitPairSums})
     */
    public record WeightSite(String node, String weight, int axis, QuantScheme scheme,
            Optional<Int16Pairing> pairLimit) {
        public WeightSite {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(weight, "weight");
            Objects.requireNonNull(scheme, "scheme");
            Objects.requireNonNull(pairLimit, "pairLimit");
        }
    }

    /** The group {@code tensor} belongs to, if it is quantized. */
    public Optional<ActivationGroup> groupOf(String tensor) {
        return activations.stream().filter(g -> g.tensors().contains(tensor)).findFirst();
    }
}
