package org.quant4j.onnx.graph;

import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.quant4j.api.InvalidInputException;

/**
 * The data inputs (and the outputs) of an ONNX model file, read without parsing the rest: the file is mapped and the
 * protobuf is walked field by field, skipping nodes and the bytes of every initializer. A caller
 * that only needs the inputs (to shape the data it feeds, say) so costs a fraction of
 * {@link OnnxModel#read}, and the model is fully parsed once, by whoever quantizes or runs it.
 * The file is not validated beyond what the walk needs: {@link OnnxModel#read} does that.
 */
public final class ModelInputs {

    // Field numbers of onnx.proto (ModelProto.graph, GraphProto.initializer/input/sparse_initializer,
    // TensorProto.name, SparseTensorProto.values).
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int GRAPH_SPARSE_INITIALIZER = 15;
    private static final int TENSOR_NAME = 8;
    private static final int SPARSE_VALUES = 1;

    private ModelInputs() {
    }

    /**
     * The graph inputs of the model in {@code file} that are not initializers (older exporters list
     * every weight among the inputs too), in declaration order.
     *
     * @throws InvalidInputException when the file is missing, unreadable or not an ONNX protobuf
     */
    public static List<TensorInfo> read(Path file) {
        Signature signature = walk(file);
        return signature.inputs.stream().filter(i -> !signature.initializers.contains(i.getName()))
                .map(TensorInfo::new).toList();
    }

    /**
     * The graph outputs of the model in {@code file}, in declaration order, read the same way as
     * {@link #read}: for a caller that needs an output's name or type and not the weights.
     *
     * @throws InvalidInputException when the file is missing, unreadable or not an ONNX protobuf
     */
    public static List<TensorInfo> outputs(Path file) {
        return walk(file).outputs.stream().map(TensorInfo::new).toList();
    }

    /** What the walk collects: declared inputs and outputs, and the names of the initializers. */
    private record Signature(List<ValueInfoProto> inputs, List<ValueInfoProto> outputs, Set<String> initializers) {
    }

    private static Signature walk(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new InvalidInputException("Model path " + abs + " is a directory: give the path of an .onnx file");
        }
        MappedByteBuffer bytes;
        try (FileChannel channel = FileChannel.open(abs, StandardOpenOption.READ)) {
            if (channel.size() == 0) {
                throw new InvalidInputException("Model " + abs + " is empty (0 bytes): it is not an ONNX model");
            }
            if (channel.size() > Integer.MAX_VALUE - 8L) {
                throw new InvalidInputException("Model file " + abs + " is " + channel.size() + " bytes, over the"
                        + " 2 GiB protobuf limit: quant4j does not read models with external data");
            }
            bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("Model file " + abs + " does not exist: check the path", e);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read model file " + abs + ": " + e + ". Check that it is readable",
                    e);
        }
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.setRecursionLimit(1024);
        in.setSizeLimit(Integer.MAX_VALUE);
        try {
            Signature signature = new Signature(new ArrayList<>(), new ArrayList<>(), new HashSet<>());
            boolean graph = false;
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (WireFormat.getTagFieldNumber(tag) == MODEL_GRAPH
                        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    readGraph(in, signature);
                    in.popLimit(limit);
                    graph = true;
                } else if (!in.skipField(tag)) {
                    break;
                }
            }
            if (!graph) {
                throw new InvalidInputException("Model " + abs + " has no graph: it is not an ONNX model (or it is"
                        + " corrupt)");
            }
            return signature;
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidInputException("Model " + abs + " is not a valid ONNX protobuf: parsing failed at byte "
                    + in.getTotalBytesRead() + " (" + e.getMessage() + "). The file is truncated or corrupt, or not an"
                    + " ONNX model: export or download it again", e);
        } catch (IOException e) {
            throw new InvalidInputException("Model " + abs + " could not be parsed: " + e, e);
        }
    }

    private static void readGraph(CodedInputStream in, Signature signature) throws IOException {
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            boolean message = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            if (message && field == GRAPH_INPUT) {
                signature.inputs.add(ValueInfoProto.parseFrom(in.readBytes()));
            } else if (message && field == GRAPH_OUTPUT) {
                signature.outputs.add(ValueInfoProto.parseFrom(in.readBytes()));
            } else if (message && (field == GRAPH_INITIALIZER || field == GRAPH_SPARSE_INITIALIZER)) {
                int limit = in.pushLimit(in.readRawVarint32());
                String name = field == GRAPH_INITIALIZER ? tensorName(in) : sparseTensorName(in);
                in.skipRawBytes(in.getBytesUntilLimit());
                in.popLimit(limit);
                if (name != null) {
                    signature.initializers.add(name);
                }
            } else if (!in.skipField(tag)) {
                return;
            }
        }
    }

    /** The name of the TensorProto the stream is positioned in, skipping its data; null when it has none. */
    private static String tensorName(CodedInputStream in) throws IOException {
        String name = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == TENSOR_NAME
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                name = in.readStringRequireUtf8();
            } else if (!in.skipField(tag)) {
                break;
            }
        }
        return name;
    }

    /** The name of a SparseTensorProto: that of its values tensor. */
    private static String sparseTensorName(CodedInputStream in) throws IOException {
        String name = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == SPARSE_VALUES
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                name = tensorName(in);
                in.popLimit(limit);
            } else if (!in.skipField(tag)) {
                break;
            }
        }
        return name;
    }
}
