package org.quant4j.calibration.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.TensorRange;
import org.quant4j.calibration.table.TensorRtCalibrationCache.Algorithm;

class TensorRtCalibrationCacheTest {

    /** float32 1/127: sign 0, exponent 120 (2^-7), mantissa 0x010204; 0x3c010204 by the IEEE-754 layout. */
    private static final int ONE_OVER_127_BITS = 0x3c010204;

    @TempDir
    Path dir;

    private static CalibrationTable.Builder tableBase() {
        return CalibrationTable.builder().calibrationMethod("entropy").dataFingerprint("fp").numSamples(10).seed(1)
                .quant4jVersion("test");
    }

    @Test
    void amaxOneIsWrittenAs3c010204() {
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.builder(8601, Algorithm.ENTROPY_CALIBRATION_2)
                .putAmax("x", 1.0).build();
        assertEquals("TRT-8601-EntropyCalibration2\nx: 3c010204\n", cache.toText());
        assertEquals(1.0f / 127.0f, cache.scale("x").orElseThrow());
    }

    @Test
    void tableRangeOfAmaxOneIsWrittenAs3c010204() {
        CalibrationTable table = tableBase().put("data", CalibrationTable.Entry.of(new TensorRange(-0.5, 1.0), "entropy"))
                .build();
        assertEquals("TRT-8601-EntropyCalibration2\ndata: 3c010204\n",
                TensorRtCalibrationCache.fromTable(table, 8601, Algorithm.ENTROPY_CALIBRATION_2).toText());
    }

    @Test
    void scale3c010204IsReadAsAmaxOne() {
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.parse("TRT-8601-EntropyCalibration2\nx: 3c010204\n", "c");
        float scale = cache.scale("x").orElseThrow();
        assertEquals(Float.intBitsToFloat(ONE_OVER_127_BITS), scale);
        assertEquals((float) (1.0 / 127.0), scale);
        double amax = cache.amax("x").orElseThrow();
        // 1/127 rounded to float32 and multiplied back: within float32 rounding of 1.
        assertEquals(1.0, amax, 0x1p-24);
        assertEquals((double) scale * 127.0, amax);

        CalibrationTable table = cache.toTableBuilder().dataFingerprint("fp").numSamples(1).seed(1).build();
        CalibrationTable.Entry entry = table.entry("x").orElseThrow();
        assertEquals(TensorRange.symmetric(amax), entry.range());
        assertEquals("entropy", entry.method());
        assertEquals(Optional.of(QuantScheme.INT8_SYMMETRIC), entry.scheme());
    }

    @Test
    void tableToCacheToTableKeepsAmaxWithinFloat32Rounding() {
        double[] amaxes = {1.0, 0.1, 3.7, 1e-3, 250.0, 6.02e5, 2.0 / 3.0};
        CalibrationTable.Builder b = tableBase();
        for (int i = 0; i < amaxes.length; i++) {
            b.put("t" + i, CalibrationTable.Entry.of(new TensorRange(-amaxes[i], amaxes[i] / 2), "entropy"));
        }
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.fromTable(b.build(), 8601, Algorithm.ENTROPY_CALIBRATION_2);
        CalibrationTable back = TensorRtCalibrationCache.parse(cache.toText(), "memory")
                .toTableBuilder().dataFingerprint("fp").numSamples(10).seed(1).build();

        for (int i = 0; i < amaxes.length; i++) {
            float scale = (float) (amaxes[i] / 127.0);
            double expectedAmax = (double) scale * 127.0;
            TensorRange range = back.entry("t" + i).orElseThrow().range();
            assertEquals(expectedAmax, range.max(), "t" + i);
            assertEquals(-expectedAmax, range.min(), "t" + i);
            assertEquals(amaxes[i], range.max(), amaxes[i] * 0x1p-24, "t" + i);
        }
    }

    @Test
    void cacheToTableToCacheKeepsScaleBitsAndFileOrder() {
        String text = "TRT-8510-EntropyCalibration2\nx: 4000890a\n/conv1/Conv_output_0: 3f9db09c\n"
                + "(Unnamed Layer* 8) [Constant]_output: 39137939\nprob: 3c083ffd\n";
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.parse(text, "memory");
        CalibrationTable table = cache.toTableBuilder().dataFingerprint("fp").numSamples(1).seed(1).build();
        TensorRtCalibrationCache again = TensorRtCalibrationCache.fromTable(
                CalibrationTable.fromJson(table.toJson(), "memory"), 8510, Algorithm.ENTROPY_CALIBRATION_2);
        // The table sorts tensors by name; the scales must be the same bits.
        assertEquals(cache.scales(), again.scales());
        assertEquals(text, cache.toText());
    }

