package org.quant4j.cli.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.cli.CliRun;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;

class ConvertCommandTest {

    @TempDir
    Path dir;

    private Path opset9() throws IOException {
        GraphBuilder b = GraphBuilder.create("old", 9);
        b.output(b.clip(b.op("Unsqueeze", List.of(b.input("x", 3)), Attributes.ints("axes", 0)), 0, 6));
        Path model = dir.resolve("old.onnx");
        Files.write(model, b.buildModel().toBytes());
        return model;
    }

    @Test
    void convertsBesideTheModelAndNamesEveryRewrite() throws IOException {
        Path model = opset9();
        byte[] before = Files.readAllBytes(model);
        CliRun run = CliRun.of("convert", "-m", model, "--opset", 13);
        assertEquals(0, run.exitCode(), run.toString());
        Path out = dir.resolve("old-opset13.onnx");
        OnnxModel converted = OnnxModel.read(out);
        assertEquals(13, converted.graph().opset());
        assertTrue(converted.graph().nodes().stream().map(Node::attributes).allMatch(a -> a.isEmpty()));
        assertTrue(run.out().contains("converted from opset 9 to 13, rewrote 2 node(s): Clip-11 x1, Unsqueeze-13 x1"),
                run.toString());
        assertArrayEquals(before, Files.readAllBytes(model));
    }

    @Test
    void refusesToWriteOverTheInputOrToGoDown() throws IOException {
        Path model = opset9();
        CliRun over = CliRun.of("convert", "-m", model, "--opset", 13, "-o", model, "--overwrite");
        assertEquals(1, over.exitCode(), over.toString());
        CliRun down = CliRun.of("convert", "-m", model, "--opset", 8);
        assertEquals(1, down.exitCode(), down.toString());
        assertTrue(down.err().contains("only raises opsets"), down.toString());
        assertFalse(Files.exists(dir.resolve("old-opset8.onnx")));
    }
}
