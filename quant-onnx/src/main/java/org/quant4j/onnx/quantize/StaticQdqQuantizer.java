package org.quant4j.onnx.quantize;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.Precision;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.TensorOverride;
import org.quant4j.api.TensorRange;
import org.quant4j.onnx.graph.TensorInfo;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.opset.OpsetConverter;
import org.quant4j.onnx.ops.OpSpec.QdqRole;
import org.quant4j.onnx.ops.OpTable;
import org.quant4j.api.ModelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static post-training quantization in QDQ form: calibrates activation ranges on the calibration
 * data (the backend's {@link TensorCalibration}), decides what to quantize ({@link QdqPlan}) and inserts
 * QuantizeLinear/DequantizeLinear pairs, int8 weights and int32 biases ({@link QdqRewriter}).
 * ONNX Runtime fuses the result into integer kernels (QLinearConv, QGemm, QLinearAdd, ...).
 *
 * <p>Weights are signed int8, symmetric, narrow range ({@code [-127, 127]}), per channel along the
 * output channels (Conv axis 0, ConvTranspose axis 1, Gemm axis 0 with {@code transB} else 1,
 * MatMul axis 1) or per tensor. Biases are int32 at scale {@code inputScale * weightScale}; where a
 * channel's weights are so close to zero that its bias would not fit, that channel's weight range
 * is widened until it does. Activations follow the config's scheme (uint8 asymmetric by default,
 * or int8 symmetric).
 *
 * <p>What ONNX Runtime 1.29 (CPU, x86-64) makes of the output, as the tests check:
 * <ul>
 *   <li>uint8 asymmetric activations: Relu and Clip(0, b) after a quantized op are removed, their
 *       QuantizeLinear clips instead, and every quantized op becomes an integer kernel (QLinearConv,
 *       QGemm, QLinearMatMul, QLinearAdd, QLinearGlobalAveragePool; MaxPool and Flatten run on
 *       uint8). This is the form to use on x86.</li>
 *   <li>int8 symmetric activations: a Relu cannot be absorbed (zero point 0 is not the lowest level
 *       -128) and stays in float between DequantizeLinear and QuantizeLinear; the Conv before it is
 *       still fused to QLinearConv (ONNX Runtime turns the int8 QuantizeLinear/DequantizeLinear
 *       pairs into uint8 ones, which it fuses). A tensor read by two ops (a residual branch) keeps
 *       one int8 QuantizeLinear feeding two DequantizeLinear nodes, which ONNX Runtime does not
 *       convert, so its readers run in float there.</li>
 *   <li>A float Conv, ConvTranspose or Gemm whose input comes from a DequantizeLinear and whose
 *       output reaches a QuantizeLinear is quantized by ONNX Runtime itself (with its own per-tensor
 *       weights and a bias that can overflow). So the output of a node left in float (excluded, or
 *       skipped) gets no QuantizeLinear, and the ops reading it run in float too; their decisions
 *       say so.</li>
 * </ul>
 */
public final class StaticQdqQuantizer implements GraphQuantizer {

    private static final Logger LOG = LoggerFactory.getLogger(StaticQdqQuantizer.class);

    /** Opset that DequantizeLinear needs for per-channel ({@code axis}) parameters. */
    public static final int REQUIRED_OPSET = 13;

    @Override
    public QuantizationMode mode() {
        return QuantizationMode.STATIC;
    }

