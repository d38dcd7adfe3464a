package org.quant4j.onnx.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.NodeDecision.Action;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removes nodes of one op type that pass their first input through unchanged at inference. */
abstract class PassThroughRemoval implements GraphTransform {

    private static final Logger LOG = LoggerFactory.getLogger(PassThroughRemoval.class);

    private final String opType;

    PassThroughRemoval(String opType) {
        this.opType = opType;
    }

    /** Why {@code node} does not pass its input through here, or empty when it does. */
    abstract Optional<String> notPassThrough(Graph graph, Node node);

    @Override
    public List<NodeDecision> apply(Graph graph) {
        List<NodeDecision> decisions = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (!n.is(opType)) {
                continue;
            }
            Optional<String> blocker = notPassThrough(graph, n).or(() -> graph.bypassBlocker(n.name()));
            if (blocker.isPresent()) {
                String reason = opType + " kept: " + blocker.get();
                LOG.info("Node '{}': {}", n.name(), reason);
                decisions.add(new NodeDecision(n.name(), opType, Action.SKIPPED, reason));
                continue;
            }
            boolean keepsOutputName = graph.isGraphOutput(n.output(0));
            graph.bypass(n.name());
            // Dropout's ratio and training_mode constants are now read by nobody.
            n.inputs().stream().skip(1).filter(in -> !in.isEmpty()).forEach(graph::removeInitializerIfUnused);
            String reason = opType + " removed (an identity at inference): " + (keepsOutputName
                    ? "the producer of '" + n.input(0) + "' now writes graph output '" + n.output(0) + "'"
                    : "its consumers now read '" + n.input(0) + "'");
            LOG.debug("Node '{}': {}", n.name(), reason);
            decisions.add(new NodeDecision(n.name(), opType, Action.FOLDED, reason));
        }
        return decisions;
    }
}
