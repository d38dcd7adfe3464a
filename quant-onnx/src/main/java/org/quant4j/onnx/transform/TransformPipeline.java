package org.quant4j.onnx.transform;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.SharedInitializers;

/** Transforms applied one after the other; the decisions of all of them, in order. */
public final class TransformPipeline implements GraphTransform {

    private final List<GraphTransform> steps;

    private TransformPipeline(List<GraphTransform> steps) {
        this.steps = List.copyOf(steps);
    }

    public static TransformPipeline of(GraphTransform... steps) {
        return new TransformPipeline(List.of(steps));
    }

    /**
     * The pre-processing before quantization: turn Constant nodes into initializers, remove Identity
     * and Dropout, evaluate constant subgraphs (shape arithmetic, casts and arithmetic of constant
     * weights), then fold BatchNormalization into the preceding Conv or Gemm (after the others, so a
     * Dropout or a weight held in a Constant node does not block the fold).
     */
    public static TransformPipeline inference() {
        return of(new ConstantNodeFolding(), new IdentityRemoval(), new DropoutRemoval(),
                new ConstantSubgraphFolding(), new BatchNormFolding());
    }

    public List<GraphTransform> steps() {
        return steps;
    }

    @Override
    public String name() {
        return String.join("+", steps.stream().map(GraphTransform::name).toList());
    }

    /** Applies the steps to {@code graph}, then to every subgraph nested in it (If branches, Loop and Scan bodies). */
    @Override
    public List<NodeDecision> apply(Graph graph) {
        List<NodeDecision> all = new ArrayList<>();
        for (GraphTransform t : steps) {
            all.addAll(t.apply(graph));
        }
        Set<String> outerReads = new LinkedHashSet<>();
        graph.nodes().forEach(n -> outerReads.addAll(n.subgraphInputs()));
        graph.rewriteSubgraphs(sub -> steps.forEach(t -> all.addAll(t.apply(sub))));
        // What a step folded inside a subgraph may leave an outer weight (a Constant before) unread.
        graph.removeUnusedSubgraphInitializers();
        outerReads.forEach(graph::removeInitializerIfUnused);
        // Weights folded inside several subgraphs from one outer weight are kept once.
        SharedInitializers.share(graph);
        return all;
    }
}
