package org.quant4j.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.onnx.builder.ReferenceGraphs;

class ModelInputsTest {

    @TempDir
    Path dir;

    @Test
    void readsTheSameDataInputsAsTheFullParse() throws Exception {
        Path file = dir.resolve("cnn.onnx");
        OnnxModel.of(ReferenceGraphs.smallCnn(3)).write(file);
        Graph graph = OnnxModel.read(file).graph();
        List<TensorInfo> expected = graph.inputs().stream().filter(i -> !graph.isInitializer(i.name())).toList();
        List<TensorInfo> read = ModelInputs.read(file);
        assertEquals(expected, read);
        assertArrayEquals(expected.get(0).shape().orElseThrow(), read.get(0).shape().orElseThrow());
    }

    @Test
    void readsTheSameOutputsAsTheFullParseInTheirOrder() throws Exception {
        // Two outputs of different types, declared after the initializers and nodes they follow in the file.
        ModelProto.Builder m = ModelProto.newBuilder(ReferenceGraphs.smallCnn(3));
        m.getGraphBuilder().addOutput(ValueInfoProto.newBuilder().setName(ReferenceGraphs.INPUT + "_shape")
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.INT64_VALUE))));
        m.getGraphBuilder().addNode(NodeProto.newBuilder().setOpType("Shape")
                .addInput(ReferenceGraphs.INPUT).addOutput(ReferenceGraphs.INPUT + "_shape"));
        Path file = dir.resolve("two-outputs.onnx");
        Files.write(file, m.build().toByteArray());
        List<TensorInfo> expected = OnnxModel.read(file).graph().outputs();
        List<TensorInfo> read = ModelInputs.outputs(file);
        assertEquals(2, read.size(), read.toString());
        assertEquals(expected, read);
        assertEquals(TensorProto.DataType.INT64_VALUE, read.get(1).elementType());
        assertThrows(InvalidInputException.class, () -> ModelInputs.outputs(dir.resolve("none.onnx")));
    }

    @Test
    void initializersListedAsInputsAreLeftOutAndSeveralInputsKeepTheirOrder() throws Exception {
        // As exporters of IR version 3 wrote them: every weight is also a graph input.
        ModelProto.Builder m = ModelProto.newBuilder(ReferenceGraphs.smallCnn(3));
        var g = m.getGraphBuilder();
        for (TensorProto init : g.getInitializerList()) {
            g.addInput(ValueInfoProto.newBuilder().setName(init.getName()).setType(TypeProto.newBuilder()
                    .setTensorType(TypeProto.Tensor.newBuilder().setElemType(init.getDataType()))));
        }
        g.addInput(ValueInfoProto.newBuilder().setName("ids").setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.INT64_VALUE).setShape(
                        TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(7))))));
        Path file = dir.resolve("old.onnx");
        Files.write(file, m.build().toByteArray());
        List<TensorInfo> read = ModelInputs.read(file);
        assertEquals(2, read.size(), read.toString());
        assertEquals(ReferenceGraphs.INPUT, read.get(0).name());
        assertEquals("ids", read.get(1).name());
        assertEquals(TensorProto.DataType.INT64_VALUE, read.get(1).elementType());
        assertEquals("[-1, 7]", Arrays.toString(read.get(1).shape().orElseThrow()));
    }

    @Test
    void missingEmptyAndCorruptFilesAreClearErrors() throws Exception {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ModelInputs.read(dir.resolve("none.onnx")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        Path empty = Files.createFile(dir.resolve("empty.onnx"));
        e = assertThrows(InvalidInputException.class, () -> ModelInputs.read(empty));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        byte[] whole = ReferenceGraphs.smallCnn(3).toByteArray();
        Path truncated = Files.write(dir.resolve("truncated.onnx"), Arrays.copyOf(whole, whole.length / 2));
        e = assertThrows(InvalidInputException.class, () -> ModelInputs.read(truncated));
        assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
        Path text = Files.writeString(dir.resolve("text.onnx"), "not a model at all\n");
        assertThrows(InvalidInputException.class, () -> ModelInputs.read(text));
        e = assertThrows(InvalidInputException.class, () -> ModelInputs.read(dir));
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
    }
}
