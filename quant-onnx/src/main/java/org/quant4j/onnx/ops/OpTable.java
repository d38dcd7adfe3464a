package org.quant4j.onnx.ops;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.ops.OpSpec.DynamicForm;
import org.quant4j.onnx.ops.OpSpec.QdqInputs;
import org.quant4j.onnx.ops.OpSpec.QdqRole;
import org.quant4j.onnx.ops.OpSpec.ShapeRule;
import org.quant4j.onnx.ops.OpSpec.SignRule;
import org.quant4j.onnx.ops.OpSpec.WeightAxis;

/**
 * The one table of what ONNX ops are to quant4j (as ONNX Runtime's Python quantizer keeps its
 * operator registry): one {@link OpSpec} per op of the default domain. Adding an op is one entry
 * here. An op that is not listed, or of another domain, is {@link #UNKNOWN_SPEC}: left in float,
 * its shape and sign not inferred.
 */
public final class OpTable {

    /** Per output channel of a Conv weight {@code [M, C/group, k...]}. */
    private static final WeightAxis CONV_AXIS = (node, input, rank) -> 0;
    /** A ConvTranspose weight {@code [C, M/group, k...]}: per output channel only without groups. */
    private static final WeightAxis CONV_TRANSPOSE_AXIS = (node, input, rank) ->
            node.intAttribute("group", 1) != 1 ? -1 : 1;
    /** Gemm's B is {@code [N, K]} with transB, else {@code [K, N]}. */
    private static final WeightAxis GEMM_AXIS = (node, input, rank) -> node.intAttribute("transB", 0) != 0 ? 0 : 1;
    /** MatMul's constant B {@code [K, N]} per column; a constant A, or a B of another rank, per tensor. */
    private static final WeightAxis MATMUL_AXIS = (node, input, rank) -> input == 1 && rank == 2 ? 1 : -1;

    private static final Map<String, OpSpec> SPECS = specs();

    /** The entry of ops that are not listed: left in float, nothing known. */
    public static final OpSpec UNKNOWN_SPEC = OpSpec.builder("").build();

    private OpTable() {
    }

