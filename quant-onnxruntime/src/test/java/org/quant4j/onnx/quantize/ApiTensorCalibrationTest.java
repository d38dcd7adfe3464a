package org.quant4j.onnx.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.ModelCalibrator;
import org.quant4j.api.calibration.ModelCalibrators;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.transform.TransformPipeline;
import org.quant4j.onnxruntime.quantize.CalibrationPass;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

class ApiTensorCalibrationTest {

    private static final Dataset DATA = new UniformNoiseDataset(24, new int[] {1, 28, 28}, 9, 0f, 1f);

    private static Graph foldedCnn() {
        Graph g = Graph.of(org.quant4j.onnx.graph.OnnxModel.of(ReferenceGraphs.smallCnn(4)));
        TransformPipeline.inference().apply(g);
        return g;
    }

    private static CalibrationPass pass(QuantizationConfig config) {
        return new CalibrationPass(config, DATA, 8, ProgressListener.NONE, RunnerOptions.defaults());
    }

    @Test
    void staticQuantizerPlansTheSameLayoutAsWithOnnxRuntimesPass() {
        Graph graph = foldedCnn();
        QuantizationConfig config = QuantizationConfig.builder().calibrationMethod(CalibrationMethod.ENTROPY)
                .perChannel(true).build();
        QdqLayout expected = StaticQdqQuantizer.layout(graph, QuantizationContext.calibratedBy(config, pass(config)));
        try (ModelCalibrator calibrator = ModelCalibrators.get("onnxruntime")) {
            QdqLayout actual = StaticQdqQuantizer.layout(graph, QuantizationContext.calibratedBy(config,
                    new ApiTensorCalibration(calibrator, config, DATA, 8, 0, ProgressListener.NONE)));
            assertEquals(expected, actual);
        }
    }

    @Test
    void aSchemeOtherThanTheConfigsIsHonoured() {
        Graph graph = foldedCnn();
        QuantizationConfig config = QuantizationConfig.builder().build();
        String conv = graph.nodes().get(0).output(0);
        List<String> tensors = List.of(ReferenceGraphs.INPUT, conv);
        Function<String, QuantScheme> schemes = t -> t.equals(conv) ? QuantScheme.INT8_SYMMETRIC
                : QuantScheme.UINT8_ASYMMETRIC;
        CalibratedRanges expected = pass(config).calibrate(graph, tensors, schemes);
        try (ModelCalibrator calibrator = ModelCalibrators.get("onnxruntime")) {
            CalibratedRanges actual = new ApiTensorCalibration(calibrator, config, DATA, 8, 0, ProgressListener.NONE)
                    .calibrate(graph, tensors, schemes);
            assertEquals(expected.ranges(), actual.ranges());
            assertEquals(DATA.size(), actual.samples());
            TensorRange symmetric = actual.ranges().get(conv);
            assertEquals(-symmetric.max(), symmetric.min());
            // The data is uniform in [0, 1) over 24 x 784 values: asymmetric, its range starts just above zero.
            assertEquals(0.0, actual.ranges().get(ReferenceGraphs.INPUT).min(), 1e-3);
            assertTrue(actual.ranges().get(ReferenceGraphs.INPUT).min() >= 0);
            assertFalse(config.tensorOverrides().containsKey(conv), "the caller's config is left as it was");
        }
    }
}
