package org.quant4j.api.quantize;

import java.util.Objects;

/**
 * What a quantizer did with one node, and why.
 *
 * @param nodeName node name in the model
 * @param opType   operator type, e.g. {@code Conv}
 * @param action   what was done
 * @param reason   why, in words a user can act on (e.g. "excluded by op type Conv")
 */
public record NodeDecision(String nodeName, String opType, Action action, String reason) {

    /** The outcome for one node. */
    public enum Action {
        /** Runs in integer arithmetic (or half precision for FP16 conversion). */
        QUANTIZED,
        /** Left in float32. */
        SKIPPED,
        /** Removed or fused away before quantization (e.g. BatchNormalization folded into Conv). */
        FOLDED
    }

    /**
     * Checks that no part is null.
     *
     * @param nodeName node name in the model
     * @param opType   operator type, e.g. {@code Conv}
     * @param action   what was done
     * @param reason   why, in words a user can act on
     */
    public NodeDecision {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(opType, "opType");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(reason, "reason");
    }
}
