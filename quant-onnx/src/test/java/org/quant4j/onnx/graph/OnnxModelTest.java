package org.quant4j.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.ModelException;
import org.quant4j.api.QuantException;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.ReferenceGraphs;

class OnnxModelTest {

    @TempDir
    Path dir;

    @Test
    void writeThenReadKeepsTheModelAndGraph() {
        ModelProto original = ReferenceGraphs.smallCnn(7);
        Path file = dir.resolve("cnn.onnx");
        OnnxModel.of(original).write(file);

        OnnxModel read = OnnxModel.read(file);
        assertEquals(original, read.proto());
        assertEquals(file.toAbsolutePath().normalize(), read.source().orElseThrow());
        // Graph conversion is lossless for a model whose nodes are already in topological order.
        assertEquals(original, read.graph().toProto());
    }

    @Test
    void largeWeightsAreReadWholeAsSlicesOfTheFile() {
        // 300,000 values (1.2 MB), parsed as a slice of the file's array (aliasing); a small bias follows.
        float[] w = new float[300_000];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        GraphBuilder b = GraphBuilder.create("big");
        String x = b.input("input", -1, 100, 4, 4);
        b.output(b.conv(x, new FloatTensor(new long[] {3000, 100, 1, 1}, w), FloatTensor.filled(0.5f, 3000),
                ConvOptions.DEFAULT), "out");
        ModelProto original = b.build();
        Path file = dir.resolve("big.onnx");
        OnnxModel.of(original).write(file);

        OnnxModel read = OnnxModel.read(file);
        assertEquals(original, read.proto());
        Graph g = read.graph();
        String weight = g.nodes().get(0).input(1);
        assertArrayEquals(w, g.floatInitializer(weight).orElseThrow().data());
        // The slices are the tensors' own bytes: writing the model again gives the file back.
        Path again = dir.resolve("again.onnx");
        g.toModel().write(again);
        assertArrayEquals(readBytes(file), readBytes(again));
    }

