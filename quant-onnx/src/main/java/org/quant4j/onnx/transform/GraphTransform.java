package org.quant4j.onnx.transform;

import java.util.List;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.onnx.graph.Graph;

/**
 * A rewrite of a {@link Graph} in place that keeps the model's outputs (values and names). It
 * reports one decision per node it looked at: {@link NodeDecision.Action#FOLDED} for a node it
 * removed or fused away, {@link NodeDecision.Action#SKIPPED} with the reason for one it had to leave.
 */
public interface GraphTransform {

    /** Short name for logs, e.g. {@code "batchnorm-folding"}. */
    String name();

    /** Rewrites {@code graph} and reports what was done. */
    List<NodeDecision> apply(Graph graph);
}