    @Override
    public GraphQuantization quantize(Graph graph, QuantizationContext context) {
        QuantizationConfig config = context.config();
        Planned planned = plan(graph, context);
        Map<String, String> notes = new LinkedHashMap<>();
        Set<String> subgraphConstants = new LinkedHashSet<>();
        for (Scope scope : planned.scopes()) {
            if (scope.plan().computeNodes().isEmpty()) {
                continue;
            }
            notes.putAll(QdqRewriter.apply(scope.graph(), scope.plan(), context.listener()));
            if (!scope.graph().isMainGraph()) {
                scope.plan().computeNodes().values().forEach(r -> {
                    subgraphConstants.add(r.weight());
                    subgraphConstants.add(r.bias());
                    subgraphConstants.addAll(r.constants());
                });
            }
        }
        Graph.writeBackAll(planned.nested());
        // A subgraph's weight held by the main graph (outer scope) is left unread once the subgraph reads its int8 copy.
        subgraphConstants.stream().filter(c -> !c.isEmpty()).forEach(graph::removeInitializerIfUnused);
        graph.removeUnusedSubgraphInitializers();

        List<NodeDecision> decisions = new ArrayList<>();
        for (Scope scope : planned.scopes()) {
            String where = scope.graph().isMainGraph() ? "" : " (inside subgraph " + scope.graph().path() + ")";
            for (NodeDecision d : scope.plan().decisions()) {
                String note = notes.get(d.nodeName());
                String reason = d.reason() + (note == null ? "" : "; " + note) + where;
                decisions.add(reason.equals(d.reason()) ? d
                        : new NodeDecision(d.nodeName(), d.opType(), d.action(), reason));
            }
        }
        for (NodeDecision d : decisions) {
            LOG.debug("{} {} '{}': {}", d.action(), d.opType(), d.nodeName(), d.reason());
        }
        long quantized = decisions.stream().filter(d -> d.action() == NodeDecision.Action.QUANTIZED).count();
        LOG.info("Quantized {} of {} nodes of graph '{}' (static QDQ, {} weights per {}, {} activations)", quantized,
                decisions.size(), graph.name(), config.weightPrecision(), config.perChannel() ? "channel" : "tensor",
                config.activationScheme());
        return new GraphQuantization(decisions, planned.ranges(), planned.calibrationTime(), planned.warnings());
    }

    /**
     * Calibrates {@code graph} and plans its quantization exactly as {@link #quantize} does, but
     * returns where the quantizers go instead of rewriting the graph, which is left unchanged.
     * {@code graph} is the graph as {@code quantize} sees it: after the inference transforms
     * (BatchNormalization folding, Identity/Dropout removal). Subgraphs of If, Loop and Scan are
     * planned too; their quantizers are listed with the main graph's.
     */
    public static QdqLayout layout(Graph graph, QuantizationContext context) {
        List<QdqLayout.ActivationGroup> activations = new ArrayList<>();
        Map<String, QdqLayout.WeightSite> weights = new LinkedHashMap<>();
        for (Scope scope : plan(graph, context).scopes()) {
            QdqLayout l = scope.plan().layout();
            activations.addAll(l.activations());
            weights.putAll(l.weights());
        }
        return new QdqLayout(activations, weights);
    }

    /**
     * Calibrates {@code graph} and plans its quantization exactly as {@link #quantize} does, and
     * returns the ranges of the tensors the plan quantizes, the ranges {@code quantize} reports
     * (fixed ranges of tensor overrides included), with the samples run and the calibration time.
     * The graph is left unchanged; as for {@link #layout}, it is the graph after the inference
     * transforms.
     */
    public static CalibratedRanges calibratedRanges(Graph graph, QuantizationContext context) {
        Planned planned = plan(graph, context);
        return new CalibratedRanges(planned.ranges(), planned.samples(), planned.calibrationTime());
    }

    /** The plan of the main graph or of one subgraph nested in it. */
    private record Scope(Graph graph, QdqPlan plan) {
    }

    /**
     * @param nested the subgraphs nested in the main graph, linked to it ({@link Graph#nestedSubgraphs})
     * @param scopes the main graph's plan first, then one per nested subgraph
     */
    private record Planned(List<Graph> nested, List<Scope> scopes, long samples, Duration calibrationTime,
            List<String> warnings) {

        Map<String, TensorRange> ranges() {
            Map<String, TensorRange> ranges = new LinkedHashMap<>();
            scopes.forEach(s -> ranges.putAll(s.plan().ranges()));
            return ranges;
        }
    }

