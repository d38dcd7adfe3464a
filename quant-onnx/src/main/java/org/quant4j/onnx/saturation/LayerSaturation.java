package org.quant4j.onnx.saturation;

import java.util.Optional;

/**
 * Whether one quantized layer can lose accuracy on x86-64 CPUs with AVX2 but without VNNI.
 *
 * @param node             the node's name
 * @param opType           Conv, Gemm, MatMul, MatMulInteger or DynamicQuantizeLSTM
 * @param pairsInInt16     false when ONNX Runtime runs it on a kernel that adds in int32 (depthwise Conv)
 * @param worstPairSum     the largest pair sum over every uint8 input, over all channels (saturates above 32767)
 * @param channels         output channels
 * @param channelsAtRisk   channels with a pair of weights that some uint8 input saturates (none when the
 *                         kernel does not pair products)
 * @param observed         what happened on data, when data was given
 */
public record LayerSaturation(String node, String opType, boolean pairsInInt16, int worstPairSum, int channels,
        int channelsAtRisk, Optional<Observed> observed) {

    /** True when no input can saturate this layer on AVX2: it is exact on every CPU. */
    public boolean portable() {
        return !pairsInInt16 || channelsAtRisk == 0;
    }

    /**
     * What the AVX2 kernel would have done on data, emulated with {@link PairedInt16Dot}.
     *
     * @param pairs            pair sums computed
     * @param saturatedPairs   pair sums clamped to int16
     * @param outputs          output values computed
     * @param affectedOutputs  output values with at least one clamped pair
     * @param relativeError    sum of |AVX2 - exact| over the sum of |exact| of the zero-point-corrected
         *                         integer outputs, before bias and requantization
     */
    public record Observed(long pairs, long saturatedPairs, long outputs, long affectedOutputs, double relativeError) {

        /** Fraction of pair sums that saturate. */
        public double saturatedPairRate() {
            return pairs == 0 ? 0 : (double) saturatedPairs / pairs;
        }

        /** Fraction of output values that differ from the exact result. */
        public double affectedOutputRate() {
            return outputs == 0 ? 0 : (double) affectedOutputs / outputs;
        }
    }
}
