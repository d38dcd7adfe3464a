package org.quant4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.io.UnwritableDirectory;
import org.quant4j.calibration.cache.CalibrationCache;
import org.quant4j.onnx.builder.ReferenceGraphs;

/**
 * Issue 16 as a command-line user met it: {@code --overwrite} never replaces an input (the data,
 * the labels, the calibration cache), two runs creating the same output never both succeed and the
 * loser is told about {@code --overwrite}, and a read-only output directory is reported before any
 * calibration.
 */
class OutputSafetyCliTest {

    @TempDir
    Path dir;

    private static String refusal(String what, Path output, String input, Path inputPath) {
        return "quant4j: Refusing to write " + what + " to " + output + ": it is " + input + " " + inputPath
                + ", which this run reads. Choose another output path; inputs are never overwritten, not even when"
                + " replacing outputs is allowed";
    }

    @Test
    void overwriteNeverReplacesTheCalibrationDataByPathSymlinkOrHardLink() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
        Path npy = Samples.images(dir, 8);
        byte[] samples = Files.readAllBytes(npy);
        Path symlink = Files.createSymbolicLink(dir.resolve("link.npy"), npy);
        Path hardLink = Files.createLink(dir.resolve("hard.npy"), npy);
        for (Path output : List.of(npy, symlink, hardLink)) {
            CliRun run = CliRun.of("quantize", "-m", model, "-d", npy, "-o", output, "--overwrite");
            assertEquals(1, run.exitCode(), run::toString);
            assertEquals(List.of(refusal("the quantized model", output, "the data (--data)", npy)), run.errLines());
        }
        CliRun calibrate = CliRun.of("calibrate", "-m", model, "-d", npy, "--stats", hardLink, "--overwrite");
        assertEquals(List.of(refusal("the tensor statistics", hardLink, "the data (--data)", npy)),
                calibrate.errLines());
        assertArrayEquals(samples, Files.readAllBytes(npy));
        assertTrue(Files.isSymbolicLink(symlink));
        assertArrayEquals(samples, Files.readAllBytes(hardLink));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("cnn.onnx", "hard.npy", "images.npy", "link.npy"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void overwriteNeverReplacesTheLabels() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
        Path npy = Samples.images(dir, 8);
        Path labels = Samples.labels(dir, 8);
        byte[] before = Files.readAllBytes(labels);
        CliRun run = CliRun.of("calibrate", "-m", model, "-d", npy, "--labels", labels, "-o", labels, "--overwrite");
        assertEquals(List.of(refusal("the calibration table", labels, "the labels (--labels)", labels)),
                run.errLines());
        assertArrayEquals(before, Files.readAllBytes(labels));
    }

    @Test
    void overwriteNeverReplacesAnEntryOfTheCalibrationCache() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
        Path npy = Samples.images(dir, 8);
        CliRun first = CliRun.of("quantize", "-m", model, "-d", npy, "--json");
        assertEquals(0, first.exitCode(), first::toString);
        Path entry = Path.of(new com.fasterxml.jackson.databind.ObjectMapper().readTree(first.out())
                .get("calibrationCache").get("file").asText());
        assertTrue(entry.startsWith(CalibrationCache.inDefaultDirectory().directory()), entry::toString);
        byte[] before = Files.readAllBytes(entry);
        CliRun run = CliRun.of("calibrate", "-m", model, "-d", npy, "-o", entry, "--overwrite");
        assertEquals(List.of(refusal("the calibration table", entry, "the calibration cache directory",
                CalibrationCache.inDefaultDirectory().directory())), run.errLines());
        assertArrayEquals(before, Files.readAllBytes(entry));
    }

    @Test
    void aReadOnlyOutputDirectoryIsReportedBeforeCalibration() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
        Path npy = Samples.images(dir, 8);
        Path readOnly = Files.createDirectories(dir.resolve("read-only"));
        try (UnwritableDirectory d = UnwritableDirectory.of(readOnly)) {
            Assumptions.assumeTrue(d.unwritable(), "cannot make a directory unwritable here");
            for (String command : List.of("quantize", "calibrate")) {
                Path out = readOnly.resolve("out");
                // With progress bars, so that a calibration that started would show.
                CliRun run = CliRun.withProgressBars(command, "-m", model, "-d", npy, "-o", out, "--no-cache");
                assertEquals(1, run.exitCode(), run::toString);
                assertEquals(1, run.errLines().size(), run::toString);
                assertTrue(run.err().startsWith("quant4j: Cannot write the " + (command.equals("quantize")
                        ? "quantized model" : "calibration table") + " to " + out + ": its directory " + readOnly
                        + " is not writable ("), run::toString);
                assertTrue(run.err().trim().endsWith("choose a directory you can write to, or change its permissions"),
                        run::toString);
                assertFalse(run.err().contains("AccessDeniedException: " + out), run::toString);
            }
            // compare writes a report directory after minutes of work: checked before any of it.
            CliRun compare = CliRun.withProgressBars("compare", "-m", model, "-d", npy, "-o", readOnly, "--no-cache");
            assertEquals(1, compare.exitCode(), compare::toString);
            assertEquals(1, compare.errLines().size(), compare::toString);
            assertTrue(compare.err().startsWith("quant4j: Cannot write the report to " + readOnly.resolve("results.json")
                    + ": its directory " + readOnly + " is not writable ("), compare::toString);
        }
    }

    /**
     * Two {@code quantize} runs creating the same new output: every time exactly one succeeds and the
     * other is told to use {@code --overwrite}, never the API's {@code overwriteOutput(true)}.
     */
    @Test
    void ofTwoRunsCreatingTheSameOutputExactlyOneSucceedsAndTheOtherIsToldAboutOverwrite() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 20; i++) {
                Path out = dir.resolve("race-" + i + ".onnx");
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Future<CliRun>> runs = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    runs.add(pool.submit(() -> {
                        barrier.await();
                        return CliRun.of("quantize", "-m", model, "--mode", "dynamic", "-o", out);
                    }));
                }
                List<CliRun> done = List.of(runs.get(0).get(), runs.get(1).get());
                assertEquals(1, done.stream().filter(r -> r.exitCode() == 0).count(), done::toString);
                CliRun lost = done.stream().filter(r -> r.exitCode() != 0).findFirst().orElseThrow();
                assertEquals(List.of("quant4j: Cannot write the quantized model to " + out + ": the file exists;"
                        + " choose another path, or add --overwrite"), lost.errLines());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
