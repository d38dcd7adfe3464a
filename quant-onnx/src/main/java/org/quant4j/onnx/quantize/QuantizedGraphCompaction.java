package org.quant4j.onnx.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.TensorProtos;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shrinks what a quantizer added to a graph without changing any value the model computes: the
 * quantization parameters and node protos that, next to int8 weights, weigh 10-20% of a small
 * model's INT8 file. Only names the quantizer generated are touched (every name {@link #names}
 * found before quantizing is kept, graph inputs and outputs always):
 * <ul>
 *   <li>generated node and tensor names become short ({@code q1k}) instead of
 *       {@code model/conv2d/Conv2D_weights_fused_bn_DequantizeLinear};</li>
 *   <li>generated initializers with identical contents (the same scale or zero point of several
 *       tensors) are stored once;</li>
 *   <li>a generated DequantizeLinear of an int32 bias drops its zero point, all zeros, the default
 *       of the optional input: four bytes per output channel (ONNX Runtime 1.29 still fuses
 *       QLinearConv and QGemm and computes the same outputs, as the tests check);</li>
 *   <li>{@code value_info} of generated tensors is not written (ONNX Runtime infers it).</li>
 * </ul>
 * Subgraphs of If, Loop and Scan nodes are compacted the same way, names being unique across a
 * model's scopes.
 */
public final class QuantizedGraphCompaction {

    private static final Logger LOG = LoggerFactory.getLogger(QuantizedGraphCompaction.class);

    private static final String DEQUANTIZE = "DequantizeLinear";

    private final Set<String> kept;
    private final Predicate<String> taken;
    private final Map<String, String> renamed = new HashMap<>();
    private final Set<String> omittedZeroPoints = new HashSet<>();
    private int nextName;

    /**
     * What the compaction did.
     *
     * @param renamed            generated names made short
     * @param shared             generated initializers replaced by an identical one
     * @param omittedZeroPoints  all-zero zero points no longer read by a DequantizeLinear
     */
    public record Summary(int renamed, int shared, int omittedZeroPoints) {
    }

    private QuantizedGraphCompaction(Set<String> kept, Predicate<String> taken) {
        this.kept = kept;
        this.taken = taken;
    }

    /**
     * Every node and tensor name of {@code graph}, its subgraphs included: taken before quantizing,
     * these are the names {@link #apply} keeps.
     */
    public static Set<String> names(Graph graph) {
        Set<String> names = new HashSet<>(graph.initializers().keySet());
        graph.inputs().forEach(i -> names.add(i.name()));
        graph.outputs().forEach(o -> names.add(o.name()));
        graph.nodes().forEach(n -> collectNames(n.toProto(), names));
        names.remove("");
        return names;
    }

    /**
     * Compacts {@code graph}, a graph a quantizer rewrote, keeping {@code kept} names (from
     * {@link #names} before quantizing) and the graph's inputs and outputs.
     */
    public static Summary apply(Graph graph, Set<String> kept) {
        Set<String> keep = new HashSet<>(kept);
        graph.inputs().forEach(i -> keep.add(i.name()));
        graph.outputs().forEach(o -> keep.add(o.name()));
        Set<String> taken = names(graph);
        // A stale value_info entry would give a fresh name the type of a tensor the graph no longer has.
        QuantizedGraphCompaction c = new QuantizedGraphCompaction(keep,
                name -> taken.contains(name) || graph.tensorInfo(name).isPresent());
        Summary s = c.compact(graph);
        LOG.debug("Compacted graph '{}': {} generated names shortened, {} initializers shared, {} zero points"
                + " omitted", graph.name(), s.renamed(), s.shared(), s.omittedZeroPoints());
        return s;
    }

    private Summary compact(Graph graph) {
        Map<String, TensorProto> initializers = new LinkedHashMap<>(graph.initializers());
        int shared = shareIdentical(initializers);
        List<Node> nodes = graph.nodes();
        for (Node n : nodes) {
            name(n.name());
            n.inputs().forEach(this::name);
            n.outputs().forEach(this::name);
        }
        for (Node n : nodes) {
            Node compacted = compact(n, initializers::get);
            if (!compacted.equals(n)) {
                graph.replaceNode(n.name(), compacted);
            }
        }
        for (Map.Entry<String, TensorProto> e : initializers.entrySet()) {
            String name = e.getKey();
            if (kept.contains(name)) {
                continue;
            }
            graph.removeInitializer(name);
            String to = renamed.getOrDefault(name, name);
            if (!to.equals(name) && !graph.isInitializer(to) && !graph.consumers(to).isEmpty()) {
                graph.putInitializer(e.getValue().toBuilder().setName(to).build());
            }
        }
        return new Summary(renamed.size(), shared, omittedZeroPoints.size());
    }

    /**
     * Maps each generated initializer whose contents equal an earlier one to that one's name;
     * returns how many were mapped.
     */
    private int shareIdentical(Map<String, TensorProto> initializers) {
        Map<ByteString, String> first = new HashMap<>();
        int shared = 0;
        for (Map.Entry<String, TensorProto> e : initializers.entrySet()) {
            if (kept.contains(e.getKey())) {
                continue;
            }
            ByteString contents = e.getValue().toBuilder().clearName().build().toByteString();
            String earlier = first.putIfAbsent(contents, e.getKey());
            if (earlier != null) {
                renamed.put(e.getKey(), name(earlier));
                shared++;
            }
        }
        return shared;
    }

