package org.quant4j.cli.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.TestFiles;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.FloatTensor;

/**
 * A classifier whose scores are {@code Log(x)}: 40 samples of 4 classes score 3 on their label and 1
 * elsewhere, so every sample is right, except that samples 0, 10, 20 and 30 hold a -1, whose
 * logarithm is NaN. Before, compare failed on their NaN confidence; now each row counts the four,
 * scores them as wrong (top-1 36 of 40) and says so.
 */
class CompareNonFiniteTest {

    @TempDir
    Path dir;

    @Test
    void rowsCountTheSamplesWithNonFiniteScores() throws Exception {
        int n = 40;
        float[] x = new float[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 4;
            for (int c = 0; c < 4; c++) {
                x[i * 4 + c] = c == labels[i] ? 3 : 1;
            }
            if (i % 10 == 0) {
                x[i * 4 + (labels[i] + 1) % 4] = -1;
            }
        }
        float[] eye = new float[16];
        for (int i = 0; i < 4; i++) {
            eye[i * 5] = 1;
        }
        GraphBuilder b = GraphBuilder.create("log-scores");
        String gemm = b.gemm(b.input("x", -1, 4), new FloatTensor(new long[] {4, 4}, eye), null, true);
        b.output(b.op("Log", List.of(gemm)), "scores");
        Path model = TestFiles.model(b.build(), dir.resolve("log.onnx"));
        Path data = TestFiles.npyFloats(dir.resolve("x.npy"), new int[] {n, 4}, x);
        Path labelFile = TestFiles.npyLabels(dir.resolve("labels.npy"), labels);

        CliRun run = CliRun.of("compare", "-m", model, "-d", data, "--labels", labelFile, "--methods",
                "FP32,dynamic INT8", "--rounds", 1, "-o", dir.resolve("out"), "--no-cache");

        assertEquals(0, run.exitCode(), run::toString);
        String fp32 = run.outLines().stream().filter(l -> l.strip().startsWith("FP32 ")).findFirst().orElseThrow();
        assertTrue(fp32.strip().endsWith(" 4"), "the NaN/inf column is last:\n" + run);
        assertTrue(run.out().contains("NaN/inf: test samples whose class scores held NaN or infinity"), run::toString);
        JsonNode results = new ObjectMapper().readTree(Files.readString(dir.resolve("out/results.json")));
        JsonNode reference = results.get("methods").get(0);
        assertEquals(4, reference.get("nonFinite").asInt(), reference::toString);
        assertEquals(36, reference.get("top1Correct").asInt());
        assertTrue(reference.get("notes").toString().contains("4 of 40 test samples gave class scores holding NaN"),
                reference::toString);
    }
}
