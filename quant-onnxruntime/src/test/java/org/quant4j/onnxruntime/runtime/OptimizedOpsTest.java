package org.quant4j.onnxruntime.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.runtime.OptimizedOps.OpType;

class OptimizedOpsTest {

    @TempDir
    Path dir;

    private Path cnn() {
        Path file = dir.resolve("cnn.onnx");
        OnnxModel.of(ReferenceGraphs.smallCnn(1)).write(file);
        return file;
    }

    private static OptimizedOps at(Path model, OptimizationLevel level) {
        return OptimizedOps.list(model, RunnerOptions.builder().optimization(level).build());
    }

    @Test
    void floatConvModelRunsConvolutionsWithBatchNormFused() {
        Path model = cnn();
        OptimizedOps ops = at(model, OptimizationLevel.ALL);
        assertTrue(ops.contains("Conv") || ops.contains("FusedConv"), ops.toString());
        assertFalse(ops.contains("BatchNormalization"), ops.toString());
        assertFalse(ops.contains("QLinearConv"), ops.toString());
    }

    @Test
    void disabledOptimisationListsTheModelsOwnNodes() {
        Path model = cnn();
        List<OpType> expected = ReferenceGraphs.smallCnn(1).getGraph().getNodeList().stream()
                .map(NodeProto::getOpType).map(t -> new OpType("", t)).toList();
        assertEquals(expected, at(model, OptimizationLevel.DISABLED).ops());
    }

    @Test
    void extendedLevelFusesConvAndReluIntoMicrosoftFusedConv() {
        OptimizedOps ops = at(cnn(), OptimizationLevel.EXTENDED);
        assertEquals(2L, ops.counts().get("com.microsoft:FusedConv"), ops.toString());
        assertFalse(ops.contains("Relu"), ops.toString());
    }

    @Test
    void temporaryFilesAreRemoved() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long before = countOptimizedDirs(tmp);
        at(cnn(), OptimizationLevel.BASIC);
        assertEquals(before, countOptimizedDirs(tmp));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("cnn.onnx")), files.toList());
        }
    }

    private static long countOptimizedDirs(Path tmp) throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("quant4j-optimized-")).count();
        }
    }
}
