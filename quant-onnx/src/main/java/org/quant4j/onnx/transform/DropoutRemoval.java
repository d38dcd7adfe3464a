package org.quant4j.onnx.transform;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Optional;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;

/**
 * Removes Dropout nodes, which are identities at inference, by rewiring their consumers to their
 * input. A Dropout whose mask output is used, or whose {@code training_mode} input is not the
 * constant false, is kept.
 */
public final class DropoutRemoval extends PassThroughRemoval {

    public DropoutRemoval() {
        super("Dropout");
    }

    @Override
    public String name() {
        return "dropout-removal";
    }

    @Override
    Optional<String> notPassThrough(Graph graph, Node node) {
        String trainingMode = node.input(2);
        if (trainingMode.isEmpty()) {
            return Optional.empty();
        }
        return graph.initializer(trainingMode)
                .filter(t -> t.getDataType() == TensorProto.DataType.BOOL_VALUE)
                .map(t -> isFalse(t) ? Optional.<String>empty()
                        : Optional.of("its training_mode input '" + trainingMode + "' is true"))
                .orElse(Optional.of("its training_mode input '" + trainingMode + "' is not a constant"));
    }

    private static boolean isFalse(TensorProto t) {
        if (t.hasRawData()) {
            return t.getRawData().size() == 1 && t.getRawData().byteAt(0) == 0;
        }
        return t.getInt32DataCount() == 1 && t.getInt32Data(0) == 0;
    }
}
