package org.quant4j.tensorrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.OnnxModel;

class EngineFileTest {

    @TempDir
    Path dir;

    /** A file that starts as TensorRT plans do; its remaining bytes are arbitrary. */
    static Path planLike(Path file) throws Exception {
        return Files.write(file, "ftrt\u0000\u0000\u0000\u0001 not a real engine".getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void engineNamesAreTheThreeTensorRtExtensionsInAnyCase() {
        assertTrue(EngineFile.hasEngineName(Path.of("m.engine")));
        assertTrue(EngineFile.hasEngineName(Path.of("dir/m.PLAN")));
        assertTrue(EngineFile.hasEngineName(Path.of("m.trt")));
        assertFalse(EngineFile.hasEngineName(Path.of("m.onnx")));
        assertFalse(EngineFile.hasEngineName(Path.of("engine")));
    }

    @Test
    void aFileWithThePlanTagPasses() throws Exception {
        Path engine = planLike(dir.resolve("m.engine"));
        assertEquals(engine, EngineFile.check(engine));
    }

    @Test
    void aFileWithoutThePlanTagThatIsNotOnnxIsLeftToTensorRt() throws Exception {
        // The tag is never a reason to refuse an engine: only a positive ONNX identification is.
        Path plan = Files.write(dir.resolve("m.plan"), new byte[] {(byte) 0xff, 0x13, 0x37, 0x00, 0x42});
        assertEquals(plan, EngineFile.check(plan));
    }

    @Test
    void aMissingEngineIsNamed() {
        Path missing = dir.resolve("missing.engine");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> EngineFile.check(missing));
        assertEquals("TensorRT engine " + missing.toAbsolutePath().normalize() + " does not exist: check the path",
                e.getMessage());
    }

    @Test
    void anEmptyEngineSaysToBuildItAgain() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.plan"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> EngineFile.check(empty));
        assertTrue(e.getMessage().contains("is empty (0 bytes): build it again"), e.getMessage());
    }

    @Test
    void aDirectoryIsNotAnEngine() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub.engine"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> EngineFile.check(sub));
        assertTrue(e.getMessage().endsWith("is not a file: give the path of an .engine or .plan file"), e.getMessage());
    }

    @Test
    void anOnnxModelNamedAsAnEngineIsCalledAnOnnxModel() {
        Path renamed = dir.resolve("cnn.engine");
        OnnxModel.of(ReferenceGraphs.smallCnn(1)).write(renamed);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> EngineFile.check(renamed));
        assertTrue(e.getMessage().startsWith(renamed.toAbsolutePath().normalize() + " is an ONNX model, not a"
                + " serialized TensorRT engine: name it .onnx"), e.getMessage());
    }

    @Test
    void anEngineNamedOnnxIsCalledAnEngine() throws Exception {
        Path renamed = planLike(dir.resolve("model.onnx"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> EngineFile.requireNotEngine(renamed));
        assertEquals(renamed.toAbsolutePath().normalize() + " is a serialized TensorRT engine, not an ONNX model:"
                + " name it .engine (or .plan) and run it with --backend tensorrt", e.getMessage());
    }

    @Test
    void aRealOnnxModelIsNotAnEngine() {
        Path model = dir.resolve("cnn.onnx");
        OnnxModel.of(ReferenceGraphs.smallCnn(1)).write(model);
        EngineFile.requireNotEngine(model);
        assertTrue(Files.isRegularFile(model));
    }
}
