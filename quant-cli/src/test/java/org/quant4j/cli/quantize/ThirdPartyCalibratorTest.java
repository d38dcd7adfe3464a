package org.quant4j.cli.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.Quant4jCli;
import org.quant4j.cli.Samples;
import org.quant4j.cli.TestFiles;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.TensorProtos;

/**
 * A calibrator provider defined only on this test's classpath ({@link FixedRangeCalibratorProvider})
 * is found by name and used by {@code quant4j quantize --method NAME}.
 */
class ThirdPartyCalibratorTest {

    @TempDir
    Path dir;

    @Test
    void aCalibratorOnlyOnTheClasspathIsSelectedByNameAndItsRangesAreWritten() {
        Path model = TestFiles.model(ReferenceGraphs.mlp(1), dir.resolve("mlp.onnx"));
        Path output = dir.resolve("mlp-fixed.onnx");

        CliRun run = CliRun.of("quantize", "-m", model, "-d", Samples.images(dir, 8), "-o", output,
                "--method", "Fixed-Range");

        assertEquals(Quant4jCli.OK, run.exitCode(), run::toString);
        assertTrue(run.outLines().get(0).contains("static: fixed-range calibration on 8 samples"), run::toString);
        // uint8 asymmetric activations over [-2, 6]: scale = (6 - -2) / 255, zero point = round(2 / scale) = 64.
        float expectedScale = (float) ((FixedRangeCalibratorProvider.MAX - FixedRangeCalibratorProvider.MIN) / 255);
        int expectedZeroPoint = (int) Math.round(-FixedRangeCalibratorProvider.MIN / expectedScale);
        assertEquals(64, expectedZeroPoint);
        Graph graph = Graph.of(OnnxModel.read(output));
        assertTrue(graph.nodes().stream().anyMatch(n -> n.is("QuantizeLinear") && graph.isGraphInput(n.input(0))),
                "no QuantizeLinear on the model input");
        // Every activation (not a weight) is quantized with the range the calibrator gave.
        List<Node> activationQuantizers = graph.nodes().stream()
                .filter(n -> n.is("QuantizeLinear") && !graph.isInitializer(n.input(0))).toList();
        for (Node q : activationQuantizers) {
            float scale = TensorProtos.toFloatTensor(graph.initializer(q.input(1)).orElseThrow()).data()[0];
            int zeroPoint = TensorProtos.toInts(graph.initializer(q.input(2)).orElseThrow())[0];
            assertEquals(expectedScale, scale, 0f, q.name());
            assertEquals(expectedZeroPoint, zeroPoint, q.name());
        }
    }

    @Test
    void anUnknownMethodIsAUsageErrorListingTheNamesOnTheClasspath() {
        Path model = TestFiles.model(ReferenceGraphs.mlp(1), dir.resolve("mlp.onnx"));

        CliRun run = CliRun.of("quantize", "-m", model, "-d", Samples.images(dir, 4), "--method", "unknown");

        assertEquals(Quant4jCli.USAGE, run.exitCode(), run::toString);
        assertEquals(List.of("quant4j: Invalid value for option '--method': Unknown calibration method 'unknown': use"
                + " one of minmax, moving-average-minmax, entropy, percentile, mse, fixed-range (see 'quant4j quantize"
                + " --help')"), run.errLines());
    }
}
