package org.quant4j.calibration.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.api.io.UnwritableDirectory;
import org.quant4j.calibration.data.SyntheticDataset;

class CalibrationCacheTest {

    private static final int[] SHAPE = {2, 3, 4};

    @TempDir
    Path dir;

    private static SyntheticDataset source(String fingerprint) {
        return SyntheticDataset.labelled(new int[] {2, 0, 1, 2, 1}, SHAPE, fingerprint);
    }

    private static void assertSameSamples(Dataset expected, Dataset actual) {
        assertEquals(expected.size(), actual.size());
        assertArrayEquals(expected.sampleShape(), actual.sampleShape());
        assertEquals(expected.numClasses(), actual.numClasses());
        assertEquals(expected.fingerprint(), actual.fingerprint());
        int n = expected.sampleElements();
        for (int i = 0; i < expected.size(); i++) {
            float[] want = new float[n];
            float[] got = new float[n + 1];
            expected.read(i, want, 0);
            actual.read(i, got, 1);
            assertArrayEquals(want, Arrays.copyOfRange(got, 1, n + 1), "sample " + i);
            assertEquals(expected.label(i), actual.label(i));
        }
    }

    @Test
    void buildsOnceThenReusesTheEntryWithoutReadingTheSource() throws IOException {
        CalibrationCache cache = new CalibrationCache(dir.resolve("cache"));
        SyntheticDataset source = source("a");
        CachedDataset first = cache.getOrBuild(source);
        assertEquals(5, source.reads());
        CachedDataset second = cache.getOrBuild(source);
        assertEquals(5, source.reads(), "second call must not rebuild");
        assertEquals(cache.entryFile("a"), second.file());
        assertSameSamples(source("a"), first);
        assertSameSamples(source("a"), second);
        assertEquals(List.of(cache.entryFile("a")), files(cache.directory()), "no temporary file left behind");
    }

    /**
     * Builds the entry of a fresh source, damages its file, checks that the next call rebuilds an
     * identical entry from the source, and returns what that call logged.
     */
    private String damageAndRebuild(UnaryOperator<byte[]> damage) throws IOException {
        CalibrationCache cache = new CalibrationCache(dir);
        SyntheticDataset source = source("a");
        Path file = cache.getOrBuild(source).file();
        byte[] intact = Files.readAllBytes(file);
        Files.write(file, damage.apply(intact.clone()));
        String log = captureStandardError(() -> assertSameSamples(source("a"), cache.getOrBuild(source)));
        assertEquals(10, source.reads(), "the damaged entry must be rebuilt from the source");
        assertArrayEquals(intact, Files.readAllBytes(file), "the rebuilt entry is byte-identical");
        assertTrue(log.contains("WARN") && log.contains(file.toString()), log);
        return log;
    }

    @Test
    void corruptByteIsDetectedLoggedAtWarnAndRebuilt() throws IOException {
        String log = damageAndRebuild(b -> {
            b[b.length - 20] ^= 0x01;
            return b;
        });
        assertTrue(log.contains("checksum mismatch"), log);
    }

    @Test
    void truncatedDataIsRebuilt() throws IOException {
        String log = damageAndRebuild(b -> Arrays.copyOf(b, b.length - 30));
        assertTrue(log.contains("truncated: expected") && log.contains("bytes, the file has"), log);
    }

    @Test
    void fileEndingInsideTheHeaderIsRebuilt() throws IOException {
        String log = damageAndRebuild(b -> Arrays.copyOf(b, 10));
        assertTrue(log.contains("truncated") && log.contains("format version"), log);
    }

    @Test
    void badMagicIsRebuilt() throws IOException {
        String log = damageAndRebuild(b -> {
            b[0] = 'X';
            return b;
        });
        assertTrue(log.contains("bad magic"), log);
    }

