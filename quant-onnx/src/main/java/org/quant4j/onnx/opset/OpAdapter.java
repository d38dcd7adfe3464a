package org.quant4j.onnx.opset;

import java.util.Objects;
import org.quant4j.onnx.graph.Node;

/**
 * How a node of one op crosses the opset version at which that op changed: {@code opType}-{@code
 * version} is the first version with the new meaning or signature, {@code change} says what changed,
 * and {@code rewrite} turns a node of the previous version into an equivalent one of this version.
 *
 * @param opType  the op of the default domain
 * @param version the opset version that introduced the change
 * @param change  what changed, for logs and errors, e.g. "'min' and 'max' moved from attributes to inputs"
 * @param rewrite rewrites one node; returns false when the change does not concern that node
 */
public record OpAdapter(String opType, int version, String change, Rewrite rewrite) {

    /** Rewrites one node across the change, through the {@link OpsetRewrite} of the conversion. */
    @FunctionalInterface
    public interface Rewrite {
        /**
         * Rewrites {@code node} (of the version before the change) into nodes of the new version.
         *
         * @return false when the node is not concerned and was left alone
         * @throws org.quant4j.api.ModelException through {@link OpsetRewrite#refuse} when the node
         *                                        cannot be expressed at the new version
         */
        boolean apply(OpsetRewrite rewrite, Node node);
    }

    public OpAdapter {
        Objects.requireNonNull(opType, "opType");
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(rewrite, "rewrite");
    }

}
