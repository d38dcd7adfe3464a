package org.quant4j.onnx.graph;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Name, element type and (where known) shape of a graph input, output or intermediate tensor: a
 * read-only view of an ONNX {@code ValueInfoProto} that keeps the proto, so symbolic dimension
 * names survive a round trip.
 *
 * @param proto the underlying value info
 */
public record TensorInfo(ValueInfoProto proto) {

    /** Marks a dimension whose size is not a fixed number (symbolic like {@code N}, or unknown). */
    public static final long DYNAMIC = -1;

    public TensorInfo {
        Objects.requireNonNull(proto, "proto");
    }

    /**
     * A float32 tensor of the given shape. {@link #DYNAMIC} dimensions become symbolic: {@code N} on
     * axis 0 (the batch), {@code d<axis>} elsewhere.
     */
    public static TensorInfo floatTensor(String name, long... shape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (int axis = 0; axis < shape.length; axis++) {
            long d = shape[axis];
            if (d == DYNAMIC) {
                s.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(axis == 0 ? "N" : "d" + axis));
            } else if (d < 0) {
                throw new IllegalArgumentException("Dimension sizes are >= 0 or DYNAMIC (-1), got " + d + " for " + name);
            } else {
                s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            }
        }
        return new TensorInfo(ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s)))
                .build());
    }

    /** A float32 tensor whose shape is unknown. */
    public static TensorInfo floatTensorOfUnknownShape(String name) {
        return new TensorInfo(ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE)))
                .build());
    }

    public String name() {
        return proto.getName();
    }

    /** ONNX element type number ({@code TensorProto.DataType}), 0 when not a tensor or unknown. */
    public int elementType() {
        return proto.getType().hasTensorType() ? proto.getType().getTensorType().getElemType() : 0;
    }

    /** The shape, when at least the rank is known; dimensions that are not fixed are {@link #DYNAMIC}. */
    public Optional<long[]> shape() {
        if (!proto.getType().hasTensorType() || !proto.getType().getTensorType().hasShape()) {
            return Optional.empty();
        }
        List<TensorShapeProto.Dimension> dims = proto.getType().getTensorType().getShape().getDimList();
        long[] s = new long[dims.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = dims.get(i).hasDimValue() ? dims.get(i).getDimValue() : DYNAMIC;
        }
        return Optional.of(s);
    }

    /** Dimensions for display: numbers, symbolic names, or {@code ?}; e.g. {@code [N, 1, 28, 28]}. */
    public String shapeText() {
        if (shape().isEmpty()) {
            return "[unknown shape]";
        }
        List<String> parts = new ArrayList<>();
        for (TensorShapeProto.Dimension d : proto.getType().getTensorType().getShape().getDimList()) {
            parts.add(d.hasDimValue() ? Long.toString(d.getDimValue()) : d.hasDimParam() ? d.getDimParam() : "?");
        }
        return parts.toString();
    }

    /** The same value info under another name. */
    public TensorInfo withName(String newName) {
        return new TensorInfo(proto.toBuilder().setName(newName).build());
    }

    @Override
    public String toString() {
        return name() + ":" + TensorProtos.typeName(elementType()) + shapeText();
    }
}
