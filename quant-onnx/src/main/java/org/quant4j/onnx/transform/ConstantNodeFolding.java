package org.quant4j.onnx.transform;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.NodeDecision.Action;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.TensorProtos;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code Constant} nodes into initializers of the same name, so that weights an exporter
 * (e.g. Paddle2ONNX) keeps in Constant nodes are seen, folded and quantized like any initializer.
 * The {@code value} attribute is taken as it is; {@code value_float}, {@code value_floats},
 * {@code value_int} and {@code value_ints} become FLOAT and INT64 tensors (a scalar or a vector), as
 * the ONNX spec defines them. A Constant is kept, with the reason, when it holds a sparse tensor or
 * strings, or when its output is a graph output (an initializer cannot be one in every runtime).
 */
public final class ConstantNodeFolding implements GraphTransform {

    private static final Logger LOG = LoggerFactory.getLogger(ConstantNodeFolding.class);
    private static final String CONSTANT = "Constant";

    @Override
    public String name() {
        return "constant-folding";
    }

    @Override
    public List<NodeDecision> apply(Graph graph) {
        List<NodeDecision> decisions = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (!n.is(CONSTANT)) {
                continue;
            }
            String out = n.output(0);
            Optional<TensorProto> value = value(n.attributes().values());
            String blocker = value.isEmpty() ? "its value is a sparse tensor, a string or missing, which quant4j keeps"
                    + " as a node"
                    : graph.isGraphOutput(out) ? "its output '" + out + "' is a graph output" : null;
            if (blocker != null) {
                String reason = "Constant kept: " + blocker;
                LOG.info("Node '{}': {}", n.name(), reason);
                decisions.add(new NodeDecision(n.name(), CONSTANT, Action.SKIPPED, reason));
                continue;
            }
            graph.removeNode(n.name());
            graph.putInitializer(value.get().toBuilder().setName(out).build());
            String reason = "Constant folded into initializer '" + out + "'";
            LOG.debug("Node '{}': {}", n.name(), reason);
            decisions.add(new NodeDecision(n.name(), CONSTANT, Action.FOLDED, reason));
        }
        return decisions;
    }

    /**
     * The tensor a Constant node with these attributes holds ({@code value}, {@code value_float(s)},
     * {@code value_int(s)}), or empty for a sparse tensor or strings, which quant4j does not fold.
     */
    public static Optional<TensorProto> value(Collection<AttributeProto> attributes) {
        for (AttributeProto a : attributes) {
            switch (a.getName()) {
                case "value":
                    return a.getT().getDataType() == TensorProto.DataType.STRING_VALUE ? Optional.empty()
                            : Optional.of(a.getT());
                case "value_float":
                    return Optional.of(TensorProtos.floats("", new FloatTensor(new long[0], new float[] {a.getF()})));
                case "value_floats": {
                    float[] v = new float[a.getFloatsCount()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = a.getFloats(i);
                    }
                    return Optional.of(TensorProtos.floats("", FloatTensor.vector(v)));
                }
                case "value_int":
                    return Optional.of(TensorProtos.int64s("", new long[0], a.getI()));
                case "value_ints":
                    return Optional.of(TensorProtos.int64Vector("",
                            a.getIntsList().stream().mapToLong(Long::longValue).toArray()));
                default:
                    break;
            }
        }
        return Optional.empty();
    }
}
