package org.quant4j.calibration.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.data.Dataset;
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