    @Test
    void namesContainingColonsSplitOnTheLastSeparator() {
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.parse(
                "TRT-8601-EntropyCalibration2\ninput:0: 3c010204\na: b: 3f800000\nend:: 40000000\n", "c");
        assertEquals(List.of("input:0", "a: b", "end:"), List.copyOf(cache.scales().keySet()));
        assertEquals(1.0f, cache.scale("a: b").orElseThrow());
        assertEquals(2.0f, cache.scale("end:").orElseThrow());

        TensorRtCalibrationCache written = TensorRtCalibrationCache.builder(8601, Algorithm.ENTROPY_CALIBRATION_2)
                .put("input:0", Float.intBitsToFloat(ONE_OVER_127_BITS)).put("a: b", 1.0f).put("end:", 2.0f).build();
        assertEquals(cache, TensorRtCalibrationCache.parse(written.toText(), "c"));
    }

    @Test
    void crlfTrailingWhitespaceUpperCaseHexAndTrailingBlankLinesAreAccepted() {
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.parse(
                "TRT-100100-MinMaxCalibration  \r\ninput:0: 3C010204 \t\r\nb: 3f800000\r\n\r\n  \n", "c");
        assertEquals(100100, cache.version());
        assertEquals(Algorithm.MIN_MAX_CALIBRATION, cache.algorithm());
        assertEquals(Float.intBitsToFloat(ONE_OVER_127_BITS), cache.scale("input:0").orElseThrow());
        assertEquals(1.0f, cache.scale("b").orElseThrow());
        assertEquals("TRT-100100-MinMaxCalibration\ninput:0: 3c010204\nb: 3f800000\n", cache.toText());
    }

    @Test
    void fileWithoutFinalNewlineIsAccepted() {
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.parse("TRT-8601-EntropyCalibration2\nx: 3f800000", "c");
        assertEquals(1.0f, cache.scale("x").orElseThrow());
    }

