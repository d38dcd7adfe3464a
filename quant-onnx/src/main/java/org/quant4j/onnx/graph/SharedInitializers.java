package org.quant4j.onnx.graph;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps one copy of a constant that several subgraphs hold. Exporters that inline control flow
 * (silero-vad's If branches, each with nested If nodes) read one weight from several nested
 * subgraphs; once constant folding has computed the weight inside each subgraph (an LSTM's gate
 * matrices sliced and concatenated), every subgraph holds an identical copy. This moves one copy to
 * the innermost graph that encloses all of them, which the subgraphs then read as outer scope.
 */
public final class SharedInitializers {

    /** Initializers smaller than this are not worth sharing. */
    private static final long MIN_VALUES = 256;

    private SharedInitializers() {
    }

    private record Holder(Graph scope, String name) {
    }

    /** Shares the identical initializers of {@code main}'s nested subgraphs; returns how many copies were dropped. */
    public static int share(Graph main) {
        List<Graph> nested = main.nestedSubgraphs();
        Map<ByteString, List<Holder>> copies = new LinkedHashMap<>();
        for (Graph s : nested) {
            for (TensorProto t : s.initializers().values()) {
                if (FloatTensor.elementCount(TensorProtos.dims(t)) >= MIN_VALUES && !readDeeper(s, t.getName())) {
                    copies.computeIfAbsent(t.toBuilder().setName("").build().toByteString(), k -> new ArrayList<>())
                            .add(new Holder(s, t.getName()));
                }
            }
        }
        int dropped = 0;
        for (List<Holder> holders : copies.values()) {
            if (holders.size() < 2) {
                continue;
            }
            Graph common = holders.get(0).scope();
            for (Holder h : holders) {
                common = commonAncestor(common, h.scope());
            }
            if (holders.stream().anyMatch(h -> h.scope() == holders.get(0).scope() && h != holders.get(0))) {
                // Two copies in one graph: the common graph is that one, which holds the names already.
                continue;
            }
            TensorProto first = holders.get(0).scope().initializers().get(holders.get(0).name());
            String shared = common.uniqueName(holders.get(0).name() + "_shared");
            common.putInitializer(first.toBuilder().setName(shared).build());
            for (Holder h : holders) {
                for (Node reader : h.scope().consumers(h.name())) {
                    h.scope().replaceUse(reader.name(), h.name(), shared);
                }
                h.scope().removeInitializer(h.name());
                dropped++;
            }
            dropped--;
        }
        Graph.writeBackAll(nested);
        return dropped;
    }

    /** Whether a subgraph of one of {@code s}'s nodes reads {@code name}. */
    private static boolean readDeeper(Graph s, String name) {
        return s.consumers(name).stream().anyMatch(n -> n.subgraphInputs().contains(name));
    }

    private static Graph commonAncestor(Graph a, Graph b) {
        for (Graph x = a; x != null; x = x.parent().orElse(null)) {
            for (Graph y = b; y != null; y = y.parent().orElse(null)) {
                if (x == y) {
                    return x;
                }
            }
        }
        throw new IllegalStateException("Graphs '" + a.name() + "' and '" + b.name() + "' are not of one model");
    }
}
