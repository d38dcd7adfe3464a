package org.quant4j.cli.options;

import java.nio.file.Path;
import java.util.Locale;
import java.util.List;
import org.quant4j.api.io.AtomicFiles;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.onnx.graph.ModelInputs;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.TensorInfo;
import picocli.CommandLine.Option;

/** {@code --model FILE}: the ONNX model a command works on. */
public final class ModelOption {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "The ONNX model (.onnx).")
    private Path model;

    /** The path as given. */
    public Path path() {
        return model;
    }

    /** The model as an input no output may replace. */
    public OutputTarget.Input input() {
        return new OutputTarget.Input(model, "the input model");
    }

    /** The model's size in bytes: what an output model needs about as much of. */
    public long size() {
        return AtomicFiles.size(model);
    }

    /**
     * The file beside {@code model} named after it: its name without {@code .onnx}, then
     * {@code suffix}; e.g. {@code net.onnx} and {@code -int8.onnx} give {@code net-int8.onnx}.
     */
    public static Path sibling(Path model, String suffix) {
        String name = model.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        return model.resolveSibling(stem + suffix);
    }

    /**
     * Reads and validates the model, so that a missing, corrupt or unsupported file is reported
     * before any data is loaded.
     */
    public OnnxModel read() {
        return OnnxModel.read(model);
    }

    /**
     * The model's data inputs, read without parsing the rest of the file ({@link ModelInputs}): for
     * commands that hand the model to a library operation, which parses and validates it once.
     */
    public List<TensorInfo> inputs() {
        return ModelInputs.read(model);
    }
}
