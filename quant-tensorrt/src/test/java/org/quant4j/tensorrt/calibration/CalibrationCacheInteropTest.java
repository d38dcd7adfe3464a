package org.quant4j.tensorrt.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.Calibrator;
import org.quant4j.api.calibration.Calibrators;
import org.quant4j.api.io.UnwritableDirectory;
import org.quant4j.calibration.table.CalibrationTable;
import org.quant4j.calibration.table.TensorRtCalibrationCache;
import org.quant4j.calibration.table.TensorRtCalibrationCache.Algorithm;

/**
 * The cache quant4j's entropy calibrator writes goes to TensorRT byte for byte and parses into the
 * same per-tensor scales; the bytes TensorRT gives back are stored byte for byte.
 */
class CalibrationCacheInteropTest {

    @TempDir
    Path dir;

    /** Entropy ranges of two seeded tensors: a Gaussian with outliers and a ReLU-like one. */
    private static Map<String, TensorRange> entropyRanges() {
        Random random = new Random(17);
        Map<String, TensorRange> ranges = new LinkedHashMap<>();
        for (String tensor : List.of("input:0", "/conv1/Relu_output_0")) {
            Calibrator c = Calibrators.create("entropy");
            for (int batch = 0; batch < 8; batch++) {
                float[] values = new float[4096];
                for (int i = 0; i < values.length; i++) {
                    double g = random.nextGaussian();
                    values[i] = (float) (tensor.startsWith("input") ? (i % 997 == 0 ? 12 * g : g) : Math.max(0, 2 * g));
                }
                c.observe(values);
            }
            ranges.put(tensor, c.range());
        }
        return ranges;
    }

    private Path quant4jCache(Map<String, TensorRange> ranges) {
        CalibrationTable.Builder table = CalibrationTable.builder().calibrationMethod("entropy").dataFingerprint("seeded")
                .numSamples(8).seed(17).quant4jVersion("test");
        ranges.forEach((name, range) -> table.put(name, CalibrationTable.Entry.of(range, "entropy")));
        Path file = dir.resolve("model.cache");
        TensorRtCalibrationCache.fromTable(table.build(), 101500, Algorithm.ENTROPY_CALIBRATION_2).write(file);
        return file;
    }

    @Test
    void aCacheFromQuant4jsEntropyCalibratorReachesTensorRtAsItsExactBytesWithTheSameScales() throws Exception {
        Map<String, TensorRange> ranges = entropyRanges();
        Path file = quant4jCache(ranges);
        CalibrationCacheStore store = new CalibrationCacheStore(file, Algorithm.ENTROPY_CALIBRATION_2);
        byte[] toTensorRt = store.read().orElseThrow();
        assertArrayEquals(Files.readAllBytes(file), toTensorRt);

        TensorRtCalibrationCache parsed = store.readCache().orElseThrow();
        assertEquals(ranges.keySet(), parsed.scales().keySet());
        for (Map.Entry<String, TensorRange> e : ranges.entrySet()) {
            TensorRange r = e.getValue();
            // TensorRT's symmetric INT8 scale: amax / 127, amax the larger magnitude of the range.
            float expected = (float) (Math.max(Math.abs(r.min()), Math.abs(r.max())) / 127.0);
            assertEquals(expected, parsed.scale(e.getKey()).orElseThrow(), Math.ulp(expected), e.getKey());
        }
        String text = new String(toTensorRt, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("TRT-101500-EntropyCalibration2\n"), text);
        assertEquals(3, text.lines().count(), text);
    }

    @Test
    void theBytesTensorRtWritesBackAreStoredByteIdentical() throws Exception {
        Path original = quant4jCache(entropyRanges());
        byte[] bytes = Files.readAllBytes(original);
        Path written = dir.resolve("out/engine.cache");
        CalibrationCacheStore store = new CalibrationCacheStore(written, Algorithm.ENTROPY_CALIBRATION_2);
        assertTrue(store.read().isEmpty(), "no cache yet: TensorRT calibrates");
        TensorRtCalibrationCache cache = store.write(bytes);
        assertArrayEquals(bytes, Files.readAllBytes(written));
        assertEquals(TensorRtCalibrationCache.read(original).scales(), cache.scales());
        assertEquals(TensorRtCalibrationCache.read(original).scales(), TensorRtCalibrationCache.read(written).scales());
    }