    /**
     * Calibrates and plans the main graph and every subgraph nested in it (If branches, Loop and
     * Scan bodies), from one calibration pass: the backend's {@link TensorCalibration} observes the
     * tensors of subgraphs too. The output of a Conv, Gemm or other compute op that only a Relu or Clip
     * reads is not calibrated at first: with asymmetric activations the plan absorbs the activation
     * into the QuantizeLinear after the op and quantizes the activation's output instead, so that
     * range is never used, and observing the tensor would keep ONNX Runtime from fusing the pair.
     * The plan is made with the activation output's range standing in; should it quantize one of
     * those tensors after all (an absorption failed), they are calibrated in a second pass and the
     * plan is made again from real ranges.
     */
    private static Planned plan(Graph graph, QuantizationContext context) {
        QuantizationConfig config = context.config();
        List<Graph> nested = graph.nestedSubgraphs();
        List<Graph> graphs = new ArrayList<>();
        graphs.add(graph);
        graphs.addAll(nested);
        Set<String> candidates = checkedCandidates(graph, graphs, config);
        Map<String, String> deferred = new LinkedHashMap<>();
        if (context.calibration().isPresent()) {
            graphs.forEach(g -> deferred.putAll(QdqPlan.absorbablePreActivations(g, config, candidates)));
        }
        Set<String> first = new LinkedHashSet<>(candidates);
        first.removeAll(deferred.keySet());
        CalibratedRanges calibration = calibrateFor(graph, context, first);
        Map<String, TensorRange> ranges = new LinkedHashMap<>(calibration.ranges());
        deferred.forEach((pre, post) -> {
            // Float32 exactly when the activation's output is: Relu and Clip keep the type.
            if (ranges.containsKey(post)) {
                ranges.put(pre, ranges.get(post));
            }
        });
        List<Scope> scopes = planAll(graphs, config, ranges);
        Duration time = calibration.time();
        long samples = calibration.samples();
        Set<String> needed = new LinkedHashSet<>();
        scopes.forEach(s -> needed.addAll(s.plan().ranges().keySet()));
        needed.retainAll(deferred.keySet());
        if (!needed.isEmpty()) {
            LOG.info("Calibrating {} more tensors whose activation could not be absorbed: {}", needed.size(),
                    needed);
            CalibratedRanges more = calibrateFor(graph, context, needed);
            ranges.putAll(more.ranges());
            scopes = planAll(graphs, config, ranges);
            time = time.plus(more.time());
            samples = Math.max(samples, more.samples());
        } else if (!deferred.isEmpty()) {
            LOG.debug("Did not calibrate {} tensors read only by an absorbed activation: {}", deferred.size(),
                    deferred.keySet());
        }
        return new Planned(nested, scopes, samples, time, subgraphWarnings(scopes, config));
    }

    /**
     * Plans every graph of {@code graphs} (the main graph first); refuses when no node of any can be
     * quantized.
     */
    private static List<Scope> planAll(List<Graph> graphs, QuantizationConfig config,
            Map<String, TensorRange> ranges) {
        List<Scope> scopes = new ArrayList<>();
        for (Graph g : graphs) {
            scopes.add(new Scope(g, QdqPlan.buildAllowingNone(g, config, ranges)));
        }
        if (scopes.stream().allMatch(s -> s.plan().computeNodes().isEmpty())) {
            String reasons = scopes.stream().map(s -> s.plan().skipSummary())
                    .filter(r -> !r.equals("it has no quantizable op")).findFirst().orElse("it has no quantizable op");
            throw new ModelException("No node of model graph '" + graphs.get(0).name() + "' can be quantized: "
                    + reasons + ". Nothing was written");
        }
        return scopes;
    }

