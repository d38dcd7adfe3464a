package org.quant4j.onnx.transform;

import java.util.Optional;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;

/** Removes Identity nodes by rewiring their consumers to their input; graph outputs keep their names. */
public final class IdentityRemoval extends PassThroughRemoval {

    public IdentityRemoval() {
        super("Identity");
    }

    @Override
    public String name() {
        return "identity-removal";
    }

    @Override
    Optional<String> notPassThrough(Graph graph, Node node) {
        return Optional.empty();
    }
}
