package org.quant4j.mixedprecision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.calibration.data.UniformNoiseDataset;
import org.quant4j.sensitivity.PreparedModel;
import org.quant4j.sensitivity.TableCalibration;

class OrtProfileTest {

    @TempDir
    Path dir;

    @Test
    void parsesRunsAndNodesOfARealProfile() throws Exception {
        Path fp32 = KnownOptimumTest.model(dir);
        UniformNoiseDataset data = new UniformNoiseDataset(16, new int[] {32, 28, 28}, 1, 0f, 1f);
        PreparedModel prepared = PreparedModel.read(fp32);
        QuantizationConfig config = QuantizationConfig.builder().build();
        TableCalibration table = TableCalibration.calibrate(prepared, config, "onnxruntime", data, 16, 2,
                (s, d, t) -> { });
        Path int8 = dir.resolve("int8.onnx");
        prepared.quantized(config, table).graph().toModel().write(int8);

        LatencyProfiler profiler = new LatencyProfiler(data, fp32, 8, 2, 2, 4, dir);
        OrtProfile f = profiler.profile(fp32);
        OrtProfile q = profiler.profile(int8);
        for (OrtProfile p : new OrtProfile[] {f, q}) {
            assertEquals(6, p.runs().size(), "2 warm-up and 4 measured runs");
            for (Map<String, Double> run : p.runs()) {
                assertEquals(p.runs().get(0).keySet(), run.keySet(), "every run runs the same nodes");
                assertTrue(run.values().stream().allMatch(t -> t >= 0), run.toString());
            }
            assertTrue(p.minNodeMicros(2) > 0 && p.minNodeMicros(2) <= p.medianNodeMicros(2), p.toString());
            assertEquals(p.meanNodeMicros(2).keySet(), p.runs().get(0).keySet());
        }
        // ONNX Runtime fuses the QDQ groups into integer kernels: the INT8 profile runs QLinearConv, the
        // float one a float Conv (fused with its Relu), and no QuantizeLinear runs in the float model.
        assertTrue(q.ops().containsValue("QLinearConv"), q.ops().toString());
        assertTrue(q.ops().containsValue("QuantizeLinear"), q.ops().toString());
        assertTrue(f.ops().values().stream().anyMatch(op -> op.contains("Conv")), f.ops().toString());
        assertTrue(!f.ops().containsValue("QuantizeLinear") && !f.ops().containsValue("QLinearConv"),
                f.ops().toString());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith("profile")), "traces deleted");
        }
    }

    @Test
    void notATraceIsAClearError() throws Exception {
        Path object = dir.resolve("object.json");
        Files.writeString(object, "{\"cat\": \"Session\"}");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> OrtProfile.read(object));
        assertTrue(e.getMessage().contains("not a JSON array"), e.getMessage());

        Path noRun = dir.resolve("norun.json");
        Files.writeString(noRun, "[{\"cat\": \"Session\", \"name\": \"session_initialization\", \"ts\": 1, \"dur\": 5}]");
        e = assertThrows(InvalidInputException.class, () -> OrtProfile.read(noRun));
        assertTrue(e.getMessage().contains("no model_run"), e.getMessage());

        e = assertThrows(InvalidInputException.class, () -> OrtProfile.read(dir.resolve("missing.json")));
        assertTrue(e.getMessage().contains("Cannot read"), e.getMessage());
    }

    @Test
    void nodesAreCountedInTheirRunOnly() throws Exception {
        Path trace = dir.resolve("trace.json");
        Files.writeString(trace, """
                [
                {"cat": "Session", "name": "model_run", "ts": 100, "dur": 50},
                {"cat": "Node", "name": "conv_kernel_time", "ts": 110, "dur": 20, "args": {"op_name": "QLinearConv"}},
                {"cat": "Node", "name": "conv_fence_before", "ts": 109, "dur": 0, "args": {}},
                {"cat": "Node", "name": "gemm_kernel_time", "ts": 131, "dur": 10, "args": {"op_name": "Gemm"}},
                {"cat": "Session", "name": "model_run", "ts": 200, "dur": 40},
                {"cat": "Node", "name": "conv_kernel_time", "ts": 205, "dur": 16, "args": {"op_name": "QLinearConv"}},
                {"cat": "Node", "name": "gemm_kernel_time", "ts": 222, "dur": 12, "args": {"op_name": "Gemm"}},
                {"cat": "Node", "name": "late_kernel_time", "ts": 300, "dur": 7, "args": {"op_name": "Add"}}
                ]""");
        OrtProfile p = OrtProfile.read(trace);
        assertEquals(2, p.runs().size());
        assertEquals(Map.of("conv", 20.0, "gemm", 10.0), p.runs().get(0));
        assertEquals(Map.of("conv", 16.0, "gemm", 12.0), p.runs().get(1));
        assertEquals(28.0, p.minNodeMicros(0));
        assertEquals(29.0, p.medianNodeMicros(0));
        assertEquals(28.0, p.medianNodeMicros(1));
        assertEquals("QLinearConv", p.ops().get("conv"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> p.minNodeMicros(2));
        assertTrue(e.getMessage().contains("cannot skip 2"), e.getMessage());
    }
}