    /**
     * What the user should know about subgraph nodes left in float: those the config did not exclude
     * (an excluded node stays float because it was asked to, as the mixed-precision search's variants do).
     */
    private static List<String> subgraphWarnings(List<Scope> scopes, QuantizationConfig config) {
        long quantizable = 0;
        long quantized = 0;
        for (Scope s : scopes) {
            if (s.graph().isMainGraph()) {
                continue;
            }
            for (NodeDecision d : s.plan().decisions()) {
                if (OpTable.get(d.opType()).qdq() == QdqRole.COMPUTE
                        && config.exclusionReason(d.nodeName(), d.opType()) == null) {
                    quantizable++;
                    quantized += d.action() == NodeDecision.Action.QUANTIZED ? 1 : 0;
                }
            }
        }
        if (quantized == quantizable) {
            return List.of();
        }
        String warning = (quantizable - quantized) + " of " + quantizable + " quantizable nodes inside If/Loop/Scan"
                + " subgraphs stay float32 (their decisions say why; a branch that never ran on the calibration"
                + " data has no ranges)";
        return List.of(warning); // the caller reports the result's warnings (OnnxRuntimeQuantizer, QatModel)
    }

    /** Checks the graph and config; returns the tensors the plan may need ranges of, in every graph of {@code graphs}. */
    private static Set<String> checkedCandidates(Graph graph, List<Graph> graphs, QuantizationConfig config) {
        if (config.weightPrecision() != Precision.INT8) {
            throw new InvalidInputException("Static QDQ quantization stores weights as int8; weight precision "
                    + config.weightPrecision() + " is not supported by the onnxruntime quantizer: use int8");
        }
        OpsetConverter.requireAtLeast(graph, REQUIRED_OPSET);
        QdqSelection.checkQuantizable(graph, graphs, config);
        Set<String> candidates = new LinkedHashSet<>();
        graphs.forEach(g -> candidates.addAll(QdqPlan.candidateTensors(g, config)));
        return candidates;
    }

    /**
     * Calibrates {@code candidates}, replacing calibrated ranges by the fixed ranges of overrides;
     * when every candidate has a fixed range and no data is given, nothing runs and the tensors not
     * declared of another type take their fixed ranges.
     */
    private static CalibratedRanges calibrateFor(Graph graph, QuantizationContext context,
            Set<String> candidates) {
        QuantizationConfig config = context.config();
        Map<String, TensorRange> fixed = new LinkedHashMap<>();
        for (String t : candidates) {
            TensorOverride o = config.tensorOverrides().get(t);
            if (o != null && o.range().isPresent()) {
                fixed.put(t, o.range().get());
            }
        }
        if (context.calibration().isEmpty() && candidates.equals(fixed.keySet())) {
            // Without data, the plan learns which tensors are float32 from their declared types only
            // (an undeclared type counts as float, as for the candidates).
            fixed.keySet().removeIf(t -> {
                int type = graph.tensorInfo(t).map(TensorInfo::elementType).orElse(0);
                return type != 0 && type != TensorProto.DataType.FLOAT_VALUE;
            });
            LOG.info("Every activation of graph '{}' has a fixed range: no calibration", graph.name());
            return new CalibratedRanges(fixed, 0, Duration.ZERO);
        }
        TensorCalibration calibration = context.calibration().orElseThrow(() -> new InvalidInputException(
                "Static quantization needs calibration data: give a dataset, or use dynamic or FP16 mode"));
        calibration.requireMatchingInputs(graph);
        // Fixed-range tensors are observed too: calibration is how the plan learns which are float32.
        CalibratedRanges calibrated = calibration.calibrate(graph, candidates,
                config::activationScheme);
        Map<String, TensorRange> ranges = new LinkedHashMap<>(calibrated.ranges());
        fixed.forEach((t, r) -> ranges.replace(t, r));
        return new CalibratedRanges(ranges, calibrated.samples(), calibrated.time());
    }
}