    @Test
    void aCacheTheUserGaveIsNeverOverwritten() throws Exception {
        Path file = quant4jCache(entropyRanges());
        byte[] before = Files.readAllBytes(file);
        CalibrationCacheStore store = new CalibrationCacheStore(file, Algorithm.ENTROPY_CALIBRATION_2);
        store.write("TRT-101500-EntropyCalibration2\nx: 3c010204\n".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(1, store.writtenCache().orElseThrow().size());
    }

    /**
     * The cache TensorRT wrote is stored only where no file is: a cache the user puts at that path
     * while the engine builds (here: created at the same moment, 200 times) is never replaced, and
     * when the store wins the user's exclusive create fails instead. Either way the file holds one
     * complete cache, and {@link CalibrationCacheStore#stored()} says which.
     */
    @Test
    void aCacheAppearingWhileTensorRtWritesOneIsNeverReplaced() throws Exception {
        byte[] users = Files.readAllBytes(quant4jCache(entropyRanges()));
        byte[] tensorRts = "TRT-101500-EntropyCalibration2\nx: 3c010204\n".getBytes(StandardCharsets.US_ASCII);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 200; i++) {
                Path file = dir.resolve("race-" + i + ".cache");
                CalibrationCacheStore store = new CalibrationCacheStore(file, Algorithm.ENTROPY_CALIBRATION_2);
                CyclicBarrier start = new CyclicBarrier(2);
                Future<Boolean> user = pool.submit(() -> {
                    start.await();
                    try {
                        Files.write(file, users, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                        return true;
                    } catch (FileAlreadyExistsException e) {
                        return false;
                    }
                });
                Future<?> tensorRt = pool.submit(() -> {
                    start.await();
                    return store.write(tensorRts);
                });
                boolean userCreated = user.get();
                tensorRt.get();
                assertEquals(!userCreated, store.stored(), "round " + i);
                assertArrayEquals(userCreated ? users : tensorRts, Files.readAllBytes(file), "round " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Without a GPU: a cache that will be written needs a writable directory, checked before the build. */
    @Test
    void thePreflightFindsAnUnwritableDirectoryOnlyWhenTheCacheIsStillToBeWritten() throws Exception {
        Path readOnly = Files.createDirectories(dir.resolve("read-only"));
        Path existing = Files.write(readOnly.resolve("given.cache"), Files.readAllBytes(quant4jCache(entropyRanges())));
        try (UnwritableDirectory d = UnwritableDirectory.of(readOnly)) {
            Assumptions.assumeTrue(d.unwritable(), "cannot make a directory unwritable here");
            Path missing = readOnly.resolve("new.cache");
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> new CalibrationCacheStore(missing, Algorithm.ENTROPY_CALIBRATION_2).preflight());
            assertTrue(e.getMessage().startsWith("Cannot write the TensorRT calibration cache to " + missing
                    + ": its directory " + readOnly + " is not writable"), e.getMessage());
            // An existing cache is only read.
            new CalibrationCacheStore(existing, Algorithm.ENTROPY_CALIBRATION_2).preflight();
        }
    }

    @Test
    void anEmptyCacheFileIsRefusedWithWhatLeavesOneAndTheFix() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.cache"));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new CalibrationCacheStore(empty, Algorithm.ENTROPY_CALIBRATION_2).read());
        assertEquals("TensorRT calibration cache " + empty + " is empty (0 bytes). A build stopped while storing it"
                + " on a file system without hard links leaves such a file: delete it, and TensorRT calibrates again"
                + " and stores a new one", e.getMessage());
    }

    @Test
    void aCacheOfAnotherCalibratorOrNotACacheIsRefused() throws Exception {
        Path file = quant4jCache(entropyRanges());
        InvalidInputException other = assertThrows(InvalidInputException.class,
                () -> new CalibrationCacheStore(file, Algorithm.MIN_MAX_CALIBRATION).read());
        assertTrue(other.getMessage().contains("was made by EntropyCalibration2 but the engine calibrates with"
                + " MinMaxCalibration"), other.getMessage());
        Path junk = Files.writeString(dir.resolve("junk.cache"), "not a cache\n");
        assertThrows(InvalidInputException.class,
                () -> new CalibrationCacheStore(junk, Algorithm.ENTROPY_CALIBRATION_2).read());
        Path target = dir.resolve("never.cache");
        assertThrows(InvalidInputException.class, () -> new CalibrationCacheStore(target,
                Algorithm.ENTROPY_CALIBRATION_2).write("garbage".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(Files.exists(target), "a malformed cache from TensorRT is never written");
    }
}
