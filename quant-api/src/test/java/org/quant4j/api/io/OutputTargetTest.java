package org.quant4j.api.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.quant4j.api.InvalidInputException;

class OutputTargetTest {

    @TempDir
    Path dir;

    private List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A target that may replace, reading {@code input}: only the input protection can refuse it. */
    private static OutputTarget replacing(Path output, Path input, String what) {
        return OutputTarget.builder(output, "the quantized model").overwrite(true).input(input, what).build();
    }

    /** Every kind of input a run reads, by the same path spelled otherwise, a symbolic link and a hard link. */
    @ParameterizedTest
    @ValueSource(strings = {"model.onnx", "samples.npy", "samples.npz", "train-labels-idx1-ubyte", "labels.npy",
        "0123abcd.q4jcache", "model.calibration.json", "model.cache"})
    void noInputIsEverReplacedEvenWithOverwrite(String name) throws IOException {
        Path input = Files.write(dir.resolve(name), new byte[] {1, 2, 3});
        Files.createDirectories(dir.resolve("sub"));
        Path symlink = Files.createSymbolicLink(dir.resolve("symlink-" + name), input);
        Path hardLink = Files.createLink(dir.resolve("hardlink-" + name), input);
        for (Path output : List.of(dir.resolve("sub/../" + name), symlink, hardLink)) {
            OutputTarget target = replacing(output, input, "the input " + name);
            InvalidInputException preflight = assertThrows(InvalidInputException.class, () -> target.preflight(0));
            assertEquals("Refusing to write the quantized model to " + output + ": it is the input " + name + " "
                    + input + ", which this run reads. Choose another output path; inputs are never overwritten,"
                    + " not even when replacing outputs is allowed", preflight.getMessage());
            InvalidInputException write = assertThrows(InvalidInputException.class, () -> target.writeString("x"));
            assertEquals(preflight.getMessage(), write.getMessage());
        }
        // Spelled from the other side: the input given as the link, the output as the file.
        assertThrows(InvalidInputException.class, () -> replacing(input, symlink, "the data").writeString("x"));
        assertThrows(InvalidInputException.class, () -> replacing(input, hardLink, "the data").writeString("x"));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(input));
        assertTrue(Files.isSymbolicLink(symlink));
        assertEquals(Stream.of("hardlink-" + name, name, "sub", "symlink-" + name).sorted().toList(), names(dir));
    }

    @Test
    void anExistingFileInsideAnInputDirectoryIsAnInputToo() throws IOException {
        Path data = Files.createDirectories(dir.resolve("images/cat"));
        Path image = Files.writeString(data.resolve("1.png"), "png");
        OutputTarget over = replacing(image, dir.resolve("images"), "the data");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> over.writeString("model"));
        assertTrue(e.getMessage().contains("it is the data " + dir.resolve("images")), e.getMessage());
        assertEquals("png", Files.readString(image));
        // A new file there reads nothing the run reads.
        replacing(data.resolve("new.onnx"), dir.resolve("images"), "the data").writeString("model");
        assertEquals("model", Files.readString(data.resolve("new.onnx")));
    }

    @Test
    void anExistingOutputIsReplacedOnlyWithOverwriteAndTheHintIsTheCallers() throws IOException {
        Path out = Files.writeString(dir.resolve("out.onnx"), "old");
        OutputTarget api = OutputTarget.builder(out, "the quantized model").build();
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> api.preflight(0));
        assertEquals("Cannot write the quantized model to " + out + ": the file exists; choose another path, or"
                + " allow replacing it with overwriteOutput(true)", e.getMessage());
        assertEquals(e.getMessage(), assertThrows(InvalidInputException.class, () -> api.writeString("new"))
                .getMessage());
        OutputTarget cli = api.toBuilder().overwriteHint("add --overwrite").build();
        assertTrue(assertThrows(InvalidInputException.class, () -> cli.writeString("new")).getMessage()
                .endsWith("the file exists; choose another path, or add --overwrite"));
        assertEquals("old", Files.readString(out));
        api.toBuilder().overwrite(true).build().writeString("new");
        assertEquals("new", Files.readString(out));
        assertEquals(List.of("out.onnx"), names(dir));
    }

    /**
     * The race of the issue: two runs create the same new output without overwrite. The check and
     * the publish are one step, so every time exactly one wins, the other is told to use the hint,
     * and the file holds the winner's complete content. Run with hard links and with the fallback of
     * file systems that have none (a claim created exclusively, then renamed over).
     */
    @ParameterizedTest
    @EnumSource(AtomicFiles.ExclusivePublish.class)
    void ofTwoThreadsCreatingTheSameNewFileExactlyOneWinsEveryTime(AtomicFiles.ExclusivePublish how)
            throws Exception {
        int iterations = 200;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < iterations; i++) {
                Path out = dir.resolve("race-" + i + ".onnx");
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Future<String>> results = new ArrayList<>();
                // The same length, so that both writers reach the publish at about the same time.
                for (String writer : List.of("A".repeat(60_000), "B".repeat(60_000))) {
                    results.add(pool.submit(() -> {
                        OutputTarget target = OutputTarget.builder(out, "the quantized model")
                                .overwriteHint("add --overwrite").exclusivePublish(how).build();
                        target.preflight(0);
                        barrier.await();
                        try {
                            target.writeString(writer);
                            return "won";
                        } catch (InvalidInputException e) {
                            return "lost: " + e.getMessage();
                        }
                    }));
                }
                String a = results.get(0).get();
                String b = results.get(1).get();
                assertEquals(1, (a.equals("won") ? 1 : 0) + (b.equals("won") ? 1 : 0), "iteration " + i + ": " + a
                        + " / " + b);
                String lost = a.equals("won") ? b : a;
                assertEquals("lost: Cannot write the quantized model to " + out + ": the file exists; choose another"
                        + " path, or add --overwrite", lost);
                String content = Files.readString(out);
                assertEquals(a.equals("won") ? "A".repeat(60_000) : "B".repeat(60_000), content);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(iterations, names(dir).size(), "no temporary file is left: " + names(dir));
    }

    @Test
    void createIfAbsentCreatesOnceAndNeverReplacesAFileOrAnInput() throws IOException {
        Path out = dir.resolve("entry.bin");
        // Allowing overwrite changes nothing: createIfAbsent never replaces.
        OutputTarget target = OutputTarget.builder(out, "the cache entry").overwrite(true).build();
        assertTrue(target.createIfAbsent(o -> o.write(new byte[] {1, 2})));
        assertFalse(target.createIfAbsent(o -> o.write(new byte[] {3})));
        assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(out));
        Path input = Files.writeString(dir.resolve("labels.npy"), "labels");
        assertThrows(InvalidInputException.class, () -> OutputTarget.builder(input, "the cache entry")
                .input(input, "the labels").build().createIfAbsent(o -> o.write(1)));
        assertEquals("labels", Files.readString(input));
        assertEquals(List.of("entry.bin", "labels.npy"), names(dir), "no temporary file is left");
    }

    /**
     * What the fallback leaves when a run is killed between its claim and its rename: an empty file.
     * The next run's preflight says so; a run that may replace it does.
     */
    @Test
    void anEmptyFileLeftByTheFallbackIsNamedByThePreflightAndReplacedWithOverwrite() throws IOException {
        Path out = Files.createFile(dir.resolve("model-int8.onnx"));
        OutputTarget target = OutputTarget.builder(out, "the quantized model").overwriteHint("add --overwrite")
                .exclusivePublish(AtomicFiles.ExclusivePublish.CLAIM_AND_RENAME).build();
        assertEquals("Cannot write the quantized model to " + out + ": the file exists (it is empty: a run stopped"
                + " while creating it on a file system without hard links leaves such a file; delete it if so);"
                + " choose another path, or add --overwrite",
                assertThrows(InvalidInputException.class, () -> target.preflight(0)).getMessage());
        target.toBuilder().overwrite(true).build().writeString("model");
        assertEquals("model", Files.readString(out));
    }

    /** The same race between two JVMs, as two command-line runs would have it. */
    @Test
    void ofTwoProcessesCreatingTheSameNewFileExactlyOneWins() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        for (int i = 0; i < 5; i++) {
            Path out = dir.resolve("race-" + i + ".onnx");
            Path start = dir.resolve("start-" + i);
            List<Process> processes = new ArrayList<>();
            for (String writer : List.of("A", "B")) {
                processes.add(new ProcessBuilder(java, "-cp", classpath, OutputRaceMain.class.getName(),
                        out.toString(), start.toString(), writer, dir.resolve("ready-" + i + writer).toString())
                        .redirectErrorStream(true).start());
            }
            // Both have checked the output and wait: then both are let go at once.
            while (!Files.exists(dir.resolve("ready-" + i + "A")) || !Files.exists(dir.resolve("ready-" + i + "B"))) {
                assertTrue(processes.stream().allMatch(Process::isAlive), "a writer ended before the start");
                Thread.sleep(5);
            }
            Files.writeString(start, "go");
            List<String> results = new ArrayList<>();
            for (Process p : processes) {
                String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                assertEquals(0, p.waitFor(), printed);
                results.add(printed);
            }
            assertEquals(1, results.stream().filter("won"::equals).count(), results.toString());
            String winner = results.get(0).equals("won") ? "A" : "B";
            assertEquals(winner, Files.readString(out));
            assertTrue(results.contains("lost: Cannot write the race output to " + out + ": the file exists; choose"
                    + " another path, or add --overwrite"), results.toString());
        }
    }

    /**
     * A writer killed with SIGKILL mid-write leaves no output, and an output it was replacing keeps
     * its old content: only its temporary file can remain.
     */
    @Test
    void aWriterKilledMidWriteLeavesNoPartialOutput() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        Path existing = Files.writeString(dir.resolve("existing.onnx"), "old");
        for (String mode : List.of("create", "replace")) {
            Path out = mode.equals("create") ? dir.resolve("new.onnx") : existing;
            Path started = dir.resolve("started-" + mode);
            Process writer = new ProcessBuilder(java, "-cp", classpath, SlowWriterMain.class.getName(), out.toString(),
                    started.toString(), mode).redirectErrorStream(true).start();
            while (!Files.exists(started)) {
                assertTrue(writer.isAlive(), () -> "the writer ended: " + output(writer));
                Thread.sleep(5);
            }
            writer.destroyForcibly().waitFor();
            assertEquals(137, writer.exitValue(), "killed by SIGKILL");
            if (mode.equals("create")) {
                assertFalse(Files.exists(out), "no partial output");
            } else {
                assertEquals("old", Files.readString(out));
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".") && !n.startsWith("started-") && !n.equals("existing.onnx"))
                    .toList(), "nothing but the temporary files");
        }
    }

    private static String output(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void aReadOnlyDirectoryIsFoundByThePreflightWithTheFix() throws Exception {
        Path readOnly = Files.createDirectories(dir.resolve("read-only"));
        Path out = readOnly.resolve("model-int8.onnx");
        try (UnwritableDirectory d = UnwritableDirectory.of(readOnly)) {
            Assumptions.assumeTrue(d.unwritable(), "cannot make a directory unwritable here");
            OutputTarget target = OutputTarget.builder(out, "the quantized model").build();
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> target.preflight(0));
            assertTrue(e.getMessage().startsWith("Cannot write the quantized model to " + out + ": its directory "
                    + readOnly + " is not writable ("), e.getMessage());
            assertTrue(e.getMessage().endsWith("); choose a directory you can write to, or change its permissions"),
                    e.getMessage());
            // A directory still to create is checked where it would be created.
            OutputTarget deeper = OutputTarget.builder(readOnly.resolve("a/b/out.onnx"), "the quantized model").build();
            assertTrue(assertThrows(InvalidInputException.class, () -> deeper.preflight(0)).getMessage()
                    .contains(readOnly + " (where the missing directory " + readOnly.resolve("a/b")
                            + " would be created) is not writable"));
        }
        assertEquals(List.of(), names(readOnly), "the preflight leaves nothing behind");
    }

    @Test
    void tooLittleFreeSpaceIsFoundByThePreflight() throws IOException {
        Path out = dir.resolve("model-int8.onnx");
        long[] asked = new long[1];
        OutputTarget.FreeSpace fiveMiB = d -> {
            asked[0]++;
            assertEquals(dir.toRealPath(), d.toRealPath());
            return 5L << 20;
        };
        OutputTarget target = OutputTarget.builder(out, "the quantized model").freeSpace(fiveMiB).build();
        target.preflight(4L << 20);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> target.preflight(6L << 20));
        assertEquals("Cannot write the quantized model to " + out + ": only 5.0 MiB free on the file system of its"
                + " directory " + dir + ", and it needs about 6.0 MiB; free some space or choose another directory",
                e.getMessage());
        // Even an output estimated at nothing needs room for a small file.
        OutputTarget full = target.toBuilder().freeSpace(d -> 1000).build();
        assertTrue(assertThrows(InvalidInputException.class, () -> full.preflight(0)).getMessage()
                .contains("only 1000 bytes free"));
        assertEquals(2, asked[0]);
        assertFalse(Files.exists(out));
    }

    @Test
    void aParentThatIsAFileOrAnOutputThatIsADirectoryIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> OutputTarget.builder(file.resolve("out.onnx"), "the model").build().preflight(0));
        assertTrue(e.getMessage().contains(file + " is not a directory"), e.getMessage());
        e = assertThrows(InvalidInputException.class,
                () -> OutputTarget.builder(dir, "the model").overwrite(true).build().preflight(0));
        assertTrue(e.getMessage().contains("it is a directory"), e.getMessage());
    }
}
