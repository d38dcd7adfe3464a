package org.quant4j.onnxruntime.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorOverride;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.CalibrationRequest;
import org.quant4j.api.calibration.CalibrationResult;
import org.quant4j.api.calibration.ModelCalibrator;
import org.quant4j.api.calibration.ModelCalibrators;
import org.quant4j.api.calibration.ModelSource;
import org.quant4j.api.calibration.TensorSelection;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.api.quantize.Quantizers;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.quantize.CalibratedRanges;
import org.quant4j.onnx.transform.TransformPipeline;
import org.quant4j.onnxruntime.quantize.ActivationCalibration;
import org.quant4j.onnxruntime.quantize.CalibrationPass;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

class OnnxRuntimeModelCalibratorTest {

    /** smallCnn's input and its ten node outputs: 2 x (Conv, BatchNormalization, Relu), Add, pool, Flatten, Gemm. */
    private static final int SMALL_CNN_TENSORS = 11;

    private static final Dataset DATA = new UniformNoiseDataset(40, new int[] {1, 28, 28}, 5, -1f, 2f);

    @TempDir
    Path dir;

    private Path smallCnn() {
        Path file = dir.resolve("cnn.onnx");
        OnnxModel.of(ReferenceGraphs.smallCnn(1)).write(file);
        return file;
    }

    private static CalibrationResult calibrate(CalibrationRequest request) {
        try (ModelCalibrator calibrator = ModelCalibrators.get("onnxruntime")) {
            return calibrator.calibrate(request);
        }
    }

    private static CalibrationRequest.Builder request(Path model, QuantizationConfig config) {
        return CalibrationRequest.builder().model(model).data(DATA).config(config).batchSize(16);
    }

    /** The ranges ActivationCalibration gives for {@code tensors} of the model as given. */
    private static CalibratedRanges direct(Path model, QuantizationConfig config, List<String> tensors) {
        return ActivationCalibration.calibrate(OnnxModel.read(model).graph(), tensors, config::activationScheme,
                new CalibrationPass(config, DATA, 16, ProgressListener.NONE, RunnerOptions.defaults()));
    }

    @Test
    void everyFloatTensorHasTheRangeActivationCalibrationGives() {
        Path model = smallCnn();
        QuantizationConfig config = QuantizationConfig.builder().calibrationMethod(CalibrationMethod.ENTROPY).build();
        Graph graph = OnnxModel.read(model).graph();
        List<String> tensors = new ArrayList<>(List.of(ReferenceGraphs.INPUT));
        graph.nodes().forEach(n -> tensors.add(n.output(0)));

        CalibrationResult r = calibrate(request(model, config).tensors(TensorSelection.allFloatTensors()).build());

        assertEquals(SMALL_CNN_TENSORS, r.ranges().size(), r.ranges()::toString);
        assertEquals(tensors, List.copyOf(r.ranges().keySet()));
        assertEquals(direct(model, config, tensors).ranges(), r.ranges());
        assertEquals(DATA.size(), r.samples());
        assertEquals("entropy", r.method());
        r.schemes().values().forEach(s -> assertEquals(QuantScheme.UINT8_ASYMMETRIC, s));
    }

    @Test
    void explicitTensorsAreCalibratedForTheirOverridesScheme() {
        Path model = smallCnn();
        Graph graph = OnnxModel.read(model).graph();
        String firstConv = graph.nodes().stream().filter(n -> n.opType().equals("Conv")).findFirst().orElseThrow()
                .output(0);
        QuantizationConfig config = QuantizationConfig.builder()
                .tensorOverride(firstConv, TensorOverride.withScheme(QuantScheme.INT8_SYMMETRIC)).build();
        List<String> tensors = List.of(firstConv, ReferenceGraphs.INPUT);

        CalibrationResult r = calibrate(request(model, config).tensors(TensorSelection.of(tensors)).build());

        assertEquals(tensors, List.copyOf(r.ranges().keySet()));
        assertEquals(direct(model, config, tensors).ranges(), r.ranges());
        TensorRange conv = r.ranges().get(firstConv);
        assertEquals(-conv.max(), conv.min());
        assertEquals(QuantScheme.INT8_SYMMETRIC, r.scheme(firstConv));
        // The data is uniform in [-1, 2) over 40 x 784 values: its min-max range nearly reaches the bounds.
        TensorRange input = r.ranges().get(ReferenceGraphs.INPUT);
        assertEquals(-1, input.min(), 1e-3);
        assertEquals(2, input.max(), 1e-3);
    }