    /** The short name of generated {@code name}, given on first sight; a kept or empty name stays. */
    private String name(String name) {
        if (name.isEmpty() || kept.contains(name)) {
            return name;
        }
        String existing = renamed.get(name);
        if (existing != null) {
            return existing;
        }
        String fresh;
        do {
            fresh = "q" + Integer.toString(nextName++, Character.MAX_RADIX);
        } while (taken.test(fresh) || kept.contains(fresh));
        renamed.put(name, fresh);
        return fresh;
    }

    /** {@code n} with generated names short, a bias's zero zero point dropped, subgraphs compacted. */
    private Node compact(Node n, Function<String, TensorProto> initializer) {
        NodeProto p = compact(n.toProto(), initializer);
        Node c = n.withName(p.getName()).withInputs(p.getInputList()).withOutputs(p.getOutputList());
        for (String a : n.attributes().keySet()) {
            c = c.withoutAttribute(a);
        }
        for (AttributeProto a : p.getAttributeList()) {
            c = c.withAttribute(a);
        }
        return c;
    }

    private NodeProto compact(NodeProto n, Function<String, TensorProto> initializer) {
        NodeProto.Builder b = n.toBuilder().setName(name(n.getName())).clearInput().clearOutput().clearAttribute();
        List<String> inputs = new ArrayList<>(n.getInputList());
        boolean generatedDequantize = n.getOpType().equals(DEQUANTIZE) && n.getDomain().isEmpty()
                && !kept.contains(n.getName());
        if (generatedDequantize && inputs.size() == 3 && zeroPointIsDefault(inputs, initializer)) {
            omittedZeroPoints.add(inputs.remove(2));
        }
        inputs.forEach(i -> b.addInput(name(i)));
        n.getOutputList().forEach(o -> b.addOutput(name(o)));
        n.getAttributeList().forEach(a -> b.addAttribute(compact(a, initializer)));
        return b.build();
    }

    /**
     * Whether the zero point of a DequantizeLinear of a constant int32 tensor (a bias) is all zeros,
     * the value ONNX gives the input when absent. An int8 weight keeps its zero point: without it,
     * ONNX Runtime 1.29 no longer fuses a Gemm into QGemm (a Conv still becomes QLinearConv).
     */
    private static boolean zeroPointIsDefault(List<String> inputs, Function<String, TensorProto> initializer) {
        TensorProto x = initializer.apply(inputs.get(0));
        TensorProto zeroPoint = initializer.apply(inputs.get(2));
        if (x == null || zeroPoint == null || zeroPoint.getDataType() != x.getDataType()) {
            return false;
        }
        if (x.getDataType() != TensorProto.DataType.INT32_VALUE) {
            return false;
        }
        for (int z : TensorProtos.toInts(zeroPoint)) {
            if (z != 0) {
                return false;
            }
        }
        return true;
    }

    private AttributeProto compact(AttributeProto a, Function<String, TensorProto> outer) {
        if (!a.hasG() && a.getGraphsCount() == 0) {
            return a;
        }
        AttributeProto.Builder b = a.toBuilder();
        if (a.hasG()) {
            b.setG(compact(a.getG(), outer));
        }
        b.clearGraphs();
        a.getGraphsList().forEach(g -> b.addGraphs(compact(g, outer)));
        return b.build();
    }

    /** A subgraph with the same compaction; its initializers hide the enclosing graph's. */
    private GraphProto compact(GraphProto g, Function<String, TensorProto> outer) {
        Map<String, TensorProto> local = new HashMap<>();
        g.getInitializerList().forEach(t -> local.put(t.getName(), t));
        Function<String, TensorProto> scope = name -> local.containsKey(name) ? local.get(name) : outer.apply(name);
        GraphProto.Builder b = g.toBuilder().clearNode().clearInitializer().clearInput().clearOutput().clearValueInfo();
        Set<String> read = new HashSet<>();
        for (NodeProto n : g.getNodeList()) {
            NodeProto c = compact(n, scope);
            b.addNode(c);
            read.addAll(c.getInputList());
            Set<String> nested = new LinkedHashSet<>();
            c.getAttributeList().forEach(a -> subgraphs(a).forEach(s -> collectNames(s, nested)));
            read.addAll(nested);
        }
        g.getOutputList().forEach(o -> read.add(name(o.getName())));
        for (TensorProto t : g.getInitializerList()) {
            String to = name(t.getName());
            if (kept.contains(t.getName()) || read.contains(to)) {
                b.addInitializer(t.toBuilder().setName(to));
            }
        }
        g.getInputList().forEach(v -> b.addInput(v.toBuilder().setName(name(v.getName()))));
        g.getOutputList().forEach(v -> b.addOutput(v.toBuilder().setName(name(v.getName()))));
        for (ValueInfoProto v : g.getValueInfoList()) {
            if (kept.contains(v.getName())) {
                b.addValueInfo(v);
            }
        }
        return b.build();
    }

    private static List<GraphProto> subgraphs(AttributeProto a) {
        List<GraphProto> list = new ArrayList<>(a.getGraphsList());
        if (a.hasG()) {
            list.add(a.getG());
        }
        return list;
    }

    private static void collectNames(GraphProto g, Set<String> names) {
        g.getInputList().forEach(v -> names.add(v.getName()));
        g.getOutputList().forEach(v -> names.add(v.getName()));
        g.getValueInfoList().forEach(v -> names.add(v.getName()));
        g.getInitializerList().forEach(t -> names.add(t.getName()));
        g.getNodeList().forEach(n -> collectNames(n, names));
    }

    private static void collectNames(NodeProto n, Set<String> names) {
        names.add(n.getName());
        names.addAll(n.getInputList());
        names.addAll(n.getOutputList());
        n.getAttributeList().forEach(a -> subgraphs(a).forEach(s -> collectNames(s, names)));
    }
}
