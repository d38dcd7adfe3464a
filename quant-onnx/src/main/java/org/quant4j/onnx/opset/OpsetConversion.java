package org.quant4j.onnx.opset;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What an opset conversion did: the versions, and one line per rewritten node naming the node, its
 * op, the version crossed and what changed.
 *
 * @param from    default-domain opset before
 * @param to      default-domain opset after
 * @param rewrites one entry per node rewrite, in the order they were made
 */
public record OpsetConversion(long from, long to, List<Rewritten> rewrites) {

    /** One node rewritten across one op version. */
    public record Rewritten(String node, String opType, int version, String change) {
        @Override
        public String toString() {
            return "'" + node + "' (" + opType + "-" + version + ": " + change + ")";
        }
    }

    public OpsetConversion {
        rewrites = List.copyOf(rewrites);
    }

    /** True when the opset was raised. */
    public boolean converted() {
        return to != from;
    }

    /** Rewritten nodes per op and version, e.g. {@code {Clip-11=2, Resize-11=1}}. */
    public Map<String, Long> countsByOp() {
        return rewrites.stream().collect(Collectors.groupingBy(r -> r.opType() + "-" + r.version(), TreeMap::new,
                Collectors.counting()));
    }

    /** One line for logs and summaries. */
    public String summary() {
        if (!converted()) {
            return "opset " + from + " kept";
        }
        return "converted from opset " + from + " to " + to + (rewrites.isEmpty() ? ", no node needed a rewrite"
                : ", rewrote " + rewrites.size() + " node(s): " + countsByOp().entrySet().stream()
                        .map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", ")));
    }
}
