package org.quant4j.onnx.quantize;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.data.ElementType;
import org.quant4j.api.data.InputSpec;
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
            requireSampleShape(input, data.sampleShape(), "Calibration data has samples of shape ");
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
            requireSampleShape(input, spec.sampleShape(), "Calibration data array '" + spec.name()
                    + "' has samples of shape ");
        }
        return inputs;
    }

    private static void requireSampleShape(TensorInfo input, int[] sample, String what) {
        long[] expected = input.shape().orElse(null);
        if (expected == null) {
            return;
        }
        boolean matches = expected.length == sample.length + 1;
        for (int i = 0; matches && i < sample.length; i++) {
            matches = expected[i + 1] == TensorInfo.DYNAMIC || expected[i + 1] == sample[i];
        }
        if (!matches) {
            throw new InvalidInputException(what + Arrays.toString(sample) + " but model input '" + input.name()
                    + "' expects " + input.shapeText() + ": give calibration data of the model's sample shape"
                    + " (resize, crop or convert the images, or reshape the array)");
        }
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
