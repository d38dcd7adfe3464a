package org.quant4j.onnx.ops;

import java.util.List;
import java.util.Objects;
import org.quant4j.onnx.graph.Node;

/**
 * What one ONNX op (of the default domain) is to quant4j; an immutable entry of {@link OpTable}.
 *
 * @param opType       the ONNX op type
 * @param qdq          what static QDQ quantization does with it
 * @param qdqInputs    which of its inputs static QDQ quantization reads as activations, weight and constants
 * @param weightInputs the inputs that hold its weights, conventionally constants (empty when it has none)
 * @param biasInput    the input that holds its bias, added per output channel; -1 when it has none
 * @param weightAxis   the output-channel axis of its weight
 * @param alphaAttribute the attribute that scales its product ({@code ""} when none): Gemm's {@code alpha}
 * @param betaAttribute the attribute that scales its bias ({@code ""} when none): Gemm's {@code beta}
 * @param shape        how its output shape follows from its inputs
 * @param sign         whether its output can be negative
 * @param dynamic      its form in dynamic int8 quantization
 * @param foldsBatchNorm whether a following BatchNormalization can be folded into its weight and bias
 * @param quantizesFloatWeights whether ONNX Runtime quantizes its float weight and bias itself when its
 *                     input comes from a DequantizeLinear and its output reaches a QuantizeLinear (its
 *                     WeightBiasQuantization pass)
 */
