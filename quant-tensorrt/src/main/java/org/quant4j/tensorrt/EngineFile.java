package org.quant4j.tensorrt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.quant4j.api.InvalidInputException;
import org.quant4j.onnx.graph.ModelInputs;

/**
 * A serialized TensorRT engine file ({@code .engine}, {@code .plan} or {@code .trt}: TensorRT's
 * names for the same plan), checked before TensorRT is asked to deserialize it, so a wrong file gets
 * an error saying what it is rather than TensorRT's "magic tag does not match". Reads no native code.
 *
 * <p>A plan starts with the tag {@code ftrt} (Torch-TensorRT tells plans from other blobs by it);
 * that tag is only used to name an engine given where an ONNX model is expected, never to refuse an
 * engine file: a file named as an engine is refused only when it is positively an ONNX model.
 */
public final class EngineFile {

    /** The file name endings TensorRT engines go by. */
    public static final List<String> EXTENSIONS = List.of(".engine", ".plan", ".trt");

    private static final byte[] PLAN_TAG = {'f', 't', 'r', 't'};

    private EngineFile() {
    }

    /** Whether {@code file} is named as a TensorRT engine (see {@link #EXTENSIONS}), case-insensitively. */
    public static boolean hasEngineName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    /**
     * Checks an engine file: it exists, is a readable regular file, is not empty, and is not an ONNX
     * model named as an engine.
     *
     * @return {@code file}
     * @throws InvalidInputException saying what is wrong and what to give instead
     */
    public static Path check(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (!Files.exists(abs)) {
            throw new InvalidInputException("TensorRT engine " + abs + " does not exist: check the path");
        }
        if (!Files.isRegularFile(abs)) {
            throw new InvalidInputException("TensorRT engine " + abs + " is not a file: give the path of an .engine"
                    + " or .plan file");
        }
        long size;
        try {
            size = Files.size(abs);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read TensorRT engine " + abs + ": " + e, e);
        }
        if (size == 0) {
            throw new InvalidInputException("TensorRT engine " + abs + " is empty (0 bytes): build it again, e.g."
                    + " quant4j quantize --backend tensorrt");
        }
        if (!startsWithPlanTag(abs) && isOnnx(abs)) {
            throw new InvalidInputException(abs + " is an ONNX model, not a serialized TensorRT engine: name it"
                    + " .onnx (quant4j builds an engine from it in memory), or build the engine with quant4j quantize"
                    + " --backend tensorrt");
        }
        return file;
    }

    /**
     * Refuses a serialized TensorRT engine given as an ONNX model (a {@code .onnx} file that starts
     * with TensorRT's plan tag); any other file is left to the ONNX reader to judge.
     *
     * @throws InvalidInputException naming the file as an engine and what to do with it
     */
    public static void requireNotEngine(Path onnxFile) {
        if (Files.isRegularFile(onnxFile) && startsWithPlanTag(onnxFile)) {
            throw new InvalidInputException(onnxFile.toAbsolutePath().normalize() + " is a serialized TensorRT engine,"
                    + " not an ONNX model: name it .engine (or .plan) and run it with --backend tensorrt");
        }
    }

    /** Whether the file's first bytes are TensorRT's plan tag {@code ftrt}. */
    static boolean startsWithPlanTag(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(PLAN_TAG.length), PLAN_TAG);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read " + file.toAbsolutePath().normalize() + ": " + e, e);
        }
    }

    private static boolean isOnnx(Path file) {
        try {
            return !ModelInputs.read(file).isEmpty();
        } catch (RuntimeException e) {
            // Whatever the protobuf walk cannot read is not an ONNX model.
            return false;
        }
    }
}
