package org.quant4j.onnx.opset;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.quant4j.api.ModelException;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnx.graph.TensorProtos;

/**
 * The graph being converted, as adapters see it: fresh names, new constant inputs, constant values
 * (from initializers or {@code Constant} nodes), element types, and the refusal that names the node.
 */
public final class OpsetRewrite {

    /** Ops whose outputs are INT64 whatever their inputs. */
    private static final Set<String> INT64_OUTPUT = Set.of("Shape", "Size", "ArgMax", "ArgMin", "NonZero",
            "NonMaxSuppression");
    /** Ops whose outputs are BOOL. */
    private static final Set<String> BOOL_OUTPUT = Set.of("Equal", "Greater", "Less", "GreaterOrEqual",
            "LessOrEqual", "Not", "And", "Or", "Xor", "IsNaN", "IsInf");

    private final Graph graph;
    private final long from;
    private final int to;
    private final Set<String> formerUpsamples = new java.util.HashSet<>();

    OpsetRewrite(Graph graph, long from, int to) {
        this.graph = graph;
        this.from = from;
        this.to = to;
    }

    /** Remembers that node {@code name} was an Upsample, whose scales are >= 1 by definition. */
    void markFormerUpsample(String name) {
        formerUpsamples.add(name);
    }

    /** True when node {@code name} was an Upsample earlier in this conversion. */
    boolean wasUpsample(String name) {
        return formerUpsamples.contains(name);
    }

    /** The graph under conversion. */
    public Graph graph() {
        return graph;
    }

    /** Replaces node {@code name} (it keeps its place in the order). */
    public void replace(String name, Node replacement) {
        graph.replaceNode(name, replacement);
    }

    /** Adds a node named after {@code base}, made unique. */
    public void add(String base, String opType, List<String> inputs, List<String> outputs,
            AttributeProto... attributes) {
        graph.addNode(Node.of(graph.uniqueName(base), opType, "", inputs, outputs, List.of(attributes)));
    }

    /** A fresh tensor name derived from {@code base}. */
    public String fresh(String base) {
        return graph.uniqueName(base);
    }

    /** A new INT64 1-D initializer holding {@code values}; returns its name. */
    public String int64Vector(String base, long... values) {
        String name = fresh(base);
        graph.putInitializer(TensorProtos.int64Vector(name, values));
        return name;
    }

    /** A new INT64 scalar (rank 0) initializer; returns its name. */
    public String int64Scalar(String base, long value) {
        String name = fresh(base);
        graph.putInitializer(TensorProtos.int64s(name, new long[0], value));
        return name;
    }

    /** A new FLOAT 1-D initializer; returns its name. */
    public String floatVector(String base, float... values) {
        String name = fresh(base);
        graph.putInitializer(TensorProto.newBuilder().setName(name).setDataType(DataType.FLOAT_VALUE)
                .addDims(values.length).setRawData(littleEndianFloats(values)).build());
        return name;
    }

    /**
     * A new scalar initializer of element type {@code elementType} (FLOAT, DOUBLE, FLOAT16 or an
     * integer type) holding {@code value}; returns its name.
     */
    public String scalar(String base, int elementType, double value, Node node) {
        String name = fresh(base);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(elementType);
        switch (DataType.forNumber(elementType)) {
            case FLOAT -> t.addFloatData((float) value);
            case DOUBLE -> t.addDoubleData(value);
            case FLOAT16 -> t.addInt32Data(Short.toUnsignedInt(float16Bits((float) value)));
            case INT8, INT16, INT32, UINT8, UINT16 -> t.addInt32Data((int) value);
            case INT64 -> t.addInt64Data((long) value);
            default -> throw refuse(node, "a constant of element type " + TensorProtos.typeName(elementType)
                    + " is needed, which quant4j cannot write");
        }
        graph.putInitializer(t.build());
        return name;
    }

