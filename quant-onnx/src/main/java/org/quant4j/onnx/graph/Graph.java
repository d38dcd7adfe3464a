package org.quant4j.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Collectors;
import org.quant4j.api.ModelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mutable ONNX graph for rewriting: nodes indexed by name, the producer and consumers of every
 * tensor, initializers by name, graph inputs and outputs with their shapes where known, and the
 * opset imports of the model. {@link #toModel()} turns it back into a model with nodes in
 * topological order.
 *
 * <p>Every node has a unique, non-empty name (unnamed nodes of a file get one on load), so
 * rewrites address nodes by name. A graph is not thread-safe.
 */
public final class Graph {

    private static final Logger LOG = LoggerFactory.getLogger(Graph.class);

    /** ONNX IR version written into models created from scratch (ONNX 1.10+, read by every recent runtime). */
    public static final long DEFAULT_IR_VERSION = 8;

    /** Producer name written into models created from scratch. */
    public static final String PRODUCER = "quant4j";

    /** The file the model was read from, which writing never replaces; null when there is none. */
    private final Path source;
    private final ModelProto.Builder modelFields;
    private final GraphProto graphFields;
    /** The enclosing graph of a subgraph, whose names the subgraph sees; null for the main graph. */
    private final Graph parent;
    /** The node of {@link #parent} whose attribute {@link #attribute} holds this subgraph; null for the main graph. */
    private final String owner;
    private final String attribute;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, Long> order = new HashMap<>();
    private final Map<String, String> producers = new HashMap<>();
    private final Map<String, Set<String>> consumers = new HashMap<>();
    private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    private final List<TensorInfo> inputs = new ArrayList<>();
    private final List<TensorInfo> outputs = new ArrayList<>();
    private final Map<String, TensorInfo> valueInfo = new LinkedHashMap<>();
    private final Map<String, Long> opsets = new LinkedHashMap<>();
    private final Set<String> reserved = new HashSet<>();
    private long nextOrder;
    private List<Node> sorted;

    private Graph(Path source, ModelProto model) {
        this(source, model.toBuilder().clearGraph().clearOpsetImport(), model.getGraph(), null, null, null);
        for (OperatorSetIdProto id : model.getOpsetImportList()) {
            opsets.put(Node.normalizeDomain(id.getDomain()), id.getVersion());
        }
    }

    private Graph(Path source, ModelProto.Builder modelFields, GraphProto g, Graph parent, String owner,
            String attribute) {
        this.source = source;
        this.modelFields = modelFields;
        this.parent = parent;
        this.owner = owner;
        this.attribute = attribute;
        this.graphFields = g.toBuilder().clearNode().clearInitializer().clearInput().clearOutput().clearValueInfo().build();
        for (TensorProto t : g.getInitializerList()) {
            if (initializers.put(t.getName(), t) != null) {
                throw new ModelException("Graph '" + g.getName() + "' has two initializers named '" + t.getName()
                        + "': the model is invalid");
            }
        }
        for (ValueInfoProto v : g.getInputList()) {
            inputs.add(new TensorInfo(v));
        }
        for (ValueInfoProto v : g.getOutputList()) {
            outputs.add(new TensorInfo(v));
        }
        for (ValueInfoProto v : g.getValueInfoList()) {
            valueInfo.put(v.getName(), new TensorInfo(v));
        }
        Set<String> fileNames = new HashSet<>();
        for (NodeProto p : g.getNodeList()) {
            fileNames.add(p.getName());
        }
        reserved.addAll(fileNames);
        Set<String> used = new HashSet<>();
        for (NodeProto p : g.getNodeList()) {
            String name = p.getName();
            if (name.isEmpty() || !used.add(name)) {
                String fresh = uniqueName(p.getOpType());
                LOG.debug("Node {} ({}) of graph '{}' is renamed to '{}' so that every node has a unique name",
                        name.isEmpty() ? "<unnamed>" : "'" + name + "'", p.getOpType(), g.getName(), fresh);
                name = fresh;
                used.add(name);
            }
            addNode(Node.fromProto(p, name));
        }
    }

    /** A mutable copy of {@code model}'s graph. */
    public static Graph of(OnnxModel model) {
        return new Graph(model.source().orElse(null), model.proto());
    }

    /**
     * An empty graph of a new model: IR version {@value #DEFAULT_IR_VERSION}, producer
     * {@value #PRODUCER}, default-domain opset {@code opset}.
     */
    public static Graph create(String name, int opset) {
        if (opset < OnnxModel.MIN_OPSET || opset > OnnxModel.MAX_OPSET) {
            throw new IllegalArgumentException("Opset must be in " + OnnxModel.MIN_OPSET + ".." + OnnxModel.MAX_OPSET
                    + ", got " + opset);
        }
        ModelProto m = ModelProto.newBuilder()
                .setIrVersion(DEFAULT_IR_VERSION)
                .setProducerName(PRODUCER)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(GraphProto.newBuilder().setName(Objects.requireNonNull(name, "name")))
                .build();
        return new Graph(null, m);
    }

    // ---------------------------------------------------------------- queries

    /** The graph's name. */
    public String name() {
        return graphFields.getName();
    }

    /** All nodes in topological order (stable: file order wherever the dependencies allow it). */
    public List<Node> nodes() {
        return topologicalSort();
    }

    public int nodeCount() {
        return nodes.size();
    }

    public Optional<Node> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    /** The node that produces {@code tensor}; empty for graph inputs, initializers and unknown names. */
    public Optional<Node> producer(String tensor) {
        String n = producers.get(tensor);
        return n == null ? Optional.empty() : Optional.of(nodes.get(n));
    }

    /** Nodes that read {@code tensor}, directly or from a subgraph, in insertion order. */
    public List<Node> consumers(String tensor) {
        Set<String> names = consumers.get(tensor);
        if (names == null) {
            return List.of();
        }
        List<Node> list = new ArrayList<>(names.size());
        for (String n : names) {
            list.add(nodes.get(n));
        }
        return list;
    }

    public List<TensorInfo> inputs() {
        return List.copyOf(inputs);
    }

    public List<TensorInfo> outputs() {
        return List.copyOf(outputs);
    }

    public boolean isGraphInput(String tensor) {
        return inputs.stream().anyMatch(i -> i.name().equals(tensor));
    }

    public boolean isGraphOutput(String tensor) {
        return outputs.stream().anyMatch(o -> o.name().equals(tensor));
    }

    /** Whether {@code tensor} is an initializer of this graph or, for a subgraph, one it sees in an enclosing graph. */
    public boolean isInitializer(String tensor) {
        return initializers.containsKey(tensor)
                || parent != null && !definesLocally(tensor) && parent.isInitializer(tensor);
    }

    /**
     * What is known about {@code tensor}: its graph input or output declaration, or its
     * {@code value_info} entry.
     */
    public Optional<TensorInfo> tensorInfo(String tensor) {
        for (TensorInfo i : inputs) {
            if (i.name().equals(tensor)) {
                return Optional.of(i);
            }
        }
        for (TensorInfo o : outputs) {
            if (o.name().equals(tensor)) {
                return Optional.of(o);
            }
        }
        TensorInfo info = valueInfo.get(tensor);
        if (info == null && parent != null && !definesLocally(tensor)) {
            return parent.tensorInfo(tensor);
        }
        return Optional.ofNullable(info);
    }

    /** The shape of {@code tensor} when known: an initializer's dims or a declared shape. */
    public Optional<long[]> shape(String tensor) {
        Optional<TensorProto> t = initializer(tensor);
        if (t.isPresent()) {
            return Optional.of(TensorProtos.dims(t.get()));
        }
        return tensorInfo(tensor).flatMap(TensorInfo::shape);
    }

    /** Records what is known about an intermediate tensor (its {@code value_info}). */
    public void setValueInfo(TensorInfo info) {
        valueInfo.put(info.name(), info);
    }

    // ---------------------------------------------------------------- initializers

    /** All initializers by name, in insertion order (read-only view). */
    public Map<String, TensorProto> initializers() {
        return Collections.unmodifiableMap(initializers);
    }

    /** Initializer {@code name} of this graph or, for a subgraph, of an enclosing graph that it sees. */
    public Optional<TensorProto> initializer(String name) {
        TensorProto t = initializers.get(name);
        if (t == null && parent != null && !definesLocally(name)) {
            return parent.initializer(name);
        }
        return Optional.ofNullable(t);
    }

    /**
     * The values of a FLOAT initializer (of an enclosing graph too, as {@link #initializer}).
     *
     * @throws ModelException when the initializer exists but is not FLOAT
     */
    public Optional<FloatTensor> floatInitializer(String name) {
        return initializer(name).map(TensorProtos::toFloatTensor);
    }

    /** Adds or replaces the initializer {@code tensor.getName()}. */
    public void putInitializer(TensorProto tensor) {
        String name = tensor.getName();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("An initializer needs a name");
        }
        if (producers.containsKey(name)) {
            throw new IllegalArgumentException("Cannot add initializer '" + name + "': node '" + producers.get(name)
                    + "' already produces a tensor of that name");
        }
        if (isGraphInput(name) && !initializers.containsKey(name)) {
            throw new IllegalArgumentException("Cannot add initializer '" + name + "': it is a graph input");
        }
        initializers.put(name, tensor);
        sorted = null;
    }

    /** Adds or replaces a FLOAT initializer; returns {@code name}. */
    public String putInitializer(String name, FloatTensor values) {
        putInitializer(TensorProtos.floats(name, values));
        return name;
    }

    /** Removes an initializer (and its graph-input declaration, if the model lists it as an input). */
    public Optional<TensorProto> removeInitializer(String name) {
        TensorProto t = initializers.remove(name);
        if (t != null) {
            inputs.removeIf(i -> i.name().equals(name));
            sorted = null;
        }
        return Optional.ofNullable(t);
    }

    /** Removes every initializer that no node reads and that is not a graph output; returns their names. */
    public List<String> removeUnusedInitializers() {
        return List.copyOf(initializers.keySet()).stream().filter(this::removeInitializerIfUnused).toList();
    }

    // ---------------------------------------------------------------- nodes

    /**
     * Adds a node. Its name must be new, and none of its outputs may already be produced by a node,
     * be an initializer or a graph input (ONNX graphs are in static single assignment form).
     */
    public void addNode(Node node) {
        checkNew(node);
        insert(node, nextOrder++);
    }

    /**
     * Adds a node as {@link #addNode} does, placed right after node {@code anchor} in the stable
     * order: the topological order then runs it as soon as its inputs are ready, not at the end.
     */
    public void addNodeAfter(String anchor, Node node) {
        long at = order.get(requireNode(anchor).name());
        checkNew(node);
        order.replaceAll((name, position) -> position > at ? position + 1 : position);
        nextOrder++;
        insert(node, at + 1);
    }

    /** A new node's name must be free and none of its outputs may be provided yet. */
    private void checkNew(Node node) {
        if (nodes.containsKey(node.name())) {
            throw new IllegalArgumentException("The graph already has a node named '" + node.name()
                    + "': use uniqueName() for new nodes");
        }
        checkOutputsFree(node, null);
    }

    /** Removes the node named {@code name}; its outputs then have no producer until something else writes them. */
    public Node removeNode(String name) {
        Node n = requireNode(name);
        unindex(n);
        return n;
    }

    /**
     * Replaces the node named {@code name} with {@code replacement}, which keeps its place in the
     * stable order. The replacement may have another name, inputs, outputs and attributes.
     */
    public void replaceNode(String name, Node replacement) {
        Node old = requireNode(name);
        if (!replacement.name().equals(name) && nodes.containsKey(replacement.name())) {
            throw new IllegalArgumentException("Cannot rename node '" + name + "' to '" + replacement.name()
                    + "': that name is taken");
        }
        checkOutputsFree(replacement, old);
        long position = order.get(name);
        unindex(old);
        insert(replacement, position);
    }

    /** Makes node {@code nodeName} read {@code to} wherever it read {@code from}. */
    public void replaceUse(String nodeName, String from, String to) {
        Node n = requireNode(nodeName);
        if (n.subgraphInputs().contains(from)) {
            throw new ModelException("Tensor '" + from + "' is read inside a subgraph of node '" + nodeName + "' ("
                    + n.opType() + "): quant4j does not rewrite subgraphs");
        }
        List<String> in = new ArrayList<>(n.inputs());
        boolean found = false;
        for (int i = 0; i < in.size(); i++) {
            if (in.get(i).equals(from)) {
                in.set(i, to);
                found = true;
            }
        }
        if (!found) {
            throw new IllegalArgumentException("Node '" + nodeName + "' does not read tensor '" + from + "'");
        }
        replaceNode(nodeName, n.withInputs(in));
    }

    /** Makes every node that reads {@code from} read {@code to}; graph outputs are left alone. */
    public void replaceUses(String from, String to) {
        for (Node n : consumers(from)) {
            replaceUse(n.name(), from, to);
        }
    }

    /**
     * Renames a tensor everywhere: its producer's output (or the initializer), every use, graph
     * outputs and value_info. Graph inputs keep their names, since they are the model's interface.
     */
    public void renameTensor(String from, String to) {
        if (from.equals(to)) {
            return;
        }
        if (isGraphInput(from)) {
            throw new IllegalArgumentException("Tensor '" + from + "' is a graph input; renaming it would change the"
                    + " model's interface");
        }
        if (isNameTaken(to)) {
            throw new IllegalArgumentException("Cannot rename tensor '" + from + "' to '" + to + "': the name is taken");
        }
        rename(from, to);
    }

    private void rename(String from, String to) {
        String producer = producers.get(from);
        if (producer != null) {
            Node p = nodes.get(producer);
            List<String> out = new ArrayList<>(p.outputs());
            out.replaceAll(o -> o.equals(from) ? to : o);
            replaceNode(producer, p.withOutputs(out));
        }
        TensorProto init = initializers.remove(from);
        if (init != null) {
            initializers.put(to, init.toBuilder().setName(to).build());
        }
        replaceUses(from, to);
        outputs.replaceAll(o -> o.name().equals(from) ? o.withName(to) : o);
        TensorInfo vi = valueInfo.remove(from);
        if (vi != null) {
            valueInfo.put(to, vi.withName(to));
        }
        sorted = null;
    }

    /**
     * Why the pass-through node {@code nodeName} (Identity, inference Dropout) cannot be removed by
     * {@link #bypass}, or empty when it can.
     */
    public Optional<String> bypassBlocker(String nodeName) {
        Node n = requireNode(nodeName);
        String x = n.input(0);
        String y = n.output(0);
        if (x.isEmpty() || y.isEmpty()) {
            return Optional.of("it has no data input or no output");
        }
        for (int i = 1; i < n.outputs().size(); i++) {
            String extra = n.outputs().get(i);
            if (!extra.isEmpty() && (consumers.containsKey(extra) || isGraphOutput(extra))) {
                return Optional.of("its output '" + extra + "' is used");
            }
        }
        for (Node c : consumers(y)) {
            if (c.subgraphInputs().contains(y)) {
                return Optional.of("its output is read inside a subgraph of node '" + c.name() + "'");
            }
        }
        if (isGraphOutput(y)) {
            if (!producers.containsKey(x) || isGraphOutput(x)) {
                return Optional.of("its output '" + y + "' is a graph output and its input '" + x
                        + "' is a graph input, initializer or graph output, so both names need the node");
            }
            for (Node c : consumers(x)) {
                if (c.subgraphInputs().contains(x)) {
                    return Optional.of("its input is read inside a subgraph of node '" + c.name() + "'");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Removes a pass-through node whose output equals its first input: its consumers then read that
     * input. When the output is a graph output, the input's producer is renamed to write the output
     * name instead, so graph outputs keep their names.
     *
     * @throws IllegalStateException with the reason when {@link #bypassBlocker} reports one
     */
    public void bypass(String nodeName) {
        Optional<String> blocker = bypassBlocker(nodeName);
        if (blocker.isPresent()) {
            throw new IllegalStateException("Cannot remove node '" + nodeName + "': " + blocker.get());
        }
        Node n = removeNode(nodeName);
        String x = n.input(0);
        String y = n.output(0);
        if (isGraphOutput(y)) {
            rename(x, y);
        } else {
            replaceUses(y, x);
            valueInfo.remove(y);
        }
    }

    /** Removes initializer {@code name} when no node reads it and it is not a graph output; true if removed. */
    public boolean removeInitializerIfUnused(String name) {
        if (initializers.containsKey(name) && !consumers.containsKey(name) && !isGraphOutput(name)) {
            removeInitializer(name);
            return true;
        }
        return false;
    }

    /**
     * Removes initializer {@code name} when nothing reads it, as {@link #removeInitializerIfUnused}
     * does, and keeps its name taken so that {@link #uniqueName} never hands it out: for a rewrite
     * that frees each tensor it replaces as it goes (a float weight once its int8 copy is in) and
     * names what it adds as it would with the tensor still there.
     */
    public boolean releaseInitializerIfUnused(String name) {
        if (removeInitializerIfUnused(name)) {
            reserved.add(name);
            return true;
        }
        return false;
    }

    /** Declares {@code tensor} a graph output, with its known type and shape or as float32 of unknown shape. */
    public void addOutput(String tensor) {
        addOutput(tensorInfo(tensor).map(i -> i.withName(tensor))
                .orElse(TensorInfo.floatTensorOfUnknownShape(tensor)));
    }

    /** Declares a graph output. */
    public void addOutput(TensorInfo info) {
        if (isGraphOutput(info.name())) {
            throw new IllegalArgumentException("'" + info.name() + "' is already a graph output");
        }
        outputs.add(info);
        sorted = null;
    }

    /** Declares a graph input (an activation, not an initializer). */
    public void addInput(TensorInfo info) {
        if (isNameTaken(info.name())) {
            throw new IllegalArgumentException("Cannot add graph input '" + info.name() + "': the name is taken");
        }
        inputs.add(info);
        sorted = null;
    }

    /**
     * A name not used by any node, tensor, initializer or earlier call: {@code base} itself when it is
     * free, else {@code base_1}, {@code base_2}, ...
     */
    public String uniqueName(String base) {
        String candidate = base;
        for (int i = 1; isNameTaken(candidate); i++) {
            candidate = base + "_" + i;
        }
        // Reserved in the enclosing graphs too: no subgraph name may shadow an outer one, nor two subgraphs clash.
        for (Graph g = this; g != null; g = g.parent) {
            g.reserved.add(candidate);
        }
        return candidate;
    }

    // ---------------------------------------------------------------- subgraphs

    /** Whether this is the main graph of a model (not a subgraph of a node). */
    public boolean isMainGraph() {
        return parent == null;
    }

    /** The enclosing graph of a subgraph; empty for the main graph. */
    public Optional<Graph> parent() {
        return Optional.ofNullable(parent);
    }

    /** The node of the enclosing graph that holds this subgraph; empty for the main graph. */
    public Optional<String> owner() {
        return Optional.ofNullable(owner);
    }

    /** The attribute of {@link #owner()} that holds this subgraph ({@code then_branch}, {@code body}); empty for the main graph. */
    public Optional<String> ownerAttribute() {
        return Optional.ofNullable(attribute);
    }

    /**
     * Where this graph sits in the model: {@code ""} for the main graph, else the enclosing graph's
     * path, the owner node's name and the attribute, as in {@code /If_0.then_branch}.
     */
    public String path() {
        return parent == null ? "" : parent.path() + "/" + owner + "." + attribute;
    }

    /**
     * The subgraphs of this graph's nodes (the {@code then_branch} and {@code else_branch} of If,
     * the {@code body} of Loop and Scan, any graph attribute), each a mutable graph that sees this
     * graph's tensors and initializers as ONNX's outer scope does, in topological order of their
     * nodes. Changes to a subgraph reach this graph only through {@link #writeBack()}.
     */
    public List<Graph> subgraphs() {
        List<Graph> list = new ArrayList<>();
        for (Node n : topologicalSort()) {
            for (AttributeProto a : n.attributes().values()) {
                if (a.hasG()) {
                    list.add(new Graph(null, null, a.getG(), this, n.name(), a.getName()));
                }
            }
        }
        return list;
    }

    /**
     * Every subgraph nested in this graph, at any depth, depth first: a subgraph comes before the
     * subgraphs of its own nodes. Each is linked to the one that holds it, so writing them back in
     * reverse order ({@link #writeBackAll}) carries every change up to this graph.
     */
    public List<Graph> nestedSubgraphs() {
        List<Graph> all = new ArrayList<>();
        for (Graph child : subgraphs()) {
            all.add(child);
            all.addAll(child.nestedSubgraphs());
        }
        return all;
    }

    /**
     * An empty subgraph of this graph, to build the branch of an If or the body of a Loop or Scan:
     * it sees this graph's tensors as outer scope, and names it makes are reserved here too. Put it
     * into a node attribute as {@link #toGraphProto()}.
     */
    public Graph newSubgraph(String name) {
        return new Graph(null, null, GraphProto.newBuilder().setName(Objects.requireNonNull(name, "name")).build(),
                this, null, null);
    }

    /** Writes this subgraph, as it is now, into the attribute of its owner node in the enclosing graph. */
    public void writeBack() {
        if (parent == null || owner == null) {
            throw new IllegalStateException("Graph '" + name() + "' is not the subgraph of a node");
        }
        Node n = parent.requireNode(owner);
        parent.replaceNode(owner, n.withAttribute(Attributes.graph(attribute, toGraphProto())));
    }

    /** Writes back every graph of {@code nested} ({@link #nestedSubgraphs()} of one graph), deepest first. */
    public static void writeBackAll(List<Graph> nested) {
        for (int i = nested.size() - 1; i >= 0; i--) {
            nested.get(i).writeBack();
        }
    }

    /**
     * Removes the initializers of nested subgraphs that no node reads any more (a subgraph's
     * initializers are no part of the model's interface), deepest first, so that an initializer read
     * only by a deeper subgraph that no longer reads it goes too; returns their names.
     */
    public List<String> removeUnusedSubgraphInitializers() {
        List<String> removed = new ArrayList<>();
        List<Graph> nested = nestedSubgraphs();
        for (int i = nested.size() - 1; i >= 0; i--) {
            List<String> gone = nested.get(i).removeUnusedInitializers();
            if (!gone.isEmpty()) {
                removed.addAll(gone);
                nested.get(i).writeBack();
            }
        }
        return removed;
    }

    /**
     * Applies {@code rewrite} to every subgraph nested in this graph, an enclosing subgraph before
     * those it holds (so a subgraph sees what the rewrite made of its outer scope, a Constant folded
     * into an initializer, say), then writes them all back; this graph itself is not passed to it.
     */
    public void rewriteSubgraphs(java.util.function.Consumer<Graph> rewrite) {
        List<Graph> nested = nestedSubgraphs();
        nested.forEach(rewrite);
        writeBackAll(nested);
    }

    // ---------------------------------------------------------------- opsets

    /** Version of the default ONNX domain's opset. */
    public long opset() {
        return parent != null ? parent.opset() : opsets.getOrDefault(Node.DEFAULT_DOMAIN, -1L);
    }

    /** Opset version per domain ({@code ""} is the default ONNX domain). */
    public Map<String, Long> opsetImports() {
        return parent != null ? parent.opsetImports() : Collections.unmodifiableMap(opsets);
    }

    /** Declares (or changes) the opset version of a domain, e.g. {@code com.microsoft} 1. */
    public void setOpsetImport(String domain, long version) {
        if (parent != null) {
            parent.setOpsetImport(domain, version);
            return;
        }
        opsets.put(Node.normalizeDomain(domain), version);
    }

    /** ONNX IR version of the model. */
    public long irVersion() {
        return parent != null ? parent.irVersion() : modelFields.getIrVersion();
    }

    /**
     * Sets the ONNX IR version of the model. Raising the opset may need a newer IR version; the
     * opset converter ({@code org.quant4j.onnx.opset.OpsetConverter}) does both.
     */
    public void setIrVersion(long version) {
        if (version < 1) {
            throw new IllegalArgumentException("IR versions start at 1, got " + version);
        }
        if (parent != null) {
            parent.setIrVersion(version);
            return;
        }
        modelFields.setIrVersion(version);
    }

    // ---------------------------------------------------------------- ordering and output

    /**
     * Sorts the nodes topologically (Kahn's algorithm, ties broken by insertion order) and returns them.
     *
     * @throws ModelException when the graph has a cycle, or a node reads a tensor that nothing provides
     */
    public List<Node> topologicalSort() {
        if (sorted != null) {
            return sorted;
        }
        Map<String, Set<String>> dependents = new HashMap<>();
        Map<String, Integer> pending = new HashMap<>();
        for (Node n : nodes.values()) {
            Set<String> deps = new HashSet<>();
            for (String t : reads(n)) {
                String p = producers.get(t);
                if (p != null) {
                    deps.add(p);
                } else if (!isGraphInput(t) && !initializers.containsKey(t) && (parent == null || !parent.isVisible(t))) {
                    throw new ModelException("Node '" + n.name() + "' (" + n.opType() + ") reads tensor '" + t
                            + "', which no node produces and which is neither a graph input nor an initializer");
                }
            }
            pending.put(n.name(), deps.size());
            for (String d : deps) {
                dependents.computeIfAbsent(d, k -> new LinkedHashSet<>()).add(n.name());
            }
        }
        PriorityQueue<String> ready = new PriorityQueue<>((a, b) -> Long.compare(order.get(a), order.get(b)));
        pending.forEach((n, c) -> {
            if (c == 0) {
                ready.add(n);
            }
        });
        List<Node> result = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            String n = ready.poll();
            result.add(nodes.get(n));
            for (String d : dependents.getOrDefault(n, Set.of())) {
                if (pending.merge(d, -1, Integer::sum) == 0) {
                    ready.add(d);
                }
            }
        }
        if (result.size() != nodes.size()) {
            String cycle = pending.entrySet().stream().filter(e -> e.getValue() > 0)
                    .map(e -> "'" + e.getKey() + "' (" + nodes.get(e.getKey()).opType() + ")")
                    .sorted().limit(10).collect(Collectors.joining(", "));
            throw new ModelException("Graph '" + name() + "' has a cycle: these nodes wait on each other: " + cycle
                    + ". ONNX graphs must be acyclic; check the last rewrite");
        }
        for (TensorInfo o : outputs) {
            if (!isVisible(o.name())) {
                throw new ModelException("Graph output '" + o.name() + "' is produced by no node of graph '" + name()
                        + "'");
            }
        }
        sorted = Collections.unmodifiableList(result);
        return sorted;
    }

    /** The graph as a model proto: nodes in topological order, value_info only for tensors that still exist. */
    public ModelProto toProto() {
        if (parent != null) {
            throw new IllegalStateException("Graph '" + name() + "' is a subgraph of node '" + owner + "': write it back"
                    + " with writeBack() and make the model from the main graph");
        }
        ModelProto.Builder m = modelFields.clone().setGraph(toGraphProto());
        opsets.forEach((domain, version) ->
                m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version)));
        return m.build();
    }

    /** The graph alone as a graph proto: nodes in topological order, value_info only for tensors that still exist. */
    public GraphProto toGraphProto() {
        List<Node> ordered = topologicalSort();
        GraphProto.Builder g = graphFields.toBuilder();
        for (Node n : ordered) {
            g.addNode(n.toProto());
        }
        g.addAllInitializer(initializers.values());
        inputs.forEach(i -> g.addInput(i.proto()));
        outputs.forEach(o -> g.addOutput(o.proto()));
        valueInfo.values().stream().filter(v -> producers.containsKey(v.name()) && !isGraphOutput(v.name()))
                .forEach(v -> g.addValueInfo(v.proto()));
        return g.build();
    }

    /** The graph as a validated model; a graph read from a file remembers it, so writing never overwrites it. */
    public OnnxModel toModel() {
        ModelProto proto = toProto();
        return source != null ? OnnxModel.derived(proto, source) : OnnxModel.of(proto);
    }

    @Override
    public String toString() {
        return "Graph['" + name() + "', opset " + opset() + ", " + nodes.size() + " nodes, " + initializers.size()
                + " initializers]";
    }

    // ---------------------------------------------------------------- internals

    private Node requireNode(String name) {
        Node n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("Graph '" + name() + "' has no node named '" + name + "'");
        }
        return n;
    }

    private boolean isNameTaken(String name) {
        return reserved.contains(name) || nodes.containsKey(name) || producers.containsKey(name)
                || consumers.containsKey(name) || initializers.containsKey(name) || valueInfo.containsKey(name)
                || isGraphInput(name) || isGraphOutput(name) || parent != null && parent.isNameTaken(name);
    }

    /** Whether this graph itself provides {@code tensor}: a node output, graph input or initializer of its own. */
    private boolean definesLocally(String tensor) {
        return producers.containsKey(tensor) || initializers.containsKey(tensor) || isGraphInput(tensor);
    }

    /** Whether {@code tensor} is provided here or, for a subgraph, in an enclosing graph. */
    private boolean isVisible(String tensor) {
        return definesLocally(tensor) || parent != null && parent.isVisible(tensor);
    }

    private void checkOutputsFree(Node node, Node replaced) {
        Set<String> seen = new HashSet<>();
        for (String out : node.outputs()) {
            if (out.isEmpty()) {
                continue;
            }
            if (!seen.add(out)) {
                throw new IllegalArgumentException("Node '" + node.name() + "' lists output '" + out + "' twice");
            }
            String p = producers.get(out);
            if (p != null && (replaced == null || !p.equals(replaced.name()))) {
                throw new IllegalArgumentException("Node '" + node.name() + "' cannot produce '" + out + "': node '"
                        + p + "' already does");
            }
            if (initializers.containsKey(out) || isGraphInput(out)) {
                throw new IllegalArgumentException("Node '" + node.name() + "' cannot produce '" + out
                        + "': it is an initializer or graph input");
            }
        }
    }

    private static Set<String> reads(Node n) {
        Set<String> r = new LinkedHashSet<>();
        for (String in : n.inputs()) {
            if (!in.isEmpty()) {
                r.add(in);
            }
        }
        r.addAll(n.subgraphInputs());
        return r;
    }

    private void insert(Node node, long position) {
        nodes.put(node.name(), node);
        order.put(node.name(), position);
        reserved.add(node.name());
        for (String out : node.outputs()) {
            if (!out.isEmpty()) {
                producers.put(out, node.name());
            }
        }
        for (String in : reads(node)) {
            consumers.computeIfAbsent(in, k -> new LinkedHashSet<>()).add(node.name());
        }
        for (AttributeProto a : node.attributes().values()) {
            if (a.hasG()) {
                reserveNames(a.getG());
            }
            a.getGraphsList().forEach(this::reserveNames);
        }
        sorted = null;
    }

    /** Reserves every name a subgraph holds, so that no new name of this graph shadows one of them. */
    private void reserveNames(GraphProto g) {
        g.getInputList().forEach(v -> reserved.add(v.getName()));
        g.getOutputList().forEach(v -> reserved.add(v.getName()));
        g.getInitializerList().forEach(t -> reserved.add(t.getName()));
        for (NodeProto n : g.getNodeList()) {
            reserved.add(n.getName());
            reserved.addAll(n.getOutputList());
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    reserveNames(a.getG());
                }
                a.getGraphsList().forEach(this::reserveNames);
            }
        }
    }

    private void unindex(Node node) {
        nodes.remove(node.name());
        order.remove(node.name());
        for (String out : node.outputs()) {
            if (!out.isEmpty()) {
                producers.remove(out, node.name());
            }
        }
        for (String in : reads(node)) {
            Set<String> c = consumers.get(in);
            if (c != null) {
                c.remove(node.name());
                if (c.isEmpty()) {
                    consumers.remove(in);
                }
            }
        }
        sorted = null;
    }
}