    @ParameterizedTest
    @CsvSource({
        "TRT-8601-EntropyCalibration2, ENTROPY_CALIBRATION_2, entropy",
        "TRT-7000-EntropyCalibration, ENTROPY_CALIBRATION, entropy",
        "TRT-100300-MinMaxCalibration, MIN_MAX_CALIBRATION, minmax",
        "TRT-5105-LegacyCalibration, LEGACY_CALIBRATION, tensorrt-legacy"
    })
    void everyAlgorithmHeaderIsRead(String header, Algorithm algorithm, String method) {
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.parse(header + "\n", "c");
        assertEquals(algorithm, cache.algorithm());
        assertEquals(header, cache.header());
        assertEquals(header + "\n", cache.toText());
        assertEquals(method, cache.toTableBuilder().dataFingerprint("f").numSamples(0).seed(0).build()
                .calibrationMethod());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "TRT8601-EntropyCalibration2|1|TRT8601-EntropyCalibration2",
        "trt-8601-EntropyCalibration2|1|trt-8601-EntropyCalibration2",
        "TRT-8601-Bogus|1|EntropyCalibration2, EntropyCalibration, MinMaxCalibration, LegacyCalibration",
        "TRT-86x1-EntropyCalibration2|1|TRT-86x1-EntropyCalibration2",
        "TRT-0-EntropyCalibration2|1|TRT-0-EntropyCalibration2",
        "x: 3c010204|1|x: 3c010204",
    })
    void badHeaderNamesLineOne(String header, int line, String expectedText) {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TensorRtCalibrationCache.parse(header + "\nx: 3c010204\n", "cal.cache"));
        assertTrue(e.getMessage().contains("cal.cache, line " + line), e.getMessage());
        assertTrue(e.getMessage().contains(expectedText), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "x 3c010204|between a tensor name",
        "x:3c010204|between a tensor name",
        "x: 3c01020|expected 8 hex digits",
        "x: 3c0102040|expected 8 hex digits",
        "x: 3c01020g|expected 8 hex digits",
        "x: 0x3c0102|expected 8 hex digits",
        "x: -3c01020|expected 8 hex digits",
        "x:  3c010204|expected 8 hex digits",
        "x: 00000000|finite and > 0",
        "x: 80000000|finite and > 0",
        "x: bc010204|finite and > 0",
        "x: 7fc00000|finite and > 0",
        "x: 7f800000|finite and > 0",
        ": 3c010204|empty tensor name",
    })
    void badEntryNamesItsLineNumberAndText(String badLine, String problem) {
        String text = "TRT-8601-EntropyCalibration2\ngood: 3f800000\n" + badLine + "\nlater: 3f800000\n";
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TensorRtCalibrationCache.parse(text, "cal.cache"));
        assertTrue(e.getMessage().contains("cal.cache, line 3 '" + badLine + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void blankLineBetweenEntriesIsRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TensorRtCalibrationCache.parse(
                "TRT-8601-EntropyCalibration2\na: 3f800000\n\nb: 3f800000\n", "cal.cache"));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void repeatedTensorNamesBothLines() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TensorRtCalibrationCache.parse(
                "TRT-8601-EntropyCalibration2\na: 3f800000\nb: 3f800000\na: 40000000\n", "cal.cache"));
        assertTrue(e.getMessage().contains("line 4"), e.getMessage());
        assertTrue(e.getMessage().contains("of line 2"), e.getMessage());
    }

    @Test
    void emptyFileIsRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TensorRtCalibrationCache.parse("\n\n", "cal.cache"));
        assertTrue(e.getMessage().contains("cal.cache is empty"), e.getMessage());
    }

    @Test
    void zeroRangeGetsTheDocumentedFallbackScaleOfOne() {
        CalibrationTable table = tableBase().put("zeros", CalibrationTable.Entry.of(new TensorRange(0, 0), "minmax"))
                .build();
        // IEEE-754 float32 1.0 is 0x3f800000.
        assertEquals("TRT-8601-EntropyCalibration2\nzeros: 3f800000\n",
                TensorRtCalibrationCache.fromTable(table, 8601, Algorithm.ENTROPY_CALIBRATION_2).toText());
    }

    @Test
    void builderRefusesUnwritableNamesAndScales() {
        TensorRtCalibrationCache.Builder b = TensorRtCalibrationCache.builder(8601, Algorithm.ENTROPY_CALIBRATION_2);
        assertThrows(InvalidInputException.class, () -> b.put("", 1f));
        assertThrows(InvalidInputException.class, () -> b.put("a\nb", 1f));
        assertThrows(InvalidInputException.class, () -> b.put("a", 0f));
        assertThrows(InvalidInputException.class, () -> b.put("a", -1f));
        assertThrows(InvalidInputException.class, () -> b.put("a", Float.NaN));
        assertThrows(InvalidInputException.class, () -> b.put("a", Float.POSITIVE_INFINITY));
        assertThrows(InvalidInputException.class,
                () -> TensorRtCalibrationCache.builder(0, Algorithm.ENTROPY_CALIBRATION_2));
    }

    @Test
    void conversionToTableRecordsTensorRtProvenanceAndKeepsTheSource() throws IOException {
        Path file = dir.resolve("model.cache");
        Files.writeString(file, "TRT-8601-EntropyCalibration2\nx: 3c010204\n", StandardCharsets.UTF_8);
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.read(file);
        CalibrationTable table = cache.toTableBuilder().dataFingerprint("fp").numSamples(1).seed(1).build();

        assertEquals("8601", table.provenance().get("tensorrt.version"));
        assertEquals("EntropyCalibration2", table.provenance().get("tensorrt.algorithm"));
        assertEquals(Optional.of(file), table.source());
        // The JSON table must not replace the cache it was converted from.
        assertThrows(InvalidInputException.class, () -> table.write(file));
        assertThrows(InvalidInputException.class,
                () -> TensorRtCalibrationCache.fromTable(table, 8601, Algorithm.ENTROPY_CALIBRATION_2).write(file));
    }

    @Test
    void writeIsAtomicAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("out.cache");
        TensorRtCalibrationCache.builder(8601, Algorithm.ENTROPY_CALIBRATION_2).putAmax("a", 2).build().write(file);
        TensorRtCalibrationCache.builder(8601, Algorithm.ENTROPY_CALIBRATION_2).putAmax("b", 1).build().write(file);

        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        assertEquals("TRT-8601-EntropyCalibration2\nb: 3c010204\n", Files.readString(file));
    }

    @Test
    void readCacheIsNotWrittenOverUnlessAsked() throws IOException {
        Path file = dir.resolve("in.cache");
        String original = "TRT-8601-EntropyCalibration2\nx: 3c010204\n";
        Files.writeString(file, original, StandardCharsets.UTF_8);
        TensorRtCalibrationCache changed = TensorRtCalibrationCache.read(file).toBuilder().putAmax("y", 2).build();

        InvalidInputException e = assertThrows(InvalidInputException.class, () -> changed.write(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("writeToSource"), e.getMessage());
        assertEquals(original, Files.readString(file));

        changed.writeToSource();
        assertEquals(2, TensorRtCalibrationCache.read(file).size());
    }

    @Test
    void readingAMissingFileNamesIt() {
        Path file = dir.resolve("nope.cache");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TensorRtCalibrationCache.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
