package org.quant4j.cli.inspect;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnx.graph.TensorProtos;
import org.quant4j.onnx.transform.ConstantNodeFolding;
import org.quant4j.onnxruntime.runtime.OptimizedOps;

/**
 * What a model holds, read from its protobuf: its data inputs and outputs, the number of nodes per
 * operator type, and its parameters per element type with their element count and size in bytes
 * (elements times the element size, whatever the encoding in the file). Parameters are counted
 * wherever they are held: initializers, {@code Constant} nodes (where exporters such as Paddle2ONNX
 * keep every weight), and both inside the subgraphs of {@code If}, {@code Loop} and {@code Scan}.
 *
 * @param inputs     the graph inputs that are not initializers
 * @param outputs    the graph outputs
 * @param operators  nodes per qualified operator type ({@code Conv}, {@code com.microsoft:QLinearConv}),
 *                   most frequent first, ties by name, the nodes inside If/Loop/Scan subgraphs included
 * @param nodes      every node, the main graph's and, after the node that holds them, its subgraphs'
 * @param parameters parameters per element type name ({@code FLOAT}, {@code INT8}), by name
 * @param locations  the same parameters by where they are held: {@value #INITIALIZERS},
 *                   {@value #CONSTANT_NODES}, {@value #SUBGRAPH_INITIALIZERS}, {@value #SUBGRAPH_CONSTANT_NODES}
 *                   (only the places that hold any, in that order)
 */
