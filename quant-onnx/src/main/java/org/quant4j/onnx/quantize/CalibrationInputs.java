package org.quant4j.onnx.quantize;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.BatchLayout;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.data.ElementType;
import org.quant4j.api.data.InputSpec;
import org.quant4j.api.data.SampleShapes;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.TensorInfo;

/**
 * Whether calibration data fits a model's inputs, checked before anything runs: backend-neutral,
 * so every {@link TensorCalibration} (ONNX Runtime's pass, or one over the calibration SPI) gives
 * the same errors.
 */
public final class CalibrationInputs {

    private CalibrationInputs() {
    }

    /**
     * The data inputs of {@code graph} (initializers aside), each checked against the input of the
     * same name that {@code data} feeds ({@link Dataset#inputs(String)}): every model input must be
     * fed, with the model's element type and sample shape, and the data must feed no other input. A
     * dataset of float samples feeds a model with one input, whatever its name.
     *
     * @throws InvalidInputException when the data holds no samples or does not fit the model; the
     *                               message says what differs and how to fix it
     */
    public static List<TensorInfo> requireMatching(Graph graph, Dataset data) {
        List<TensorInfo> inputs = graph.inputs().stream().filter(i -> !graph.isInitializer(i.name())).toList();
        if (data.size() <= 0) {
            throw new InvalidInputException("Calibration data " + data.fingerprint() + " holds no samples: give at"
                    + " least one (a few hundred representative samples is typical)");
        }
        if (data.inputs().isEmpty()) {
            if (inputs.size() != 1) {
                throw new InvalidInputException("Calibration data " + data + " holds float samples for one input, but"
                        + " model graph '" + graph.name() + "' has " + inputs.size() + " inputs "
                        + inputs.stream().map(TensorInfo::toString).toList() + ": give one array per model input,"
                        + " named by the input, in a .npz file (numpy.savez(path, name=array, ...)) or a directory"
                        + " of NAME.npy files");
            }
            TensorInfo input = inputs.get(0);
            if (input.elementType() != 0 && input.elementType() != TensorProto.DataType.FLOAT_VALUE) {
                throw new InvalidInputException("Model input '" + input.name() + "' is " + input
                        + "; the calibration data holds float32 samples: give data of the input's type as a .npz"
                        + " file or a directory of NAME.npy files, one array per model input");
            }
            BatchLayout layout = layout(graph, data);
            for (SampleShapes.Group group : data.sampleShapes().groups()) {
                requireSampleShape(input, layout, group.shapes().values().iterator().next(),
                        "Calibration data has samples of shape ");
            }
            return inputs;
        }
        Map<String, InputSpec> fed = new LinkedHashMap<>();
        data.inputs().forEach(spec -> fed.put(spec.name(), spec));
        List<String> modelNames = inputs.stream().map(TensorInfo::name).toList();
        for (String name : fed.keySet()) {
            if (!modelNames.contains(name)) {
                throw new InvalidInputException("Calibration data has an array '" + name + "', but model graph '"
                        + graph.name() + "' has no such input; its inputs are " + modelNames
                        + ": name each array after the model input it feeds, and leave out the others");
            }
        }
        for (TensorInfo input : inputs) {
            InputSpec spec = fed.get(input.name());
            if (spec == null) {
                throw new InvalidInputException("Model input '" + input.name() + "' (" + input + ") is not in the"
                        + " calibration data, which holds " + fed.keySet() + ": add an array named '"
                        + input.name() + "' with the samples on its first axis");
            }
            ElementType expected = elementType(input.elementType());
            if (input.elementType() != 0 && expected != spec.type()) {
                throw new InvalidInputException("Model input '" + input.name() + "' is " + input + " but the"
                        + " calibration data's array '" + spec.name() + "' holds " + spec.type()
                        + (expected == null ? "; quant4j feeds inputs of " + ElementType.names() + " only"
                                : ": convert it, e.g. arr.astype('" + numpyType(expected) + "')"));
            }
        }
        BatchLayout layout = layout(graph, data);
        for (SampleShapes.Group group : data.sampleShapes().groups()) {
            for (TensorInfo input : inputs) {
                requireSampleShape(input, layout, group.shapes().get(input.name()), "Calibration data array '"
                        + input.name() + "' has samples of shape ");
            }
        }
        return inputs;
    }

