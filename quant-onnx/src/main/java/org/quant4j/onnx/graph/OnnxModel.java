package org.quant4j.onnx.graph;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.api.ModelException;

/**
 * A validated ONNX model ({@code ModelProto}) and the file it came from, if any. Reading checks that
 * the bytes parse, that there is a graph and that the default-domain opset is one quant4j handles;
 * writing is atomic and refuses to replace the file the model was read from.
 */
public final class OnnxModel {

    /**
     * Oldest default-domain opset accepted. Before 7, elementwise ops broadcast through a legacy
     * {@code broadcast} attribute and many ops carried {@code consumed_inputs}.
     */
    public static final int MIN_OPSET = 7;

    /** Newest default-domain opset accepted: the newest ONNX Runtime 1.29 officially supports. */
    public static final int MAX_OPSET = 26;

    /** Protobuf messages are limited to 2 GiB; bigger models keep weights as external data. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 8L;

    private final ModelProto proto;
    private final Path source;

    private OnnxModel(ModelProto proto, Path source) {
        this.proto = proto;
        this.source = source;
    }

    /**
     * Reads and validates the model in {@code file}.
     *
     * @throws InvalidInputException when the file is missing, unreadable, empty, too large or not a
     *                               parseable ONNX protobuf (truncated or corrupt)
     * @throws ModelException        when it parses but has no graph or an unsupported opset
     */
    public static OnnxModel read(Path file) {
        Objects.requireNonNull(file, "file");
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new InvalidInputException("Model path " + abs + " is a directory: give the path of an .onnx file");
        }
        try {
            long size = Files.size(abs);
            if (size > MAX_BYTES) {
                throw new InvalidInputException("Model file " + abs + " is " + size + " bytes, over the 2 GiB protobuf"
                        + " limit: quant4j does not read models with external data");
            }
            // The tensors' bytes are parsed as slices of the file's array, not copied out of it: a model's
            // weights are allocated once (the file), with no second copy and no garbage of their size.
            // No one else holds the array, so it is as immutable as protobuf needs it for aliasing.
            byte[] bytes = Files.readAllBytes(abs);
            CodedInputStream in = UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
            in.enableAliasing(true);
            return parse(in, bytes.length, abs.toString(), abs);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("Model file " + abs + " does not exist: check the path", e);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read model file " + abs + ": " + e
                    + ". Check that it is readable", e);
        }
    }

    /**
     * Parses and validates a serialized model.
     *
     * @param description names the bytes in error messages, e.g. a URL or "resnet18 (generated)"
     */
    public static OnnxModel parse(byte[] bytes, String description) {
        try {
            return parse(CodedInputStream.newInstance(bytes), bytes.length, description, null);
        } catch (IOException e) {
            throw new InvalidInputException("Model " + description + " could not be parsed: " + e, e);
        }
    }

    /** Validates a model built in memory. */
    public static OnnxModel of(ModelProto proto) {
        validate(proto, "'" + proto.getGraph().getName() + "'");
        return new OnnxModel(proto, null);
    }

    /**
     * A model derived from the one read from {@code source} (e.g. rewritten), remembering that file;
     * a graph keeps the path, not the model, so that the weights it replaced can be freed.
     */
    static OnnxModel derived(ModelProto newProto, Path source) {
        validate(newProto, source.toString());
        return new OnnxModel(newProto, source);
    }

    /**
     * Parses {@code size} bytes from {@code in}.
     *
     * @throws IOException when the bytes cannot be read (not when they do not parse)
     */
    private static OnnxModel parse(CodedInputStream in, long size, String description, Path source)
            throws IOException {
        if (size == 0) {
            throw new InvalidInputException("Model " + description + " is empty (0 bytes): it is not an ONNX model");
        }
        ModelProto proto;
        // Large models nest deeply enough and hold big tensors; the default limits are for RPC messages.
        in.setRecursionLimit(1024);
        in.setSizeLimit(Integer.MAX_VALUE);
        try {
            proto = ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidInputException("Model " + description + " is not a valid ONNX protobuf: parsing failed at"
                    + " byte " + in.getTotalBytesRead() + " of " + size + " (" + e.getMessage()
                    + "). The file is truncated or corrupt, or not an ONNX model: export or download it again", e);
        }
        validate(proto, description);
        return new OnnxModel(proto, source);
    }

    private static void validate(ModelProto proto, String description) {
        if (!proto.hasGraph()) {
            throw new ModelException("Model " + description + " has no graph: the protobuf parsed but holds no"
                    + " ModelProto.graph, so it is not an ONNX model (or it is corrupt)");
        }
        Long opset = null;
        for (OperatorSetIdProto id : proto.getOpsetImportList()) {
            if (Node.normalizeDomain(id.getDomain()).isEmpty()) {
                opset = id.getVersion();
            }
        }
        if (opset == null) {
            throw new ModelException("Model " + description + " declares no opset for the default ONNX domain"
                    + " (opset_import with domain \"\"): re-export it with an explicit opset between " + MIN_OPSET
                    + " and " + MAX_OPSET);
        }
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new ModelException("Model " + description + " uses ONNX opset " + opset + ", outside the supported "
                    + MIN_OPSET + ".." + MAX_OPSET + ": re-export it with an opset in that range (13 or later is best)");
        }
    }

    /** The model as a protobuf message (immutable). */
    public ModelProto proto() {
        return proto;
    }

    /** The file the model was read from, if it was read from a file. */
    public Optional<Path> source() {
        return Optional.ofNullable(source);
    }

    /** Version of the default-domain opset. */
    public long opset() {
        long v = -1;
        for (OperatorSetIdProto id : proto.getOpsetImportList()) {
            if (Node.normalizeDomain(id.getDomain()).isEmpty()) {
                v = id.getVersion();
            }
        }
        return v;
    }

    /** A new mutable graph holding a copy of this model's graph. */
    public Graph graph() {
        return Graph.of(this);
    }

    /** The serialized model. */
    public byte[] toBytes() {
        return proto.toByteArray();
    }

    /**
     * Writes the model to {@code output} atomically (temp file in the same directory, then a move),
     * replacing a file that is there.
     *
     * @throws InvalidInputException when {@code output} is the file this model was read from, or
     *                               cannot be written
     */
    public void write(Path output) {
        write(OutputTarget.replacing(Objects.requireNonNull(output, "output"), "the model"));
    }

    /**
     * Writes the model to {@code target}, which also refuses the file this model was read from.
     *
     * @throws InvalidInputException when the target refuses the file
     */
    public void write(OutputTarget target) {
        (source == null ? target : target.withInput(source, "the model it was read from")).write(proto::writeTo);
    }

    private String describe() {
        return source != null ? source.toString() : "'" + proto.getGraph().getName() + "'";
    }

    @Override
    public String toString() {
        return "OnnxModel[" + describe() + ", opset " + opset() + ", " + proto.getGraph().getNodeCount() + " nodes]";
    }
}
