package org.quant4j.tensorrt.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.Calibrator;
import org.quant4j.api.calibration.Calibrators;
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
