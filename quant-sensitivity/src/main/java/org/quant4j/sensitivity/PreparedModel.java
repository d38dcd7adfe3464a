package org.quant4j.sensitivity;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;


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
 * one calibration table, so variants differ only in which nodes are left in float.
 */
public final class PreparedModel {

    private final Graph graph;

    private PreparedModel(Graph graph) {
        this.graph = graph;
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
     * that the full INT8 quantization quantized, in graph order.
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
