package org.quant4j.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.quant4j.api.ModelException;

/**
 * An immutable ONNX node: name, operator type and domain, input and output tensor names and
 * attributes. An empty input name marks an omitted optional input, as in ONNX. Rewrites make a
 * changed copy with the {@code with*} methods and hand it to {@link Graph#replaceNode}.
 */
public final class Node {

    /** The default ONNX operator domain. */
    public static final String DEFAULT_DOMAIN = "";

    private final String name;
    private final String opType;
    private final String domain;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, AttributeProto> attributes;
    private final String docString;
    private final Set<String> subgraphInputs;

    private Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
            Map<String, AttributeProto> attributes, String docString) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("A node needs a non-empty name (op " + opType + ")");
        }
        if (opType == null || opType.isEmpty()) {
            throw new IllegalArgumentException("Node '" + name + "' needs an operator type");
        }
        this.name = name;
        this.opType = opType;
        this.domain = normalizeDomain(domain);
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        this.docString = Objects.requireNonNullElse(docString, "");
        this.subgraphInputs = outerScopeNames(this.attributes.values());
    }

    /** A node of the default domain without attributes. */
    public static Node of(String name, String opType, List<String> inputs, List<String> outputs) {
        return new Node(name, opType, DEFAULT_DOMAIN, inputs, outputs, Map.of(), "");
    }

    /** A node with attributes; {@code domain} {@code ""} or {@code "ai.onnx"} is the default domain. */
    public static Node of(String name, String opType, String domain, List<String> inputs, List<String> outputs,
            List<AttributeProto> attributes) {
        Map<String, AttributeProto> map = new LinkedHashMap<>();
        for (AttributeProto a : attributes) {
            if (map.put(a.getName(), a) != null) {
                throw new IllegalArgumentException("Node '" + name + "' has attribute '" + a.getName() + "' twice");
            }
        }
        return new Node(name, opType, domain, inputs, outputs, map, "");
    }

    /** The node described by {@code proto}, named {@code name} (used when the proto has no name). */
    static Node fromProto(NodeProto proto, String name) {
        Map<String, AttributeProto> map = new LinkedHashMap<>();
        for (AttributeProto a : proto.getAttributeList()) {
            if (map.put(a.getName(), a) != null) {
                throw new ModelException("Node '" + name + "' (" + proto.getOpType() + ") has attribute '" + a.getName()
                        + "' twice: the model is invalid");
            }
        }
        return new Node(name, proto.getOpType(), proto.getDomain(), proto.getInputList(), proto.getOutputList(), map,
                proto.getDocString());
    }

    /** This node as a protobuf message. */
    public NodeProto toProto() {
        NodeProto.Builder b = NodeProto.newBuilder().setName(name).setOpType(opType)
                .addAllInput(inputs).addAllOutput(outputs).addAllAttribute(attributes.values());
        if (!domain.isEmpty()) {
            b.setDomain(domain);
        }
        if (!docString.isEmpty()) {
            b.setDocString(docString);
        }
        return b.build();
    }

    public String name() {
        return name;
    }

    public String opType() {
        return opType;
    }

    /** Operator domain; {@code ""} for the default ONNX domain. */
    public String domain() {
        return domain;
    }

    /** True for an operator of the default ONNX domain with this type. */
    public boolean is(String type) {
        return domain.isEmpty() && opType.equals(type);
    }

    public List<String> inputs() {
        return inputs;
    }

    /** Input {@code i}, or {@code ""} when the node has fewer inputs or the input is omitted. */
    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    public List<String> outputs() {
        return outputs;
    }

    /** Output {@code i}, or {@code ""} when the node has fewer outputs or the output is omitted. */
    public String output(int i) {
        return i < outputs.size() ? outputs.get(i) : "";
    }

    public Map<String, AttributeProto> attributes() {
        return attributes;
    }

    public Optional<AttributeProto> attribute(String attr) {
        return Optional.ofNullable(attributes.get(attr));
    }

    /** Value of INT attribute {@code attr}, or {@code dflt} when absent. */
    public long intAttribute(String attr, long dflt) {
        AttributeProto a = attributes.get(attr);
        return a == null ? dflt : typed(a, AttributeType.INT).getI();
    }

    /** Value of FLOAT attribute {@code attr}, or {@code dflt} when absent. */
    public float floatAttribute(String attr, float dflt) {
        AttributeProto a = attributes.get(attr);
        return a == null ? dflt : typed(a, AttributeType.FLOAT).getF();
    }

    /** Value of INTS attribute {@code attr}, or empty when absent. */
    public Optional<long[]> intsAttribute(String attr) {
        AttributeProto a = attributes.get(attr);
        return a == null ? Optional.empty()
                : Optional.of(typed(a, AttributeType.INTS).getIntsList().stream().mapToLong(Long::longValue).toArray());
    }

    /** Value of STRING attribute {@code attr}, or {@code dflt} when absent. */
    public String stringAttribute(String attr, String dflt) {
        AttributeProto a = attributes.get(attr);
        return a == null ? dflt : typed(a, AttributeType.STRING).getS().toStringUtf8();
    }

    /**
     * Names from the enclosing graph that subgraph attributes (of {@code If}, {@code Loop},
     * {@code Scan}) read. These are uses of outer tensors that do not appear in {@link #inputs()}.
     */
    public Set<String> subgraphInputs() {
        return subgraphInputs;
    }

    /** A copy named {@code newName}. */
    public Node withName(String newName) {
        return new Node(newName, opType, domain, inputs, outputs, attributes, docString);
    }

    public Node withInputs(List<String> newInputs) {
        return new Node(name, opType, domain, newInputs, outputs, attributes, docString);
    }

    /** A copy whose input {@code i} is {@code tensor}; the input list grows with omitted inputs as needed. */
    public Node withInput(int i, String tensor) {
        List<String> in = new ArrayList<>(inputs);
        while (in.size() <= i) {
            in.add("");
        }
        in.set(i, tensor);
        return withInputs(in);
    }

    public Node withOutputs(List<String> newOutputs) {
        return new Node(name, opType, domain, inputs, newOutputs, attributes, docString);
    }

    /** A copy with {@code attr} added or replacing the attribute of the same name. */
    public Node withAttribute(AttributeProto attr) {
        Map<String, AttributeProto> map = new LinkedHashMap<>(attributes);
        map.put(attr.getName(), attr);
        return new Node(name, opType, domain, inputs, outputs, map, docString);
    }

    public Node withoutAttribute(String attr) {
        Map<String, AttributeProto> map = new LinkedHashMap<>(attributes);
        map.remove(attr);
        return new Node(name, opType, domain, inputs, outputs, map, docString);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Node n && name.equals(n.name) && opType.equals(n.opType) && domain.equals(n.domain)
                && inputs.equals(n.inputs) && outputs.equals(n.outputs) && attributes.equals(n.attributes)
                && docString.equals(n.docString);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, opType, domain, inputs, outputs);
    }

    @Override
    public String toString() {
        return (domain.isEmpty() ? "" : domain + ":") + opType + " '" + name + "' " + inputs + " -> " + outputs;
    }

    static String normalizeDomain(String domain) {
        return domain == null || domain.equals("ai.onnx") ? DEFAULT_DOMAIN : domain;
    }

    private AttributeProto typed(AttributeProto a, AttributeType expected) {
        if (a.getType() != expected) {
            throw new ModelException("Attribute '" + a.getName() + "' of node '" + name + "' (" + opType + ") is "
                    + a.getType() + ", expected " + expected);
        }
        return a;
    }

    private static Set<String> outerScopeNames(Iterable<AttributeProto> attrs) {
        Set<String> names = new LinkedHashSet<>();
        for (AttributeProto a : attrs) {
            if (a.hasG()) {
                collectOuterNames(a.getG(), names);
            }
            for (GraphProto g : a.getGraphsList()) {
                collectOuterNames(g, names);
            }
        }
        return names.isEmpty() ? Set.of() : Collections.unmodifiableSet(names);
    }

    /** Adds the names {@code g} reads but does not define itself (its inputs, initializers, node outputs). */
    private static void collectOuterNames(GraphProto g, Set<String> out) {
        Set<String> local = new HashSet<>();
        for (ValueInfoProto v : g.getInputList()) {
            local.add(v.getName());
        }
        for (TensorProto t : g.getInitializerList()) {
            local.add(t.getName());
        }
        for (NodeProto n : g.getNodeList()) {
            local.addAll(n.getOutputList());
        }
        for (NodeProto n : g.getNodeList()) {
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !local.contains(in)) {
                    out.add(in);
                }
            }
            for (AttributeProto a : n.getAttributeList()) {
                Set<String> nested = new LinkedHashSet<>();
                if (a.hasG()) {
                    collectOuterNames(a.getG(), nested);
                }
                for (GraphProto sub : a.getGraphsList()) {
                    collectOuterNames(sub, nested);
                }
                for (String s : nested) {
                    if (!local.contains(s)) {
                        out.add(s);
                    }
                }
            }
        }
        for (ValueInfoProto v : g.getOutputList()) {
            if (!local.contains(v.getName())) {
                out.add(v.getName());
            }
        }
    }
}