    private static Map<String, OpSpec> specs() {
        Map<String, OpSpec.Builder> b = new LinkedHashMap<>();
        b.put("Conv", OpSpec.builder("Conv").compute(QdqInputs.WEIGHTED).weights(CONV_AXIS, 1).bias(2)
                .shape(ShapeRule.CONV).dynamic(DynamicForm.CONV_INTEGER).foldsBatchNorm().quantizesFloatWeights());
        b.put("ConvTranspose", OpSpec.builder("ConvTranspose").compute(QdqInputs.WEIGHTED)
                .weights(CONV_TRANSPOSE_AXIS, 1).bias(2).quantizesFloatWeights());
        b.put("Gemm", OpSpec.builder("Gemm").compute(QdqInputs.WEIGHT_IF_CONSTANT).weights(GEMM_AXIS, 1).bias(2)
                .scales("alpha", "beta").shape(ShapeRule.GEMM).dynamic(DynamicForm.MATMUL_INTEGER)
                .foldsBatchNorm().quantizesFloatWeights());
        b.put("MatMul", OpSpec.builder("MatMul").compute(QdqInputs.FIRST_CONSTANT_IS_WEIGHT).weights(MATMUL_AXIS, 1)
                .shape(ShapeRule.MATMUL).dynamic(DynamicForm.MATMUL_INTEGER));
        b.put("LSTM", OpSpec.builder("LSTM").weights(WeightAxis.NONE, 1, 2).dynamic(DynamicForm.LSTM));
        for (String op : new String[] {"Add", "Mul"}) {
            b.put(op, OpSpec.builder(op).compute(QdqInputs.ALL).shape(ShapeRule.BROADCAST));
        }
        b.put("Concat", OpSpec.builder("Concat").compute(QdqInputs.ALL).shape(ShapeRule.CONCAT)
                .sign(SignRule.FOLLOWS_ALL_INPUTS));
        b.get("Add").sign(SignRule.FOLLOWS_ALL_INPUTS);
        b.put("AveragePool", OpSpec.builder("AveragePool").compute(QdqInputs.FIRST).shape(ShapeRule.POOL)
                .sign(SignRule.FOLLOWS_FIRST_INPUT));
        b.put("GlobalAveragePool", OpSpec.builder("GlobalAveragePool").compute(QdqInputs.FIRST)
                .shape(ShapeRule.GLOBAL_POOL).sign(SignRule.FOLLOWS_FIRST_INPUT));
        b.put("MaxPool", OpSpec.builder("MaxPool").qdq(QdqRole.INTEGER_PASS_THROUGH).shape(ShapeRule.POOL)
                .sign(SignRule.FOLLOWS_FIRST_INPUT));
        b.put("GlobalMaxPool", OpSpec.builder("GlobalMaxPool").shape(ShapeRule.GLOBAL_POOL)
                .sign(SignRule.FOLLOWS_FIRST_INPUT));
        b.put("Flatten", OpSpec.builder("Flatten").qdq(QdqRole.PASS_THROUGH).shape(ShapeRule.FLATTEN)
                .sign(SignRule.FOLLOWS_FIRST_INPUT));
        for (String op : new String[] {"Reshape", "Transpose", "Squeeze", "Unsqueeze"}) {
            b.put(op, OpSpec.builder(op).qdq(QdqRole.PASS_THROUGH).sign(SignRule.FOLLOWS_FIRST_INPUT));
        }
        b.put("Relu", OpSpec.builder("Relu").qdq(QdqRole.ACTIVATION).shape(ShapeRule.SAME)
                .sign(SignRule.NON_NEGATIVE));
        b.put("Clip", OpSpec.builder("Clip").qdq(QdqRole.ACTIVATION).shape(ShapeRule.SAME).sign(SignRule.BOUNDED));
        for (String op : new String[] {"Sigmoid", "Softmax"}) {
            b.put(op, OpSpec.builder(op).shape(ShapeRule.SAME).sign(SignRule.NON_NEGATIVE));
        }
        b.put("Identity", OpSpec.builder("Identity").shape(ShapeRule.SAME).sign(SignRule.FOLLOWS_FIRST_INPUT));
        for (String op : new String[] {"Tanh", "Dropout", "LeakyRelu", "HardSigmoid", "HardSwish", "LogSoftmax",
                "Neg", "Abs", "Exp", "Log", "Sqrt", "Erf", "Cast", "BatchNormalization", "Softplus", "Elu", "Selu",
                "Mish", "Gelu", "Floor", "Ceil", "Round", "Reciprocal"}) {
            b.put(op, OpSpec.builder(op).shape(ShapeRule.SAME));
        }
        for (String op : new String[] {"QuantizeLinear", "DequantizeLinear"}) {
            b.put(op, OpSpec.builder(op).qdq(QdqRole.QUANTIZED_FORM).shape(ShapeRule.SAME));
        }
        for (String op : new String[] {"QLinearConv", "QLinearMatMul", "ConvInteger", "MatMulInteger",
                "DynamicQuantizeLinear"}) {
            b.put(op, OpSpec.builder(op).qdq(QdqRole.QUANTIZED_FORM));
        }
        for (String op : new String[] {"Sub", "Div", "Min", "Pow"}) {
            b.put(op, OpSpec.builder(op).shape(ShapeRule.BROADCAST));
        }
        b.put("Max", OpSpec.builder("Max").shape(ShapeRule.BROADCAST).sign(SignRule.FOLLOWS_ALL_INPUTS));
        Map<String, OpSpec> specs = new LinkedHashMap<>();
        b.forEach((op, spec) -> specs.put(op, spec.build()));
        return Map.copyOf(specs);
    }

    /** The entry of {@code opType} of the default domain, or {@link #UNKNOWN_SPEC}. */
    public static OpSpec get(String opType) {
        return SPECS.getOrDefault(opType, UNKNOWN_SPEC);
    }

    /** The entry of {@code node}'s op, or {@link #UNKNOWN_SPEC} when it is not listed or of another domain. */
    public static OpSpec of(Node node) {
        return node.domain().isEmpty() ? get(node.opType()) : UNKNOWN_SPEC;
    }

    /** The op types whose entry matches {@code filter}, sorted. */
    public static Set<String> opTypes(java.util.function.Predicate<OpSpec> filter) {
        return SPECS.values().stream().filter(filter).map(OpSpec::opType)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Lower and upper bound of a Relu or Clip of {@code graph}, or null when they are not constants:
     * Relu clips at 0; a Clip's missing bound is infinite, a given one must be a float scalar initializer.
     */
    public static double[] bounds(Graph graph, Node activation) {
        if (activation.is("Relu")) {
            return new double[] {0, Double.POSITIVE_INFINITY};
        }
        double[] b = {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        for (int i = 1; i <= 2; i++) {
            String in = activation.input(i);
            if (in.isEmpty()) {
                continue;
            }
            Optional<FloatTensor> v = graph.initializer(in)
                    .filter(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE)
                    .flatMap(t -> graph.floatInitializer(in));
            if (v.isEmpty() || v.get().size() != 1) {
                return null;
            }
            b[i - 1] = v.get().get(0);
        }
        return b;
    }
}
