package org.quant4j.sensitivity;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.opset.OpsetConverter;
import org.quant4j.onnx.ops.OpSpec.QdqRole;
import org.quant4j.onnx.ops.OpTable;
import org.quant4j.onnx.quantize.GraphQuantization;
import org.quant4j.onnx.quantize.QuantizationContext;
import org.quant4j.onnx.quantize.StaticQdqQuantizer;
import org.quant4j.onnx.quantize.TensorCalibration;
import org.quant4j.onnx.transform.TransformPipeline;

/**
 * The float model as static quantization sees it (after the inference transforms, opset 13 or
 * more), from which every variant is built: {@link #quantized} rewrites a copy with a config and the
 * one calibration table, so variants differ only in which nodes are left in float. Its layers may
 * sit in the main graph or in the subgraphs nested in it (If branches, Loop and Scan bodies), as
 * the quantizer plans them all.
 */
public final class PreparedModel {

    private final Graph graph;
    private final List<Graph> scopes;

    private PreparedModel(Graph graph) {
        this.graph = graph;
        List<Graph> all = new ArrayList<>();
        all.add(graph);
        all.addAll(graph.nestedSubgraphs());
        this.scopes = List.copyOf(all);
    }

    /** Reads {@code file} and applies what the quantizer applies before planning. */
    public static PreparedModel read(Path file) {
        Graph graph = OnnxModel.read(file).graph();
        TransformPipeline.inference().apply(graph);
        if (graph.opset() < StaticQdqQuantizer.REQUIRED_OPSET) {
            OpsetConverter.convert(graph, StaticQdqQuantizer.REQUIRED_OPSET);
        }
        return new PreparedModel(graph);
    }

    /** A copy of the float graph, free to rewrite. */
    public synchronized Graph copy() {
        return Graph.of(graph.toModel());
    }

    /** The float graph itself: callers must not modify it. */
    public Graph graph() {
        return graph;
    }

    /**
     * The main graph first, then every subgraph nested in it, depth first ({@link Graph#nestedSubgraphs}):
     * the scopes the quantizer plans. Callers must not modify them.
     */
    public List<Graph> scopes() {
        return scopes;
    }

    /** The graph, main or nested, that holds node {@code name}; empty when no scope does. */
    public Optional<Graph> scopeOf(String name) {
        return scopes.stream().filter(g -> g.node(name).isPresent()).findFirst();
    }

    /**
     * The quantized copy and what the quantizer decided.
     *
     * @param graph  the quantized graph
     * @param result the quantizer's decisions
     */
    public record Quantized(Graph graph, GraphQuantization result) {
    }

    /** A copy quantized (static QDQ) with {@code config}, ranges from {@code table}. */
    public Quantized quantized(QuantizationConfig config, TensorCalibration table) {
        Graph copy = copy();
        GraphQuantization result = new StaticQdqQuantizer().quantize(copy,
                QuantizationContext.calibratedBy(config, table));
        return new Quantized(copy, result);
    }

    /**
     * The layers a sensitivity analysis varies: the compute nodes (Conv, Gemm, MatMul, Add, ...)
     * that the full INT8 quantization quantized, in graph order (the main graph's, then each nested
     * subgraph's); a node of a subgraph that never ran on the calibration data has no ranges, stays
     * float in every variant and is no layer.
     */
    public static List<NodeDecision> layers(GraphQuantization full) {
        List<NodeDecision> layers = new ArrayList<>();
        for (NodeDecision d : full.decisions()) {
            if (d.action() == NodeDecision.Action.QUANTIZED && OpTable.get(d.opType()).qdq() == QdqRole.COMPUTE) {
                layers.add(d);
            }
        }
        return layers;
    }

}