    /** The value of {@code tensor} when it is fixed: an initializer or the output of a {@code Constant} node. */
    public Optional<TensorProto> constant(String tensor) {
        if (tensor.isEmpty()) {
            return Optional.empty();
        }
        Optional<TensorProto> init = graph.initializer(tensor);
        if (init.isPresent()) {
            return graph.isGraphInput(tensor) ? Optional.empty() : init;
        }
        return graph.producer(tensor).filter(p -> p.is("Constant"))
                .flatMap(p -> p.attribute("value")).filter(AttributeProto::hasT).map(AttributeProto::getT);
    }

    /** The fixed float values of {@code tensor} (FLOAT initializer or Constant), if any. */
    public Optional<float[]> constantFloats(String tensor) {
        return constant(tensor).filter(t -> t.getDataType() == DataType.FLOAT_VALUE)
                .map(t -> TensorProtos.toFloatTensor(t.toBuilder().setName(tensor).build()).data());
    }

    /**
     * The element type of {@code tensor}: declared, an initializer's, or followed back through its
     * producers; FLOAT when nothing tells (models of float ops, which is what quant4j converts).
     */
    public int elementType(String tensor) {
        for (int depth = 0; depth < 64 && !tensor.isEmpty(); depth++) {
            Optional<TensorProto> c = constant(tensor);
            if (c.isPresent()) {
                return c.get().getDataType();
            }
            Optional<TensorInfo> info = graph.tensorInfo(tensor);
            if (info.isPresent() && info.get().elementType() > 0) {
                return info.get().elementType();
            }
            Optional<Node> p = graph.producer(tensor);
            if (p.isEmpty() || !p.get().domain().isEmpty()) {
                break;
            }
            Node n = p.get();
            if (INT64_OUTPUT.contains(n.opType())) {
                return DataType.INT64_VALUE;
            }
            if (BOOL_OUTPUT.contains(n.opType())) {
                return DataType.BOOL_VALUE;
            }
            if (n.is("Cast")) {
                return (int) n.intAttribute("to", DataType.FLOAT_VALUE);
            }
            if (n.is("DequantizeLinear")) {
                return DataType.FLOAT_VALUE;
            }
            if (!n.output(0).equals(tensor) && !n.is("Split")) {
                break;
            }
            tensor = n.is("Where") ? n.input(1) : n.input(0);
        }
        return DataType.FLOAT_VALUE;
    }

    /**
     * True when {@code tensor} is read by a node (or a subgraph) or is a graph output: an optional
     * output that nothing uses may be dropped.
     */
    public boolean used(String tensor) {
        return !tensor.isEmpty() && (!graph.consumers(tensor).isEmpty() || graph.isGraphOutput(tensor));
    }

    /** The rank of {@code tensor} when known: declared, or 2 for Gemm and Flatten outputs, whatever their inputs. */
    public Optional<Integer> rank(String tensor) {
        Optional<Integer> declared = graph.shape(tensor).map(s -> s.length);
        if (declared.isPresent()) {
            return declared;
        }
        return graph.producer(tensor).filter(p -> p.is("Gemm") || p.is("Flatten")).map(p -> 2);
    }

    /**
     * The error for a node that cannot be expressed at the target opset: names the node, op, the
     * versions and why.
     */
    public ModelException refuse(Node node, String why) {
        return new ModelException("Cannot convert graph '" + graph.name() + "' from opset " + from + " to " + to
                + ": node '" + node.name() + "' (" + node.opType() + ") cannot be expressed, because " + why
                + ". Re-export the model at opset " + to + " or later, or change that node");
    }

    /** A copy of {@code node} without the named attributes. */
    public static Node without(Node node, String... attributes) {
        Node n = node;
        for (String a : attributes) {
            n = n.withoutAttribute(a);
        }
        return n;
    }

    /** A STRING attribute. */
    static AttributeProto string(String name, String value) {
        return Attributes.string(name, value);
    }

    private static ByteString littleEndianFloats(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return ByteString.copyFrom(b.array());
    }

    /** IEEE 754 binary16 bits of {@code f} (as the FP16 conversion writes them). */
    private static short float16Bits(float f) {
        return org.quant4j.onnx.quantize.Float16.fromFloat(f);
    }
}