    /**
     * Where the samples of {@code data} go in the data inputs of {@code graph}: the batch axes that
     * the graph's declared shapes and dimension names decide, and those {@code data} chooses
     * ({@link Dataset#batchAxes()}).
     *
     * @throws InvalidInputException when the batch axis of an input cannot be told or a chosen one
     *                               does not fit
     */
    public static BatchLayout layout(Graph graph, Dataset data) {
        List<BatchLayout.DeclaredInput> declared = new ArrayList<>();
        for (TensorInfo input : graph.inputs()) {
            if (graph.isInitializer(input.name())) {
                continue;
            }
            long[] shape = input.shape().orElse(null);
            String[] names = null;
            if (shape != null) {
                names = new String[shape.length];
                var dims = input.proto().getType().getTensorType().getShape().getDimList();
                for (int d = 0; d < shape.length && d < dims.size(); d++) {
                    names[d] = dims.get(d).getDimParam();
                }
            }
            declared.add(new BatchLayout.DeclaredInput(input.name(), shape, names));
        }
        return BatchLayout.of(declared, data.batchAxes());
    }

    /**
     * Checks a sample shape against the model input's declared shape without its batch axis (the
     * sample may also keep the batch axis with size 1; an input without a batch axis takes samples
     * of its whole shape).
     */
    private static void requireSampleShape(TensorInfo input, BatchLayout layout, int[] sample, String what) {
        long[] expected = layout.sampleShape(input.name());
        if (expected == null || sample == null) {
            return;
        }
        long[] declared = layout.declaredShape(input.name());
        int axis = layout.axis(input.name());
        if (!fits(expected, sample) && !(axis != BatchLayout.NONE && fits(declared, sample) && sample[axis] == 1)) {
            String batch = axis == BatchLayout.NONE ? "it has no batch axis, so each sample holds all of it"
                    : "its batch axis is " + axis + (axis == 0 ? "" : " (--batch-axis " + input.name()
                            + "=AXIS chooses another)") + ", so a sample has shape " + text(expected);
            throw new InvalidInputException(what + Arrays.toString(sample) + " but model input '" + input.name()
                    + "' expects " + input.shapeText() + " (" + batch + "): give calibration data of the model's"
                    + " sample shape (resize, crop or convert the images, or reshape the array)");
        }
    }

    private static boolean fits(long[] expected, int[] sample) {
        if (expected.length != sample.length) {
            return false;
        }
        for (int i = 0; i < sample.length; i++) {
            if (expected[i] > 0 && expected[i] != sample[i]) {
                return false;
            }
        }
        return true;
    }

    private static String text(long[] shape) {
        List<String> parts = new ArrayList<>();
        for (long d : shape) {
            parts.add(d > 0 ? Long.toString(d) : "?");
        }
        return parts.toString();
    }

    /** The element type of an ONNX {@code TensorProto.DataType}, or null when data cannot hold it. */
    private static ElementType elementType(int onnxType) {
        return switch (onnxType) {
            case TensorProto.DataType.FLOAT_VALUE -> ElementType.FLOAT32;
            case TensorProto.DataType.FLOAT16_VALUE -> ElementType.FLOAT16;
            case TensorProto.DataType.INT64_VALUE -> ElementType.INT64;
            case TensorProto.DataType.INT32_VALUE -> ElementType.INT32;
            case TensorProto.DataType.INT8_VALUE -> ElementType.INT8;
            case TensorProto.DataType.UINT8_VALUE -> ElementType.UINT8;
            case TensorProto.DataType.BOOL_VALUE -> ElementType.BOOL;
            default -> null;
        };
    }

    /** The NumPy dtype of {@code type}, for the conversion a message suggests. */
    private static String numpyType(ElementType type) {
        return switch (type) {
            case FLOAT32 -> "<f4";
            case FLOAT16 -> "<f2";
            case INT64 -> "<i8";
            case INT32 -> "<i4";
            case INT8 -> "|i1";
            case UINT8 -> "|u1";
            case BOOL -> "|b1";
        };
    }
}