public record OpSpec(String opType, QdqRole qdq, QdqInputs qdqInputs, List<Integer> weightInputs, int biasInput,
        WeightAxis weightAxis, String alphaAttribute, String betaAttribute, ShapeRule shape, SignRule sign, DynamicForm dynamic,
        boolean foldsBatchNorm, boolean quantizesFloatWeights) {

    /** What static QDQ quantization does with an op. */
    public enum QdqRole {
        /** Quantized with its own input and output parameters; ONNX Runtime runs it on integers. */
        COMPUTE,
        /**
         * Runs on the integers of its input when that or its output is quantized, its output sharing
         * the input's parameters (Reshape, Flatten, ...).
         */
        PASS_THROUGH,
        /** Like {@link #PASS_THROUGH}, with an integer kernel of its own (MaxPool). */
        INTEGER_PASS_THROUGH,
        /** An activation (Relu, Clip) that the QuantizeLinear of its producer's output can absorb. */
        ACTIVATION,
        /** An op of a model that is quantized already. */
        QUANTIZED_FORM,
        /** Left in float. */
        NONE;

        /** True for the roles that pass quantization through: the output shares the input's parameters. */
        public boolean passesThrough() {
            return this == PASS_THROUGH || this == INTEGER_PASS_THROUGH;
        }

        /** True for the roles whose op ONNX Runtime runs on integers by itself: a model needs one. */
        public boolean hasIntegerKernel() {
            return this == COMPUTE || this == INTEGER_PASS_THROUGH;
        }
    }

    /** Which inputs of a {@link QdqRole#COMPUTE} op static QDQ quantization reads, and as what. */
    public enum QdqInputs {
        /** Only input 0, an activation (pooling). */
        FIRST,
        /** Input 0 is the activation; the weight input must be a constant (Conv, ConvTranspose). */
        WEIGHTED,
        /** Input 0 is the activation; the weight input is a weight when constant, else an activation (Gemm). */
        WEIGHT_IF_CONSTANT,
        /** The first constant input is the weight, other constants are constants, the rest activations (MatMul). */
        FIRST_CONSTANT_IS_WEIGHT,
        /** Every input: constants quantized with the activation scheme, the rest activations (Add, Mul, Concat). */
        ALL
    }

    /** How an op's output shape follows from its inputs (dimension 0 being the batch). */
    public enum ShapeRule {
        /** The shape of input 0. */
        SAME,
        /** Numpy broadcasting of all inputs. */
        BROADCAST,
        /** A convolution by the constant weight (input 1). */
        CONV,
        /** A sliding window of attribute {@code kernel_shape}. */
        POOL,
        /** Spatial axes reduced to 1. */
        GLOBAL_POOL,
        /** Flattened after attribute {@code axis}. */
        FLATTEN,
        /** Gemm of a 2-D input by the constant 2-D weight (input 1), output channels along its {@link WeightAxis}. */
        GEMM,
        /** A matrix product of the last axis by the constant 2-D weight (input 1). */
        MATMUL,
        /** Concatenated along attribute {@code axis}. */
        CONCAT,
        /** Not modelled. */
        UNKNOWN
    }

    /** Whether an op's output can be negative. */
    public enum SignRule {
        /** Never negative (Relu, Sigmoid, Softmax). */
        NON_NEGATIVE,
        /** Never negative when its lower bound is (Clip, see {@link OpTable#bounds}). */
        BOUNDED,
        /** Never negative when input 0 is not (pooling, shape-only ops). */
        FOLLOWS_FIRST_INPUT,
        /** Never negative when no input is (Add, Concat, Max). */
        FOLLOWS_ALL_INPUTS,
        /** May be negative. */
        UNKNOWN
    }

    /** What dynamic int8 quantization makes of an op. */
    public enum DynamicForm {
        /** MatMulInteger with a constant weight of rank 2 (MatMul, Gemm). */
        MATMUL_INTEGER(2),
        /** com.microsoft DynamicQuantizeLSTM with constant weights of rank 3. */
        LSTM(3),
        /**
         * ConvInteger with a constant weight {@code [M, C/group, k...]} of rank 3 or more; chosen by
         * {@code QuantizationConfig#dynamicOpTypes}, since float Conv is often faster on CPU.
         */
        CONV_INTEGER(-3),
        /** Not quantized dynamically. */
        NONE(0);

        private final int weightRank;

        DynamicForm(int weightRank) {
            this.weightRank = weightRank;
        }

        /** The rank every weight of the op must have; for {@link #CONV_INTEGER}, the smallest rank (3). */
        public int weightRank() {
            return Math.abs(weightRank);
        }

        /** Whether a weight of rank {@code rank} fits: exactly {@link #weightRank}, or at least it for convolutions. */
        public boolean acceptsRank(int rank) {
            return weightRank < 0 ? rank >= -weightRank : rank == weightRank;
        }
    }

    /** The output-channel axis of an op's weight, from the node and where and what its weight is. */
    @FunctionalInterface
    public interface WeightAxis {
        /** No weight, or none quantized per channel. */
        WeightAxis NONE = (node, weightInput, weightRank) -> -1;

        /**
         * The axis, or -1 when the weight has none that per-channel quantization may use.
         *
         * @param weightInput the input of {@code node} that holds the weight
         * @param weightRank  the weight's rank, -1 when unknown
         */
        int of(Node node, int weightInput, int weightRank);
    }

    public OpSpec {
        Objects.requireNonNull(opType, "opType");
        weightInputs = List.copyOf(weightInputs);
    }

    /** A builder of the entry of {@code opType}; by default the op is left in float and nothing is known of it. */
    public static Builder builder(String opType) {
        return new Builder(opType);
    }

    /** The input that holds the weight ({@link #weightInputs} first), or -1. */
    public int weightInput() {
        return weightInputs.isEmpty() ? -1 : weightInputs.get(0);
    }

    /** The output-channel axis of {@code node}'s weight at {@link #weightInput}, of rank {@code weightRank}. */
    public int weightAxis(Node node, int weightRank) {
        return weightAxis.of(node, weightInput(), weightRank);
    }

    /** The factor of {@code node}'s product (Gemm's alpha), 1 when it has none. */
    public float alpha(Node node) {
        return alphaAttribute.isEmpty() ? 1f : node.floatAttribute(alphaAttribute, 1f);
    }

    /** The factor of {@code node}'s bias (Gemm's beta), 1 when it has none. */
    public float beta(Node node) {
        return betaAttribute.isEmpty() ? 1f : node.floatAttribute(betaAttribute, 1f);
    }

    /** Builds an {@link OpSpec}. */
    public static final class Builder {
        private final String opType;
        private QdqRole qdq = QdqRole.NONE;
        private QdqInputs qdqInputs = QdqInputs.FIRST;
        private List<Integer> weightInputs = List.of();
        private int biasInput = -1;
        private WeightAxis weightAxis = WeightAxis.NONE;
        private String alpha = "";
        private String beta = "";
        private ShapeRule shape = ShapeRule.UNKNOWN;
        private SignRule sign = SignRule.UNKNOWN;
        private DynamicForm dynamic = DynamicForm.NONE;
        private boolean foldsBatchNorm;
        private boolean quantizesFloatWeights;

        private Builder(String opType) {
            this.opType = opType;
        }

        public Builder qdq(QdqRole role) {
            this.qdq = role;
            return this;
        }

        /** A {@link QdqRole#COMPUTE} op reading its inputs as {@code inputs} says. */
        public Builder compute(QdqInputs inputs) {
            this.qdq = QdqRole.COMPUTE;
            this.qdqInputs = inputs;
            return this;
        }

        /** Its weights are inputs {@code inputs}, with output channels along {@code axis}. */
        public Builder weights(WeightAxis axis, Integer... inputs) {
            this.weightAxis = axis;
            this.weightInputs = List.of(inputs);
            return this;
        }

        public Builder bias(int input) {
            this.biasInput = input;
            return this;
        }

        /** The attributes that scale its product and its bias. */
        public Builder scales(String alphaAttribute, String betaAttribute) {
            this.alpha = alphaAttribute;
            this.beta = betaAttribute;
            return this;
        }

        public Builder shape(ShapeRule rule) {
            this.shape = rule;
            return this;
        }

        public Builder sign(SignRule rule) {
            this.sign = rule;
            return this;
        }

        public Builder dynamic(DynamicForm form) {
            this.dynamic = form;
            return this;
        }

        public Builder foldsBatchNorm() {
            this.foldsBatchNorm = true;
            return this;
        }

        public Builder quantizesFloatWeights() {
            this.quantizesFloatWeights = true;
            return this;
        }

        public OpSpec build() {
            if (qdq == QdqRole.COMPUTE && qdqInputs != QdqInputs.FIRST && qdqInputs != QdqInputs.ALL
                    && weightInputs.isEmpty()) {
                throw new IllegalStateException("Op " + opType + " reads a weight (" + qdqInputs
                        + ") but its entry names no weight input");
            }
            return new OpSpec(opType, qdq, qdqInputs, weightInputs, biasInput, weightAxis, alpha, beta, shape, sign,
                    dynamic, foldsBatchNorm, quantizesFloatWeights);
        }
    }
}
