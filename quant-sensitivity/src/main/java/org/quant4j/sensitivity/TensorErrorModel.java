package org.quant4j.sensitivity;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import org.quant4j.api.ModelException;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnx.graph.TensorProtos;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model that measures the quantization error of every quantized activation in a single run:
 * it holds the float graph, the INT8 (QDQ) graph with every tensor renamed {@code q/...}, and, for
 * each quantized compute node, a copy {@code l/...} that reads the <em>float</em> graph's tensors
 * through the same QuantizeLinear/DequantizeLinear parameters. Per quantized tensor {@code t} that
 * an analysed layer produces (the DequantizeLinear output, compared with the float tensor it stands
 * for) it outputs, for a batch of n samples, {@code sum((int8 - fp32)^2)} over the batch
 * (accumulated, {@code err/acc/t}), the same for the local copy ({@code err/loc/t}) and
 * {@code sum(fp32^2)} ({@code sig/t}), each of shape {@code [n, 1]}, holding the sum for the first
 * sample and 0 for the others. Averaged over the samples of every batch, these are the totals
 * over the data divided by the number of samples, so that {@code 10 log10(sig / err)} is the SQNR
 * pooled over every element of every sample, in dB.
 *
 * <p>With a local sub-sample of k samples ({@link #build(Graph, Graph, boolean, Set, int)}), the local
 * copies run on the first k samples of each run only (a {@code Slice} of the float tensors they read),
 * and {@code sig/sub/t} holds {@code sum(fp32^2)} over those samples, the signal of their local error.
 *
 * <p>The sums are taken inside the model so that only three numbers per tensor and batch leave the
 * runtime (with zeros around them); {@link #zeroModel} gives outputs of the same names that are all
 * zero, so that a fidelity evaluation of the two (through the Evaluator SPI) reports each output's
 * mean as its mean absolute error.
 */
final class TensorErrorModel {

    private static final Logger LOG = LoggerFactory.getLogger(TensorErrorModel.class);

    static final String ACCUMULATED = "err/acc/";
    static final String LOCAL = "err/loc/";
    static final String SIGNAL = "sig/";
    static final String SUB_SIGNAL = "sig/sub/";
    private static final String Q = "q/";
    private static final String L = "l/";

    private final Graph model;
    private final Map<String, String> probes;
    private final Map<String, LocalError> local;

    /**
     * The outputs holding a tensor's local error: its noise sum and the signal sum over the same samples.
     *
     * @param noise  {@code err/loc/t}, or {@code err/acc/t} for a layer reading only graph inputs
     * @param signal {@code sig/t}, or {@code sig/sub/t} when the local copies run on a sub-sample
     */
    record LocalError(String noise, String signal) {
    }

    private TensorErrorModel(Graph model, Map<String, String> probes, Map<String, LocalError> local) {
        this.model = model;
        this.probes = probes;
        this.local = local;
    }

    /** The model to run. */
    Graph model() {
        return model;
    }

    /** Each probed float tensor and the compute node (or graph input) that produces it in the float graph. */
    Map<String, String> probes() {
        return probes;
    }

    /**
     * The probed tensors with a local error, each with the outputs that hold it: {@code err/loc/t}, or
     * {@code err/acc/t} (over every sample) when the layer reads only graph inputs, so that its local
     * copy would compute exactly what the INT8 graph computes and is not added.
     */
    Map<String, LocalError> local() {
        return local;
    }

    /**
     * Builds the error model of {@code fp32} and its QDQ form {@code int8}.
     *
     * @param withLocal whether to add the local copies (the pass then costs about one more float run)
     * @param layers    the nodes whose quantized outputs to measure; the tensors other nodes produce
     *                  (an activation inside a layer, the graph input) are not probed, because every
     *                  probe costs the sums and keeps ONNX Runtime from fusing the float graph around it
     * @throws ModelException when a graph has subgraphs (If, Loop, Scan), whose tensor names cannot be
     *                        renamed
     */
    static TensorErrorModel build(Graph fp32, Graph int8, boolean withLocal, Set<String> layers) {
        return build(fp32, int8, withLocal, layers, 0);
    }

    /**
     * Builds the error model of {@code fp32} and its QDQ form {@code int8}, with the local copies run on
     * the first {@code localSamples} samples of each run (every sample for 0).
     *
     * @param localSamples samples of each run the local copies measure, 0 for all; the run's data should
     *                     be in a random order, so that they are a random sub-sample
     * @see #build(Graph, Graph, boolean, Set)
     */
    static TensorErrorModel build(Graph fp32, Graph int8, boolean withLocal, Set<String> layers, int localSamples) {
        return build(fp32, int8, withLocal, layers, localSamples, true);
    }

    /**
     * The error model's graphs without any measurement, for timing what holding them costs: the float
     * graph, the INT8 graph, both graphs' outputs as outputs, and with {@code withLocal} every local copy
     * of the error model, whose quantized (uint8) outputs are outputs too, so that the runtime keeps them.
     * No difference, sum or extra DequantizeLinear is added.
     */
    static Graph unmeasured(Graph fp32, Graph int8, boolean withLocal, Set<String> layers) {
        return build(fp32, int8, withLocal, layers, 0, false).model;
    }

    private static TensorErrorModel build(Graph fp32, Graph int8, boolean withLocal, Set<String> layers,
            int localSamples, boolean measure) {
        if (localSamples < 0) {
            throw new IllegalArgumentException("localSamples must be >= 0, got " + localSamples);
        }
        for (Node n : int8.nodes()) {
            if (!n.subgraphInputs().isEmpty() || n.attributes().values().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0)) {
                throw new ModelException("Node '" + n.name() + "' (" + n.opType() + ") holds a subgraph; the per-tensor"
                        + " error pass cannot rename its tensors. Run the analysis without the tensor errors");
            }
        }
        Graph g = Graph.create(fp32.name() + "-errors", (int) fp32.opset());
        fp32.opsetImports().forEach(g::setOpsetImport);
        g.setIrVersion(Math.max(fp32.irVersion(), int8.irVersion()));
        fp32.inputs().stream().filter(i -> !fp32.isInitializer(i.name())).forEach(g::addInput);
        Set<String> inputs = new HashSet<>();
        fp32.inputs().forEach(i -> inputs.add(i.name()));
        fp32.initializers().values().forEach(g::putInitializer);
        fp32.nodes().forEach(g::addNode);
        for (TensorProto t : int8.initializers().values()) {
            g.putInitializer(t.toBuilder().setName(Q + t.getName()).build());
        }
        for (Node n : int8.nodes()) {
            g.addNode(n.withName(Q + n.name()).withInputs(renamed(n.inputs(), inputs))
                    .withOutputs(renamed(n.outputs(), inputs)));
        }

        String first = fp32.inputs().stream().filter(i -> !fp32.isInitializer(i.name())).findFirst()
                .orElseThrow(() -> new ModelException("Model graph '" + fp32.name() + "' has no input")).name();
        String firstOfBatch = measure ? addFirstOfBatch(g, first) : null;
        if (!measure) {
            fp32.outputs().forEach(g::addOutput);
            int8.outputs().forEach(o -> g.addOutput(o.withName(renamed(List.of(o.name()), inputs).get(0))));
        }
        Sample sample = new Sample(g, localSamples);

        Map<String, String> probes = new LinkedHashMap<>();
        Map<String, LocalError> local = new LinkedHashMap<>();
        Set<String> signals = new HashSet<>();
        for (Node quantize : int8.nodes()) {
            if (!quantize.is("QuantizeLinear") || int8.isInitializer(quantize.input(0))) {
                continue;
            }
            Optional<Node> dq = int8.consumers(quantize.output(0)).stream().filter(c -> c.is("DequantizeLinear"))
                    .findFirst();
            if (dq.isEmpty()) {
                continue;
            }
            String source = quantize.input(0);
            String dqOut = dq.get().output(0);
            String reference = floatTensor(fp32, source).or(() -> floatTensor(fp32, dqOut)).orElse(null);
            if (reference == null || probes.containsKey(reference)) {
                continue;
            }
            String producer = int8.producer(source).map(Node::name).orElse(source);
            if (!layers.contains(producer)) {
                continue;
            }
            probes.put(reference, producer);
            if (measure && signals.add(reference)) {
                addError(g, SIGNAL + reference, reference, null, firstOfBatch);
            }
            if (measure) {
                addError(g, ACCUMULATED + reference, Q + dqOut, reference, firstOfBatch);
            }
            if (withLocal && readsOnlyGraphInputs(int8, source, inputs)) {
                local.put(reference, new LocalError(ACCUMULATED + reference, SIGNAL + reference));
            } else if (withLocal) {
                Optional<String[]> copy = localCopy(g, fp32, int8, quantize, dq.get(), inputs, sample);
                if (copy.isPresent() && !measure) {
                    // The copy's quantized output, so that the runtime keeps the copy (an output is not pruned).
                    g.addOutput(quantizedOutput(copy.get()[0], int8, quantize));
                } else if (copy.isPresent()) {
                    String signal = SIGNAL + reference;
                    if (sample.active()) {
                        signal = SUB_SIGNAL + reference;
                        addError(g, signal, sample.of(reference), null, firstOfBatch);
                    }
                    addError(g, LOCAL + reference, copy.get()[1], sample.of(reference), firstOfBatch);
                    local.put(reference, new LocalError(LOCAL + reference, signal));
                }
            }
        }
        LOG.debug("Error model of '{}': {} quantized tensors, {} with a local error", fp32.name(), probes.size(),
                local.size());
        return new TensorErrorModel(g, probes, local);
    }

    /**
     * A model with the float graph's inputs whose outputs are those of {@code errors}, each all zero of
     * shape {@code [n, 1]}.
     */
    static Graph zeroModel(Graph fp32, TensorErrorModel errors) {
        Graph g = Graph.create(fp32.name() + "-zeros", (int) fp32.opset());
        g.setIrVersion(fp32.irVersion());
        fp32.inputs().stream().filter(i -> !fp32.isInitializer(i.name())).forEach(g::addInput);
        String first = fp32.inputs().stream().filter(i -> !fp32.isInitializer(i.name())).findFirst().orElseThrow()
                .name();
        String zeros = addZeros(g, first);
        for (TensorInfo out : errors.model.outputs()) {
            g.addNode(Node.of("zero/" + out.name(), "Identity", List.of(zeros), List.of(out.name())));
            g.addOutput(TensorInfo.floatTensor(out.name(), TensorInfo.DYNAMIC, 1));
        }
        return g;
    }

    /** Output {@code name} of the type {@code quantize} gives: its zero point's, uint8 without one. */
    private static TensorInfo quantizedOutput(String name, Graph int8, Node quantize) {
        TensorProto zeroPoint = quantize.inputs().size() > 2 ? int8.initializers().get(quantize.input(2)) : null;
        int type = zeroPoint == null ? TensorProto.DataType.UINT8_VALUE : zeroPoint.getDataType();
        return new TensorInfo(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type))).build());
    }

    /** The name in the float graph of a tensor of the QDQ graph, if the float graph computes it. */
    private static Optional<String> floatTensor(Graph fp32, String tensor) {
        if (fp32.producer(tensor).isPresent() || fp32.isGraphInput(tensor) && !fp32.isInitializer(tensor)) {
            return Optional.of(tensor);
        }
        return Optional.empty();
    }

    private static List<String> renamed(List<String> names, Set<String> inputs) {
        List<String> out = new ArrayList<>(names.size());
        for (String n : names) {
            out.add(n.isEmpty() || inputs.contains(n) ? n : Q + n);
        }
        return out;
    }

    /**
     * Adds {@code zeros/n}, zeros of shape {@code [n, 1]} for a batch of n samples of input {@code input}.
     */
    private static String addZeros(Graph g, String input) {
        g.putInitializer(TensorProtos.int64Vector("zeros/axes", 1));
        g.putInitializer(TensorProtos.floats("zeros/zero", org.quant4j.onnx.graph.FloatTensor.scalar(0f)));
        g.addNode(Node.of("zeros/cast", "Cast", "", List.of(input), List.of("zeros/float"),
                List.of(Attributes.integer("to", TensorProto.DataType.FLOAT_VALUE))));
        g.addNode(Node.of("zeros/flatten", "Flatten", "", List.of("zeros/float"), List.of("zeros/flat"),
                List.of(Attributes.integer("axis", 1))));
        g.addNode(Node.of("zeros/mul", "Mul", List.of("zeros/flat", "zeros/zero"), List.of("zeros/zeroed")));
        g.addNode(Node.of("zeros/sum", "ReduceSum", "", List.of("zeros/zeroed", "zeros/axes"), List.of("zeros/n"),
                List.of(Attributes.integer("keepdims", 1))));
        return "zeros/n";
    }

    /**
     * Adds {@code err/first/n}, the column {@code [1, 0, ..., 0]} of shape {@code [n, 1]} for a batch of
     * n samples of input {@code input}.
     */
    private static String addFirstOfBatch(Graph g, String input) {
        g.putInitializer(TensorProtos.int64Vector("err/first/index", 0));
        g.putInitializer(TensorProtos.floats("err/first/values",
                new org.quant4j.onnx.graph.FloatTensor(new long[] {2}, new float[] {0f, 1f})));
        g.addNode(Node.of("err/first/shape", "Shape", List.of(input), List.of("err/first/shape")));
        g.addNode(Node.of("err/first/batch", "Gather", "", List.of("err/first/shape", "err/first/index"),
                List.of("err/first/batch"), List.of(Attributes.integer("axis", 0))));
        g.addNode(Node.of("err/first/n", "OneHot", "", List.of("err/first/index", "err/first/batch",
                "err/first/values"), List.of("err/first/n"), List.of(Attributes.integer("axis", 0))));
        return "err/first/n";
    }

    /**
     * Adds output {@code name} of shape {@code [n, 1]}: {@code sum((a - b)^2)} (or {@code sum(a^2)} when
     * {@code b} is null) over the whole batch for the first sample, 0 for the others ({@code first}).
     * Its mean over the samples of every batch is the sum over the data divided by the number of
     * samples. (Summing each sample's row instead takes ONNX Runtime's reduction along an axis, 5 to 7
     * times slower than the reduction over every element.)
     */
    private static void addError(Graph g, String name, String a, String b, String first) {
        String diff = a;
        if (b != null) {
            diff = name + "/diff";
            g.addNode(Node.of(name + "/sub", "Sub", List.of(a, b), List.of(diff)));
        }
        // No axes: the sum over every axis, whatever the tensor's rank.
        g.addNode(Node.of(name + "/sum", "ReduceSumSquare", "", List.of(diff), List.of(name + "/total"),
                List.of(Attributes.integer("keepdims", 0))));
        g.addNode(Node.of(name + "/out", "Mul", List.of(name + "/total", first), List.of(name)));
        g.addOutput(TensorInfo.floatTensor(name, TensorInfo.DYNAMIC, 1));
    }

    /**
     * Whether the compute node producing {@code tensor} in the QDQ graph reads only graph inputs
     * (through their QuantizeLinear and DequantizeLinear), initializers and dequantized initializers,
     * with at least one quantized graph input: then its inputs are the same in the float and the
     * INT8 graph, and its local copy would repeat the INT8 graph's node.
     */
    private static boolean readsOnlyGraphInputs(Graph int8, String tensor, Set<String> inputs) {
        Optional<Node> producer = int8.producer(tensor);
        if (producer.isEmpty() || producer.get().is("QuantizeLinear") || producer.get().is("DequantizeLinear")) {
            return false;
        }
        boolean quantizedInput = false;
        for (String in : producer.get().inputs()) {
            if (in.isEmpty() || int8.isInitializer(in) || inputs.contains(in)) {
                continue;
            }
            Optional<Node> dq = int8.producer(in).filter(p -> p.is("DequantizeLinear"));
            if (dq.isEmpty()) {
                return false;
            }
            String quantized = dq.get().input(0);
            if (int8.isInitializer(quantized)) {
                continue;
            }
            Optional<Node> q = int8.producer(quantized).filter(p -> p.is("QuantizeLinear"));
            if (q.isEmpty() || !inputs.contains(q.get().input(0)) || int8.isInitializer(q.get().input(0))) {
                return false;
            }
            quantizedInput = true;
        }
        return quantizedInput;
    }

    /**
     * Adds the local copy of the compute node that produces {@code quantize}'s input in the QDQ graph:
     * the node reading the float graph's tensors through copies of its input QuantizeLinear and
     * DequantizeLinear pairs (weights and biases are the QDQ graph's), its output quantized as in
     * the QDQ graph.
     *
     * @return the copy's QuantizeLinear and DequantizeLinear outputs, or empty when the producer is not a
     *         compute node or reads a float tensor the float graph does not compute
     */
    private static Optional<String[]> localCopy(Graph g, Graph fp32, Graph int8, Node quantize, Node dequantize,
            Set<String> inputs, Sample sample) {
        Optional<Node> producer = int8.producer(quantize.input(0));
        if (producer.isEmpty() || producer.get().is("QuantizeLinear") || producer.get().is("DequantizeLinear")) {
            return Optional.empty();
        }
        Node node = producer.get();
        String prefix = L + node.name() + "/";
        List<String> ins = new ArrayList<>();
        boolean anyQuantizedInput = false;
        for (String in : node.inputs()) {
            Optional<Node> dq = in.isEmpty() ? Optional.empty() : int8.producer(in).filter(p -> p.is("DequantizeLinear"));
            Optional<Node> q = dq.flatMap(d -> int8.producer(d.input(0))).filter(p -> p.is("QuantizeLinear"));
            if (q.isPresent() && !int8.isInitializer(q.get().input(0))) {
                Optional<String> source = floatTensor(fp32, q.get().input(0));
                if (source.isEmpty()) {
                    return Optional.empty();
                }
                String quantized = prefix + q.get().output(0);
                String dequantized = prefix + dq.get().output(0);
                if (g.producer(dequantized).isEmpty()) {
                    g.addNode(q.get().withName(prefix + q.get().name())
                            .withInputs(with(renamed(q.get().inputs(), inputs), 0, sample.of(source.get())))
                            .withOutputs(List.of(quantized)));
                    g.addNode(dq.get().withName(prefix + dq.get().name())
                            .withInputs(with(renamed(dq.get().inputs(), inputs), 0, quantized))
                            .withOutputs(List.of(dequantized)));
                }
                ins.add(dequantized);
                anyQuantizedInput = true;
            } else if (inputs.contains(in) && !fp32.isInitializer(in)) {
                ins.add(sample.of(in));
            } else if (in.isEmpty() || inputs.contains(in) || int8.isInitializer(in) || dq.isPresent()) {
                ins.add(renamed(List.of(in), inputs).get(0));
            } else {
                Optional<String> source = floatTensor(fp32, in);
                if (source.isEmpty()) {
                    return Optional.empty();
                }
                ins.add(sample.of(source.get()));
            }
        }
        if (!anyQuantizedInput) {
            return Optional.empty();
        }
        List<String> outs = node.outputs().stream().map(o -> o.isEmpty() ? o : prefix + o).toList();
        g.addNode(node.withName(prefix + node.name()).withInputs(ins).withOutputs(outs));
        String quantized = prefix + "out/" + quantize.output(0);
        String dequantized = prefix + "out/" + dequantize.output(0);
        g.addNode(quantize.withName(prefix + "out/" + quantize.name())
                .withInputs(with(renamed(quantize.inputs(), inputs), 0, prefix + quantize.input(0)))
                .withOutputs(List.of(quantized)));
        g.addNode(dequantize.withName(prefix + "out/" + dequantize.name())
                .withInputs(with(renamed(dequantize.inputs(), inputs), 0, quantized))
                .withOutputs(List.of(dequantized)));
        return Optional.of(new String[] {quantized, dequantized});
    }

    /**
     * The first {@code k} samples (axis 0) of the float tensors the local copies read, each sliced once;
     * every sample, unsliced, for k = 0.
     */
    private static final class Sample {
        private final Graph g;
        private final int k;

        Sample(Graph g, int k) {
            this.g = g;
            this.k = k;
            if (k > 0) {
                g.putInitializer(TensorProtos.int64Vector("sub/starts", 0));
                g.putInitializer(TensorProtos.int64Vector("sub/ends", k));
                g.putInitializer(TensorProtos.int64Vector("sub/axes", 0));
            }
        }

        boolean active() {
            return k > 0;
        }

        String of(String tensor) {
            if (k == 0) {
                return tensor;
            }
            String sliced = "sub/" + tensor;
            if (g.producer(sliced).isEmpty()) {
                g.addNode(Node.of(sliced + "/slice", "Slice", List.of(tensor, "sub/starts", "sub/ends", "sub/axes"),
                        List.of(sliced)));
            }
            return sliced;
        }
    }

    private static List<String> with(List<String> list, int i, String value) {
        List<String> out = new ArrayList<>(list);
        out.set(i, value);
        return out;
    }
}
