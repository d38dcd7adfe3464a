package org.quant4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quant4j.onnx.builder.ReferenceGraphs;
import picocli.CommandLine;

/** The command tree, help and the error contract: one line on stderr, {@code quant4j: <reason>}, and an exit code. */
class Quant4jCliTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"quantize", "calibrate", "evaluate", "inspect", "backends"})
    void everyCommandHasHelpWithExamples(String command) {
        CliRun run = CliRun.of(command, "--help");

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().startsWith("Usage: quant4j " + command), run::toString);
        assertTrue(run.out().contains("Examples:"), run::toString);
        CommandLine cli = Quant4jCli.commandLine(new Quant4jCli(false));
        for (String line : cli.getSubcommands().get(command).getCommandSpec().usageMessage().footer()) {
            assertTrue(line.length() <= 80, "example lines fit 80 columns, unwrapped: " + line);
        }
    }

    @Test
    void withoutACommandTheUsageGoesToStderr() {
        CliRun run = CliRun.of();

        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("Usage: quant4j"), run::toString);
        for (String command : List.of("quantize", "calibrate", "evaluate", "inspect", "backends")) {
            assertTrue(run.err().contains("\n  " + command + " "), command);
        }
    }

    @Test
    void onATerminalCalibrationDrawsAProgressBarOnStderr() {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(5), dir.resolve("cnn.onnx"));

        CliRun run = CliRun.withProgressBars("quantize", "-m", model, "-d", Samples.images(dir, 8), "--json");

        assertEquals(0, run.exitCode(), run::toString);
        // Every long step draws its own bar, in order: the model's preparation, calibration, the weights.
        assertTrue(run.err().startsWith("\rpreparing model [>"), run::toString);
        int calibration = run.err().indexOf("\rcalibration [>");
        int done = run.err().indexOf("\rcalibration [==============================] 8/8 100%");
        int weights = run.err().indexOf("\rquantizing weights [>");
        assertTrue(0 < calibration && calibration < done && done < weights, run::toString);
        assertTrue(run.out().startsWith("{"), "stdout holds the JSON only:\n" + run);
    }

    @Test
    void versionNamesQuant4jAndTheBackends() {
        CliRun run = CliRun.of("--version");

        assertEquals(0, run.exitCode());
        assertTrue(run.out().startsWith("quant4j "), run::toString);
        assertTrue(run.out().contains("onnxruntime "), run::toString);
    }

    @Test
    void aMissingModelFileIsOneLine() {
        Path missing = dir.resolve("missing.onnx");

        CliRun run = CliRun.of("quantize", "--model", missing, "--mode", "dynamic");

        assertEquals(Quant4jCli.FAILED, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().startsWith("quant4j: Model file " + missing.toAbsolutePath() + " does not exist"),
                run::toString);
    }

    @Test
    void anUnknownMethodIsAUsageErrorListingTheValidNames() {
        Path model = TestFiles.model(ReferenceGraphs.mlp(1), dir.resolve("mlp.onnx"));

        CliRun run = CliRun.of("quantize", "-m", model, "-d", Samples.images(dir, 4), "--method", "kl");

        assertEquals(Quant4jCli.USAGE, run.exitCode(), run::toString);
        assertEquals(List.of("quant4j: Invalid value for option '--method': Unknown calibration method 'kl': use one"
                + " of minmax, moving-average-minmax, entropy, percentile, mse, fixed-range (see 'quant4j quantize --help')"),
                run.errLines());
    }

    @Test
    void dataOfTheWrongShapeIsOneLine() {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(2), dir.resolve("cnn.onnx"));
        Path small = Samples.images(dir.resolve("small.npy"), 4, 14);

        CliRun run = CliRun.of("quantize", "-m", model, "-d", small);

        assertEquals(Quant4jCli.FAILED, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().contains("[1, 14, 14]") && run.err().contains("28"), run::toString);
        assertFalse(Files.exists(dir.resolve("cnn-int8.onnx")));
    }

    @Test
    void anOutputThatIsTheInputIsRefused() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.mlp(3), dir.resolve("mlp.onnx"));
        byte[] before = Files.readAllBytes(model);

        CliRun run = CliRun.of("quantize", "-m", model, "--mode", "fp16", "-o", model, "--overwrite");

        assertEquals(Quant4jCli.FAILED, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().startsWith("quant4j: Refusing to write the quantized model to " + model)
                && run.err().contains("it is the input"), run::toString);
        assertTrue(Arrays.equals(before, Files.readAllBytes(model)), "the input is untouched");
    }

    @Test
    void dataOfAnUnknownFormatIsOneLine() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.mlp(4), dir.resolve("mlp.onnx"));
        Path text = Files.writeString(dir.resolve("data.txt"), "1,2,3\n");

        CliRun run = CliRun.of("calibrate", "-m", model, "-d", text);

        assertEquals(Quant4jCli.FAILED, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().startsWith("quant4j: Cannot tell the format of data " + text), run::toString);
    }

    @Test
    void aMisspelledOptionSuggestsTheRightOne() {
        CliRun run = CliRun.of("inspect", "--modle", "x.onnx");

        assertEquals(Quant4jCli.USAGE, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().contains("--modle") && run.err().contains("did you mean --model?"), run::toString);
    }

    @Test
    void errorLinesFoldNativeMultiLineMessages() {
        assertEquals("quant4j: ONNX Runtime failed: node Conv_3 bad shape",
                ErrorReporter.line("ONNX Runtime failed:\n  node Conv_3\r\n bad shape\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--batch-size=0", "--threads=-3", "--calibration-samples=0", "--batch-size=x"})
    void anInvalidNumberIsAUsageError(String option) {
        Path model = TestFiles.model(ReferenceGraphs.mlp(5), dir.resolve("mlp.onnx"));

        CliRun run = CliRun.of("quantize", "-m", model, "-d", Samples.images(dir, 4), option);

        assertEquals(Quant4jCli.USAGE, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        String name = option.substring(0, option.indexOf('='));
        assertTrue(run.err().startsWith("quant4j: Invalid value for option '" + name + "'"), run::toString);
        assertFalse(Files.exists(dir.resolve("mlp-int8.onnx")), "nothing ran");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--rounds=0", "--threads=-1", "--test-samples=0"})
    void anInvalidNumberOfCompareIsAUsageError(String option) {
        Path model = TestFiles.model(ReferenceGraphs.mlp(5), dir.resolve("mlp.onnx"));

        CliRun run = CliRun.of("compare", "-m", model, "-d", Samples.images(dir, 4), option);

        assertEquals(Quant4jCli.USAGE, run.exitCode(), run::toString);
    }

    @Test
    void withJsonAUsageErrorIsOneJsonObjectOnStdout() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.mlp(5), dir.resolve("mlp.onnx"));

        CliRun run = CliRun.of("quantize", "-m", model, "--batch-size", "0", "--json");

        assertEquals(Quant4jCli.USAGE, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), "stderr keeps its one line:\n" + run);
        JsonNode error = new ObjectMapper().readTree(run.out());
        assertEquals(Set.of("code", "exitCode", "message", "hint"), fieldNames(error), run::toString);
        assertEquals("usage", error.get("code").asText());
        assertEquals(2, error.get("exitCode").asInt());
        assertTrue(error.get("message").asText().startsWith("Invalid value for option '--batch-size'"), run::toString);
        assertEquals("see 'quant4j quantize --help'", error.get("hint").asText());
    }

    @Test
    void withJsonAFailureIsOneJsonObjectOnStdout() throws Exception {
        Path missing = dir.resolve("missing.onnx");

        CliRun run = CliRun.of("quantize", "--model", missing, "--mode", "dynamic", "--json");

        assertEquals(Quant4jCli.FAILED, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        JsonNode error = new ObjectMapper().readTree(run.out());
        assertEquals(Set.of("code", "exitCode", "message", "hint"), fieldNames(error), run::toString);
        assertEquals("failed", error.get("code").asText());
        assertEquals(1, error.get("exitCode").asInt());
        assertEquals(run.errLines().get(0), "quant4j: " + error.get("message").asText());
        assertFalse(error.get("hint").asText().isBlank());
    }

    @Test
    void withJsonAMisspeltOptionIsOneJsonObjectOnStdout() throws Exception {
        CliRun run = CliRun.of("inspect", "--json", "--modle", "x.onnx");

        assertEquals(Quant4jCli.USAGE, run.exitCode(), run::toString);
        JsonNode error = new ObjectMapper().readTree(run.out());
        assertEquals("usage", error.get("code").asText());
        assertTrue(error.get("message").asText().contains("did you mean --model?"), run::toString);
    }

    @Test
    void withJsonAUsageErrorFoundWhileRunningIsOneJsonObjectOnStdout() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.mlp(5), dir.resolve("mlp.onnx"));

        CliRun run = CliRun.of("quantize", "-m", model, "--json");

        assertEquals(Quant4jCli.USAGE, run.exitCode(), run::toString);
        JsonNode error = new ObjectMapper().readTree(run.out());
        assertEquals("usage", error.get("code").asText(), run::toString);
        assertTrue(error.get("message").asText().startsWith("Static quantization calibrates on data"), run::toString);
    }

    @Test
    void withoutJsonAFailurePrintsNothingOnStdout() {
        CliRun run = CliRun.of("quantize", "--model", dir.resolve("missing.onnx"), "--batch-size", "0");

        assertEquals(Quant4jCli.USAGE, run.exitCode(), run::toString);
        assertEquals("", run.out());
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