public record ModelSummary(List<TensorInfo> inputs, List<TensorInfo> outputs, Map<String, Long> operators,
        List<NodeEntry> nodes, Map<String, Parameters> parameters, Map<String, Parameters> locations) {

    /**
     * One node of the model.
     *
     * @param graph  where it is: {@code ""} for the main graph, else the subgraph's path such as
     *               {@code /If_0.then_branch} (owner node, attribute), nested paths joined
     * @param name   its name
     * @param opType its qualified operator type
     */
    public record NodeEntry(String graph, String name, String opType) {
    }

    /** Location of the main graph's initializers. */
    public static final String INITIALIZERS = "initializers";
    /** Location of tensors held in the main graph's Constant nodes. */
    public static final String CONSTANT_NODES = "Constant nodes";
    /** Location of the initializers of If/Loop/Scan subgraphs. */
    public static final String SUBGRAPH_INITIALIZERS = "subgraph initializers";
    /** Location of the Constant nodes of If/Loop/Scan subgraphs. */
    public static final String SUBGRAPH_CONSTANT_NODES = "subgraph Constant nodes";

    /**
     * Parameter tensors of one element type or location.
     *
     * @param tensors  number of tensors
     * @param elements number of values in all of them
     * @param bytes    their size: elements times the element size (strings: their UTF-8 bytes)
     */
    public record Parameters(long tensors, long elements, long bytes) {

        Parameters plus(Parameters other) {
            return new Parameters(tensors + other.tensors, elements + other.elements, bytes + other.bytes);
        }
    }

    /** The summary of {@code model}. */
    public static ModelSummary of(OnnxModel model) {
        Graph graph = model.graph();
        List<TensorInfo> inputs = graph.inputs().stream().filter(i -> !graph.isInitializer(i.name()))
                .collect(Collectors.toList());
        GraphProto proto = model.proto().getGraph();
        List<NodeEntry> nodes = new java.util.ArrayList<>();
        listNodes(proto, "", nodes);
        Map<String, Long> counts = new TreeMap<>();
        nodes.forEach(n -> counts.merge(n.opType(), 1L, Long::sum));
        Map<String, Parameters> parameters = new TreeMap<>();
        Map<String, Parameters> locations = new LinkedHashMap<>();
        for (String where : List.of(INITIALIZERS, CONSTANT_NODES, SUBGRAPH_INITIALIZERS, SUBGRAPH_CONSTANT_NODES)) {
            locations.put(where, null);
        }
        collect(proto, false, parameters, locations);
        locations.values().removeIf(java.util.Objects::isNull);
        return new ModelSummary(List.copyOf(inputs), List.copyOf(graph.outputs()), byFrequency(counts),
                List.copyOf(nodes), parameters, locations);
    }

    /** Adds the nodes of {@code g}, each followed by the nodes of its subgraphs. */
    private static void listNodes(GraphProto g, String path, List<NodeEntry> out) {
        for (NodeProto n : g.getNodeList()) {
            String domain = n.getDomain().equals("ai.onnx") ? "" : n.getDomain();
            out.add(new NodeEntry(path, n.getName(), new OptimizedOps.OpType(domain, n.getOpType()).qualifiedName()));
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    listNodes(a.getG(), path + "/" + n.getName() + "." + a.getName(), out);
                }
            }
        }
    }

    /** Number of nodes inside If/Loop/Scan subgraphs. */
    public long subgraphNodes() {
        return nodes.stream().filter(n -> !n.graph().isEmpty()).count();
    }

    /** Adds the parameters of {@code g} and, recursively, of its nodes' subgraphs. */
    private static void collect(GraphProto g, boolean subgraph, Map<String, Parameters> byType,
            Map<String, Parameters> byLocation) {
        for (TensorProto t : g.getInitializerList()) {
            add(t, subgraph ? SUBGRAPH_INITIALIZERS : INITIALIZERS, byType, byLocation);
        }
        for (NodeProto n : g.getNodeList()) {
            boolean defaultDomain = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
            if (defaultDomain && n.getOpType().equals("Constant")) {
                ConstantNodeFolding.value(n.getAttributeList()).ifPresent(
                        t -> add(t, subgraph ? SUBGRAPH_CONSTANT_NODES : CONSTANT_NODES, byType, byLocation));
            }
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    collect(a.getG(), true, byType, byLocation);
                }
                for (GraphProto sub : a.getGraphsList()) {
                    collect(sub, true, byType, byLocation);
                }
            }
        }
    }

    private static void add(TensorProto t, String where, Map<String, Parameters> byType,
            Map<String, Parameters> byLocation) {
        long elements = 1;
        for (long d : t.getDimsList()) {
            elements *= d;
        }
        Parameters p = new Parameters(1, elements, bytes(t, elements));
        byType.merge(TensorProtos.typeName(t.getDataType()), p, Parameters::plus);
        byLocation.merge(where, p, (old, add) -> old == null ? add : old.plus(add));
    }

    /** Total of all parameters. */
    public Parameters totalParameters() {
        return parameters.values().stream().reduce(new Parameters(0, 0, 0), Parameters::plus);
    }

    /** Number of nodes, those of subgraphs included. */
    public long nodeCount() {
        return nodes.size();
    }

    /** {@code counts} ordered most frequent first, ties by name. */
    static Map<String, Long> byFrequency(Map<String, Long> counts) {
        Map<String, Long> ordered = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> ordered.put(e.getKey(), e.getValue()));
        return ordered;
    }

    private static long bytes(TensorProto t, long elements) {
        if (t.getDataType() == DataType.STRING_VALUE) {
            return t.getStringDataList().stream().mapToLong(ByteString::size).sum();
        }
        int bits = elementBits(t.getDataType());
        if (bits == 0) {
            return t.getRawData().size();
        }
        return (elements * bits + 7) / 8;
    }

    /** Bits of one element of an ONNX element type; 0 when unknown. */
    static int elementBits(int dataType) {
        DataType type = DataType.forNumber(dataType);
        if (type == null) {
            return 0;
        }
        return switch (type) {
            case BOOL, INT8, UINT8, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ -> 8;
            case INT4, UINT4 -> 4;
            case INT16, UINT16, FLOAT16, BFLOAT16 -> 16;
            case INT32, UINT32, FLOAT -> 32;
            case INT64, UINT64, DOUBLE, COMPLEX64 -> 64;
            case COMPLEX128 -> 128;
            default -> 0;
        };
    }
}