    @Test
    void otherFormatVersionIsStaleAndRebuilt() throws IOException {
        String log = damageAndRebuild(b -> {
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8, CacheFile.FORMAT_VERSION + 1);
            return b;
        });
        assertTrue(log.contains("stale: format version " + (CacheFile.FORMAT_VERSION + 1)), log);
    }

    @Test
    void entryHoldingAnotherKeyIsRebuilt() throws IOException {
        CalibrationCache cache = new CalibrationCache(dir);
        Path fileA = cache.getOrBuild(source("a")).file();
        SyntheticDataset b = source("b");
        Files.copy(fileA, cache.entryFile("b"), StandardCopyOption.REPLACE_EXISTING);
        String log = captureStandardError(() -> assertSameSamples(source("b"), cache.getOrBuild(b)));
        assertEquals(5, b.reads());
        assertTrue(log.contains("stale") && log.contains("fingerprint a, expected b"), log);
    }

    @Test
    void differentFingerprintsGetDifferentEntries() throws IOException {
        CalibrationCache cache = new CalibrationCache(dir);
        CachedDataset a = cache.getOrBuild(source("a"));
        CachedDataset b = cache.getOrBuild(SyntheticDataset.labelled(new int[] {1, 1}, new int[] {3}, "b"));
        assertNotEquals(a.file(), b.file());
        assertEquals(2, files(dir).size());
        assertEquals(5, a.size());
        assertEquals(2, b.size());
        assertEquals("a", a.fingerprint());
    }

    @Test
    void unlabelledSamplesLargerThanOneWriteChunkRoundTrip() {
        // 360 kB per sample: the writer's 1 MiB chunks hold two, so five samples take three chunks.
        SyntheticDataset source = SyntheticDataset.unlabelled(5, new int[] {1, 300, 300}, "big");
        CachedDataset cached = new CalibrationCache(dir).getOrBuild(source);
        assertEquals(0, cached.numClasses());
        assertEquals(-1, cached.label(4));
        assertSameSamples(SyntheticDataset.unlabelled(5, new int[] {1, 300, 300}, "big"), cached);
    }

    /** An unusable entry file that the run reads (here: given as its labels) is refused, never replaced. */
    @Test
    void anEntryIsNeverWrittenOverAFileTheRunReads() throws IOException {
        CalibrationCache cache = new CalibrationCache(dir);
        Path labels = Files.writeString(cache.entryFile("a"), "the user's labels");
        SyntheticDataset source = source("a");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> cache.lookup(source, List.of(new OutputTarget.Input(labels, "the labels"))));
        assertTrue(e.getMessage().startsWith("Refusing to write the calibration cache entry to " + labels
                + ": it is the labels"), e.getMessage());
        assertEquals("the user's labels", Files.readString(labels));
        assertEquals(0, source.reads(), "refused before the source is read");
        assertEquals(List.of(labels), files(dir));
    }

    /** A cache directory that cannot be written is found before the source is read, with the fix. */
    @Test
    void anUnwritableCacheDirectoryIsFoundBeforeTheSourceIsRead() throws Exception {
        Path readOnly = Files.createDirectories(dir.resolve("read-only"));
        SyntheticDataset source = source("a");
        try (UnwritableDirectory d = UnwritableDirectory.of(readOnly)) {
            Assumptions.assumeTrue(d.unwritable(), "cannot make a directory unwritable here");
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> new CalibrationCache(readOnly).getOrBuild(source));
            assertTrue(e.getMessage().contains("is not writable") && e.getMessage().endsWith("choose a directory you"
                    + " can write to, or change its permissions"), e.getMessage());
        }
        assertEquals(0, source.reads());
    }

    /**
     * Four threads look up the same key at once, 60 times: on an empty cache, and (every other
     * round) over a corrupt entry they all want to replace. Every lookup succeeds with the source's
     * samples, and the directory ends with one complete entry and no temporary file: an entry is
     * created exclusively, a lookup that loses the race reads the winner's entry, and a corrupt one is
     * replaced by an atomic rename rather than deleted (a deletion can remove the entry another
     * thread has just written and is about to read back).
     */
    @Test
    void concurrentLookupsOfOneKeyAllSucceedAndLeaveOneCompleteEntry() throws Exception {
        byte[] intact = Files.readAllBytes(new CalibrationCache(dir.resolve("reference")).getOrBuild(raceSource())
                .file());
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 60; round++) {
                CalibrationCache cache = new CalibrationCache(dir.resolve("round-" + round));
                if (round % 2 == 1) {
                    // Damaged at its end: every lookup reads it all (the checksum) before it is refused.
                    byte[] corrupt = intact.clone();
                    corrupt[corrupt.length - 5] ^= 1;
                    Files.createDirectories(cache.directory());
                    Files.write(cache.entryFile("race"), corrupt);
                }
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<CachedDataset>> lookups = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    // Started a little apart, so that each step of one lookup meets every step of another.
                    long delayNanos = t * 400_000L * (round % 5);
                    lookups.add(pool.submit(() -> {
                        start.await();
                        java.util.concurrent.locks.LockSupport.parkNanos(delayNanos);
                        return cache.getOrBuild(raceSource());
                    }));
                }
                for (Future<CachedDataset> lookup : lookups) {
                    assertSameSamples(raceSource(), lookup.get());
                }
                assertEquals(List.of(cache.entryFile("race")), files(cache.directory()), "round " + round);
                assertArrayEquals(intact, Files.readAllBytes(cache.entryFile("race")), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The samples of the races: 40 of 3x64x64, about 2 MB, so that writers overlap. */
    static SyntheticDataset raceSource() {
        return SyntheticDataset.unlabelled(40, new int[] {3, 64, 64}, "race");
    }

    /** The same lookups from two JVMs at once, as two command-line runs on the same data would do. */
    @Test
    void twoProcessesBuildingTheSameEntryBothSucceedWithOneEntry() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        byte[] intact = Files.readAllBytes(new CalibrationCache(dir.resolve("reference")).getOrBuild(raceSource())
                .file());
        for (int round = 0; round < 4; round++) {
            Path cacheDir = dir.resolve("processes-" + round);
            Path start = dir.resolve("start-" + round);
            List<Process> processes = new ArrayList<>();
            List<Path> ready = new ArrayList<>();
            for (String name : List.of("A", "B")) {
                ready.add(dir.resolve("ready-" + round + name));
                processes.add(new ProcessBuilder(java, "-cp", classpath, CacheRaceMain.class.getName(),
                        cacheDir.toString(), start.toString(), ready.get(ready.size() - 1).toString())
                        .redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start());
            }
            while (!ready.stream().allMatch(Files::exists)) {
                assertTrue(processes.stream().allMatch(Process::isAlive), "a process ended before the start");
                Thread.sleep(5);
            }
            Files.writeString(start, "go");
            for (Process p : processes) {
                String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                assertEquals(0, p.waitFor(), printed);
                assertEquals("ok", printed, "round " + round);
            }
            assertEquals(List.of(new CalibrationCache(cacheDir).entryFile("race")), files(cacheDir));
            assertArrayEquals(intact, Files.readAllBytes(new CalibrationCache(cacheDir).entryFile("race")));
        }
    }

    private static List<Path> files(Path directory) throws IOException {
        try (Stream<Path> s = Files.list(directory)) {
            return s.collect(Collectors.toList());
        }
    }

    /** Runs {@code action} and returns what it wrote to System.err, where slf4j-simple logs. */
    private static String captureStandardError(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
