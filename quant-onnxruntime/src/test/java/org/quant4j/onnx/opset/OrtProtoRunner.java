package org.quant4j.onnx.opset;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a model on ONNX Runtime with inputs and outputs of any tensor element type as
 * {@code TensorProto}s (the node tests' format), with ORT's graph optimisations disabled so that
 * the model runs as written.
 */
final class OrtProtoRunner {

    private OrtProtoRunner() {
    }

    /** A tensor's element type and little-endian bytes (or strings), comparable across runs. */
    record Value(int type, long[] shape, ByteBuffer bytes, String[] strings) {
    }

    /**
     * Outputs by name, or empty for outputs that are not tensors (sequences, maps, optionals).
     *
     * @throws OrtException when ORT cannot load or run the model
     */
    static Map<String, Optional<Value>> run(ModelProto model, List<TensorProto> inputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            o.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model.toByteArray(), o)) {
                List<String> names = new ArrayList<>(s.getInputNames());
                Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
                try {
                    for (int i = 0; i < inputs.size() && i < names.size(); i++) {
                        TensorProto t = inputs.get(i);
                        String name = t.getName().isEmpty() ? model.getGraph().getInput(i).getName() : t.getName();
                        feeds.put(name, tensor(env, t));
                    }
                    try (OrtSession.Result r = s.run(feeds)) {
                        Map<String, Optional<Value>> out = new LinkedHashMap<>();
                        for (Map.Entry<String, OnnxValue> e : r) {
                            out.put(e.getKey(), e.getValue() instanceof OnnxTensor t ? Optional.of(value(t))
                                    : Optional.empty());
                        }
                        return out;
                    }
                } finally {
                    feeds.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    /** The value of a node test's TensorProto (raw_data or typed fields). */
    static Value value(TensorProto t) {
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        int type = t.getDataType();
        if (type == DataType.STRING_VALUE) {
            return new Value(type, shape, null, t.getStringDataList().stream().map(ByteString::toStringUtf8)
                    .toArray(String[]::new));
        }
        return new Value(type, shape, bytes(t), null);
    }

    private static ByteBuffer bytes(TensorProto t) {
        if (t.hasRawData()) {
            return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        DataType type = DataType.forNumber(t.getDataType());
        int width = width(type);
        int n = switch (type) {
            case FLOAT -> t.getFloatDataCount();
            case DOUBLE -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            case UINT32, UINT64 -> t.getUint64DataCount();
            default -> t.getInt32DataCount();
        };
        ByteBuffer b = ByteBuffer.allocate(n * width).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (type) {
                case FLOAT -> b.putFloat(t.getFloatData(i));
                case DOUBLE -> b.putDouble(t.getDoubleData(i));
                case INT64 -> b.putLong(t.getInt64Data(i));
                case UINT64 -> b.putLong(t.getUint64Data(i));
                case UINT32 -> b.putInt((int) t.getUint64Data(i));
                case INT32 -> b.putInt(t.getInt32Data(i));
                case INT16, UINT16, FLOAT16, BFLOAT16 -> b.putShort((short) t.getInt32Data(i));
                default -> b.put((byte) t.getInt32Data(i));
            }
        }
        return b.flip();
    }

    static int width(DataType type) {
        return switch (type) {
            case DOUBLE, INT64, UINT64 -> 8;
            case FLOAT, INT32, UINT32 -> 4;
            case INT16, UINT16, FLOAT16, BFLOAT16 -> 2;
            default -> 1;
        };
    }

    private static OnnxTensor tensor(OrtEnvironment env, TensorProto t) throws OrtException {
        Value v = value(t);
        if (v.strings() != null) {
            return OnnxTensor.createTensor(env, v.strings(), v.shape());
        }
        OnnxJavaType jt = switch (DataType.forNumber(t.getDataType())) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case INT16 -> OnnxJavaType.INT16;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case BOOL -> OnnxJavaType.BOOL;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case BFLOAT16 -> OnnxJavaType.BFLOAT16;
            default -> throw new IllegalArgumentException("Element type " + t.getDataType() + " is not supported");
        };
        ByteBuffer direct = ByteBuffer.allocateDirect(v.bytes().remaining()).order(ByteOrder.nativeOrder());
        direct.put(v.bytes().duplicate());
        direct.flip();
        return OnnxTensor.createTensor(env, direct, v.shape(), jt);
    }

    private static Value value(OnnxTensor t) throws OrtException {
        TensorInfo info = t.getInfo();
        if (info.type == OnnxJavaType.STRING) {
            Object arr = t.getValue();
            List<String> flat = new ArrayList<>();
            flatten(arr, flat);
            return new Value(DataType.STRING_VALUE, info.getShape(), null, flat.toArray(String[]::new));
        }
        ByteBuffer b = t.getByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        DataType type = switch (info.type) {
            case FLOAT -> DataType.FLOAT;
            case DOUBLE -> DataType.DOUBLE;
            case INT8 -> DataType.INT8;
            case UINT8 -> DataType.UINT8;
            case INT16 -> DataType.INT16;
            case INT32 -> DataType.INT32;
            case INT64 -> DataType.INT64;
            case BOOL -> DataType.BOOL;
            case FLOAT16 -> DataType.FLOAT16;
            case BFLOAT16 -> DataType.BFLOAT16;
            default -> DataType.UNDEFINED;
        };
        return new Value(type.getNumber(), info.getShape(), b, null);
    }

    private static void flatten(Object o, List<String> out) {
        if (o instanceof String s) {
            out.add(s);
        } else if (o instanceof Object[] a) {
            for (Object e : a) {
                flatten(e, out);
            }
        }
    }
}
