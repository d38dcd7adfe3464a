package org.quant4j.onnx.opset;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.quant4j.api.ModelException;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises a graph's default-domain opset, version by version, rewriting each node whose op changed
 * meaning or signature on the way with its {@link OpAdapter} (see the ops in this package's table),
 * so that the converted graph computes what the original did. Ops of other domains are left alone.
 *
 * <p>Before anything changes, every node is checked: an op quant4j has no rule for, or a node inside
 * an {@code If}/{@code Loop}/{@code Scan} body that would need a rewrite, is refused with its name, op
 * and the versions. An adapter may still refuse a node whose rewrite depends on values it cannot see
 * (e.g. Resize-10 in nearest mode with computed scales); the graph is then left partly converted and
 * must be discarded, as the quantizers and {@code quant4j convert} do.
 */
public final class OpsetConverter {

    private static final Logger LOG = LoggerFactory.getLogger(OpsetConverter.class);

    /** Highest target opset the rules cover. */
    public static final int MAX_TARGET = 21;

    private OpsetConverter() {
    }

    /**
     * Makes the default-domain opset at least {@code minimum}: nothing changes when it already is,
     * else the graph is {@linkplain #convert converted} to {@code minimum}.
     */
    public static OpsetConversion requireAtLeast(Graph graph, int minimum) {
        long current = graph.opset();
        return current >= minimum ? new OpsetConversion(current, current, List.of()) : convert(graph, minimum);
    }

    /**
     * Converts {@code graph} to default-domain opset {@code target} in place and raises its IR version
     * to what the opset needs.
     *
     * @throws ModelException naming the node, op and versions when a node cannot be expressed at the
     *                        target, naming the ops quant4j has no rule for, or when the target is out
     *                        of range or older than the graph's opset
     */
    public static OpsetConversion convert(Graph graph, int target) {
        long from = graph.opset();
        if (target < OnnxModel.MIN_OPSET || target > MAX_TARGET) {
            throw new ModelException("Cannot convert graph '" + graph.name() + "' to opset " + target
                    + ": quant4j converts to opsets " + OnnxModel.MIN_OPSET + " to " + MAX_TARGET);
        }
        if (from > target) {
            throw new ModelException("Cannot convert graph '" + graph.name() + "' from opset " + from + " down to "
                    + target + ": quant4j only raises opsets; choose a target of at least " + from);
        }
        if (from == target) {
            return new OpsetConversion(from, from, List.of());
        }
        check(graph, from, target);
        OpsetRewrite rewrite = new OpsetRewrite(graph, from, target);
        List<OpsetConversion.Rewritten> done = new ArrayList<>();
        for (int version = (int) from + 1; version <= target; version++) {
            for (Node n : List.copyOf(graph.nodes())) {
                if (!n.domain().isEmpty()) {
                    continue;
                }
                for (OpAdapter a : OpAdapters.between(n.opType(), version - 1, version)) {
                    if (a.rewrite().apply(rewrite, n)) {
                        done.add(new OpsetConversion.Rewritten(n.name(), n.opType(), version, a.change()));
                        LOG.debug("Opset {} of graph '{}': rewrote node '{}' ({}): {}", version, graph.name(),
                                n.name(), n.opType(), a.change());
                    }
                }
            }
        }
        graph.setOpsetImport("", target);
        long ir = minIrVersion(target);
        if (graph.irVersion() < ir) {
            graph.setIrVersion(ir);
        }
        OpsetConversion result = new OpsetConversion(from, target, done);
        LOG.info("Graph '{}': {}", graph.name(), result.summary());
        return result;
    }

    /** Lowest ONNX IR version that may declare the given default-domain opset. */
    public static long minIrVersion(int opset) {
        if (opset >= 21) {
            return 10;
        }
        if (opset >= 19) {
            return 9;
        }
        if (opset >= 15) {
            return 8;
        }
        if (opset >= 12) {
            return 7;
        }
        return switch (opset) {
            case 11 -> 6;
            case 10 -> 5;
            case 9 -> 4;
            default -> 3;
        };
    }

    /** Refuses unknown ops and subgraph nodes that would need a rewrite, before anything changes. */
    private static void check(Graph graph, long from, int target) {
        Set<String> unknown = new TreeSet<>();
        for (Node n : graph.nodes()) {
            if (!n.domain().isEmpty()) {
                continue;
            }
            if (!OpAdapters.known(n.opType())) {
                unknown.add(n.opType() + " (node '" + n.name() + "')");
            }
            for (AttributeProto a : n.attributes().values()) {
                if (a.hasG()) {
                    checkSubgraph(graph, n, a.getG(), from, target, unknown);
                }
                for (GraphProto g : a.getGraphsList()) {
                    checkSubgraph(graph, n, g, from, target, unknown);
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new ModelException("Cannot convert graph '" + graph.name() + "' from opset " + from + " to "
                    + target + ": quant4j has no conversion rule for " + String.join(", ", unknown)
                    + ". Re-export the model at opset " + target + " or later");
        }
    }

    private static void checkSubgraph(Graph graph, Node owner, GraphProto body, long from, int target,
            Set<String> unknown) {
        for (NodeProto p : body.getNodeList()) {
            if (!p.getDomain().isEmpty() && !p.getDomain().equals("ai.onnx")) {
                continue;
            }
            if (!OpAdapters.known(p.getOpType())) {
                unknown.add(p.getOpType() + " (node '" + p.getName() + "' inside '" + owner.name() + "')");
                continue;
            }
            List<OpAdapter> changes = OpAdapters.between(p.getOpType(), from, target);
            if (!changes.isEmpty()) {
                OpAdapter c = changes.get(0);
                throw new ModelException("Cannot convert graph '" + graph.name() + "' from opset " + from + " to "
                        + target + ": node '" + p.getName() + "' (" + p.getOpType() + ") inside the body of node '"
                        + owner.name() + "' (" + owner.opType() + ") may need a rewrite, because in "
                        + c.opType() + "-" + c.version() + " " + c.change()
                        + ", and quant4j does not rewrite subgraphs. Re-export the model at opset " + target
                        + " or later");
            }
            for (AttributeProto a : p.getAttributeList()) {
                if (a.hasG()) {
                    checkSubgraph(graph, owner, a.getG(), from, target, unknown);
                }
                for (GraphProto g : a.getGraphsList()) {
                    checkSubgraph(graph, owner, g, from, target, unknown);
                }
            }
        }
    }
}