    @Test
    void quantizerTensorsAreTheRangesOfStaticQuantization() {
        Path model = smallCnn();
        QuantizationConfig config = QuantizationConfig.builder().calibrationMethod(CalibrationMethod.PERCENTILE)
                .perChannel(true).build();
        QuantizationResult quantized;
        try (Quantizer quantizer = Quantizers.get("onnxruntime")) {
            quantized = quantizer.quantize(QuantizationRequest.builder().model(model).output(dir.resolve("q.onnx"))
                    .config(config).calibrationData(DATA).batchSize(16).build());
        }

        CalibrationResult r = calibrate(request(model, config).build());

        assertFalse(r.ranges().isEmpty());
        assertEquals(quantized.ranges(), r.ranges());
        assertEquals(DATA.size(), r.samples());
        // BatchNormalization is folded and each Relu absorbed into its QuantizeLinear: no Conv output
        // read only by a Relu is calibrated, and no BatchNormalization output exists any more.
        Graph folded = OnnxModel.read(model).graph();
        TransformPipeline.inference().apply(folded);
        for (Node relu : folded.nodes()) {
            if (relu.opType().equals("Relu")) {
                assertFalse(r.ranges().containsKey(relu.input(0)), relu.input(0) + " in " + r.ranges().keySet());
            }
        }
        OnnxModel.read(model).graph().nodes().stream().filter(n -> n.opType().equals("BatchNormalization"))
                .forEach(bn -> assertFalse(r.ranges().containsKey(bn.output(0))));
    }

    @Test
    void aModelInMemoryGivesTheRangesOfItsFile() throws Exception {
        Path model = smallCnn();
        QuantizationConfig config = QuantizationConfig.builder().build();
        CalibrationResult fromFile = calibrate(request(model, config).build());
        CalibrationResult fromBytes = calibrate(CalibrationRequest.builder()
                .model(ModelSource.bytes("cnn", Files.readAllBytes(model))).data(DATA).config(config).batchSize(16)
                .build());
        assertEquals(fromFile.ranges(), fromBytes.ranges());
        assertEquals("cnn", fromBytes.provenance().get("model"));
    }

    @Test
    void provenanceHasTheKeysQuant4jCalibrateHasAlwaysWritten() throws Exception {
        Path model = smallCnn();
        QuantizationConfig config = QuantizationConfig.builder().calibrationMethod(CalibrationMethod.PERCENTILE)
                .calibrationOption("percentile", "99.9").activationScheme(QuantScheme.INT8_SYMMETRIC).seed(3).build();

        CalibrationResult r = calibrate(request(model, config).tensors(TensorSelection.allFloatTensors()).build());

        assertEquals(List.of("tool", "tool.version", "backend", "backend.version", "model", "model.sha256",
                "calibration.method", "calibration.data", "calibration.options", "activations", "seed",
                "java.version", "java.vendor", "os.name", "os.arch", "cpu.model", "cpu.int8", "cpu.flags"),
                List.copyOf(r.provenance().entries().keySet()));
        Map<String, String> p = r.provenance().entries();
        assertEquals("onnxruntime", p.get("backend"));
        assertEquals("cnn.onnx", p.get("model"));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(model))),
                p.get("model.sha256"));
        assertEquals("percentile", p.get("calibration.method"));
        assertEquals(DATA.fingerprint(), p.get("calibration.data"));
        assertEquals("{percentile=99.9, symmetric=true}", p.get("calibration.options"));
        assertEquals(QuantScheme.INT8_SYMMETRIC.toString(), p.get("activations"));
        assertEquals("3", p.get("seed"));
        assertEquals(3, r.seed());
    }

    @Test
    void anUnknownTensorIsNamedWithSomeOfTheModelsTensors() {
        Path model = smallCnn();
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> calibrate(
                request(model, QuantizationConfig.builder().build()).tensors(TensorSelection.of("input", "nope"))
                        .build()));
        assertTrue(e.getMessage().startsWith("Tensor 'nope' is not a data input or node output of model cnn.onnx"),
                e.getMessage());
        assertTrue(e.getMessage().contains("e.g. [input, "), e.getMessage());
        assertTrue(e.getMessage().contains(" and 3 more"), e.getMessage());
    }
}