    @Test
    void eightBitTensorsReadFromTheFilesSlicesHaveTheirOwnValues() {
        // Each raw_data is a slice of the file's array (aliasing), so a reader must index from the
        // slice's start, not the array's: the uint8 zero point 64 read as 8 (a byte of the file's header)
        // before toInts did. A float weight precedes them so that their slices start far into the file.
        ModelProto.Builder m = ModelProto.newBuilder(ReferenceGraphs.smallCnn(3));
        m.getGraphBuilder().addInitializer(TensorProto.newBuilder().setName("zp_u8")
                .setDataType(TensorProto.DataType.UINT8_VALUE).addDims(3)
                .setRawData(ByteString.copyFrom(new byte[] {64, (byte) 200, 0})));
        m.getGraphBuilder().addInitializer(TensorProto.newBuilder().setName("w_i8")
                .setDataType(TensorProto.DataType.INT8_VALUE).addDims(2)
                .setRawData(ByteString.copyFrom(new byte[] {-127, 5})));
        m.getGraphBuilder().addInitializer(TensorProto.newBuilder().setName("b_i32")
                .setDataType(TensorProto.DataType.INT32_VALUE).addDims(2)
                .setRawData(ByteString.copyFrom(new byte[] {1, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                        (byte) 0xFF})));
        Path file = dir.resolve("eight-bit.onnx");
        OnnxModel.of(m.build()).write(file);

        Graph g = OnnxModel.read(file).graph();
        assertArrayEquals(new int[] {64, 200, 0}, TensorProtos.toInts(g.initializer("zp_u8").orElseThrow()));
        assertArrayEquals(new int[] {-127, 5}, TensorProtos.toInts(g.initializer("w_i8").orElseThrow()));
        assertArrayEquals(new int[] {1, -1}, TensorProtos.toInts(g.initializer("b_i32").orElseThrow()));
        java.nio.ByteBuffer int8 = TensorProtos.toInt8Buffer(g.initializer("w_i8").orElseThrow());
        assertEquals(-127, int8.get(0));
        assertEquals(5, int8.get(1));
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void writingOverTheInputIsRefusedAndLeavesItUnchanged() throws IOException {
        Path file = dir.resolve("in.onnx");
        OnnxModel.of(ReferenceGraphs.mlp(1)).write(file);
        byte[] before = Files.readAllBytes(file);
        OnnxModel read = OnnxModel.read(file);
        Graph g = read.graph();
        g.addOutput(g.nodes().get(0).output(0));

        InvalidInputException e = assertThrows(InvalidInputException.class, () -> g.toModel().write(file));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().normalize().toString()), e.getMessage());
        assertThrows(InvalidInputException.class, () -> read.write(dir.resolve("sub/../in.onnx")));
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void atomicWriteLeavesOnlyTheTargetFile() throws IOException {
        Path out = dir.resolve("out.onnx");
        OnnxModel model = OnnxModel.of(ReferenceGraphs.smallCnn(1));
        model.write(out);
        model.write(out);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(out), files.toList());
        }
        assertEquals(model.proto().getSerializedSize(), Files.size(out));
    }

    @Test
    void truncatedModelIsRejectedNamingFileAndOffset() throws IOException {
        byte[] bytes = ReferenceGraphs.smallCnn(1).toByteArray();
        Path file = dir.resolve("truncated.onnx");
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));

        InvalidInputException e = assertThrows(InvalidInputException.class, () -> OnnxModel.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
        assertTrue(e.getMessage().contains("of " + bytes.length / 2), e.getMessage());
    }

    @Test
    void randomBytesAreRejected() throws IOException {
        byte[] bytes = new byte[4096];
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) r.nextInt(256);
        }
        Path file = dir.resolve("random.onnx");
        Files.write(file, bytes);

        QuantException e = assertThrows(QuantException.class, () -> OnnxModel.read(file));
        assertTrue(e instanceof InvalidInputException || e instanceof ModelException, e.toString());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void missingAndEmptyFilesAreRejected() throws IOException {
        Path missing = dir.resolve("nope.onnx");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> OnnxModel.read(missing));
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains(missing.toString()),
                e.getMessage());

        Path empty = Files.createFile(dir.resolve("empty.onnx"));
        e = assertThrows(InvalidInputException.class, () -> OnnxModel.read(empty));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());

        e = assertThrows(InvalidInputException.class, () -> OnnxModel.read(dir));
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
    }

    @Test
    void modelWithoutGraphIsRejected() {
        byte[] bytes = ModelProto.newBuilder().setIrVersion(8).build().toByteArray();
        ModelException e = assertThrows(ModelException.class, () -> OnnxModel.parse(bytes, "nograph.onnx"));
        assertTrue(e.getMessage().contains("nograph.onnx") && e.getMessage().contains("no graph"), e.getMessage());
    }

    @Test
    void missingOrUnsupportedOpsetIsRejected() {
        ModelProto noOpset = ReferenceGraphs.mlp(1).toBuilder().clearOpsetImport().build();
        ModelException e = assertThrows(ModelException.class, () -> OnnxModel.of(noOpset));
        assertTrue(e.getMessage().contains("declares no opset"), e.getMessage());

        ModelProto old = withOpset(ReferenceGraphs.mlp(1), 6);
        e = assertThrows(ModelException.class, () -> OnnxModel.parse(old.toByteArray(), "old.onnx"));
        assertTrue(e.getMessage().contains("opset 6") && e.getMessage().contains("old.onnx"), e.getMessage());

        ModelProto future = withOpset(ReferenceGraphs.mlp(1), OnnxModel.MAX_OPSET + 1);
        assertThrows(ModelException.class, () -> OnnxModel.of(future));
    }

    @Test
    void defaultDomainMayBeSpelledAiOnnx() {
        ModelProto m = ReferenceGraphs.mlp(1).toBuilder().clearOpsetImport()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("ai.onnx").setVersion(13)).build();
        assertEquals(13, OnnxModel.of(m).opset());
    }

    static ModelProto withOpset(ModelProto m, long version) {
        return m.toBuilder().clearOpsetImport()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(version)).build();
    }
}
