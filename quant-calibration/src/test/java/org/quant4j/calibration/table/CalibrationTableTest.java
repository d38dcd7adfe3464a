package org.quant4j.calibration.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.Precision;
import org.quant4j.api.Provenance;
import org.quant4j.api.QuantParams;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.CalibrationResult;
import org.quant4j.api.calibration.CalibratorOptions;

class CalibrationTableTest {

    @TempDir
    Path dir;

    private static CalibrationTable.Builder base() {
        return CalibrationTable.builder()
                .calibrationMethod(CalibrationMethod.ENTROPY)
                .dataFingerprint("sha256:0123abcd")
                .numSamples(512)
                .seed(42)
                .quant4jVersion("0.1.0-test");
    }

    /** A table whose doubles have no short exact decimal form, to test exact round trips. */
    private static CalibrationTable awkwardTable() {
        return base()
                .provenance(Provenance.builder().tool("quant4j", "0.1.0-test").seed(42)
                        .put("note", "ünïcödé \"quoted\" \\ slash").build())
                .put("input:0", new CalibrationTable.Entry(new TensorRange(-1.0 / 3.0, Math.PI), "entropy",
                        CalibratorOptions.parse("bins=2048,symmetric=false"), Optional.empty()))
                .put("conv1/out", CalibrationTable.Entry.of(new TensorRange(0.1, 0.30000000000000004), "minmax")
                        .withScheme(QuantScheme.UINT8_ASYMMETRIC))
                .put("tiny", CalibrationTable.Entry.of(new TensorRange(-Double.MIN_VALUE, 1e-300), "percentile")
                        .withOptions(CalibratorOptions.parse("percentile=99.99")))
                .put("huge", CalibrationTable.Entry.of(new TensorRange(-Double.MAX_VALUE, 6.02214076e23), "mse")
                        .withScheme(QuantScheme.builder().precision(Precision.INT8).narrowRange(true).build()))
                .put("signed-zero", CalibrationTable.Entry.of(new TensorRange(-0.0, 0.0), "minmax"))
                .build();
    }

    @Test
    void jsonRoundTripKeepsEveryDoubleBitForBit() {
        CalibrationTable table = awkwardTable();
        Path file = dir.resolve("table.json");
        table.write(file);
        CalibrationTable back = CalibrationTable.read(file);

        assertEquals(table, back);
        for (Map.Entry<String, CalibrationTable.Entry> e : table.entries().entrySet()) {
            TensorRange expected = e.getValue().range();
            TensorRange actual = back.entry(e.getKey()).orElseThrow().range();
            assertEquals(Double.doubleToRawLongBits(expected.min()), Double.doubleToRawLongBits(actual.min()), e.getKey());
            assertEquals(Double.doubleToRawLongBits(expected.max()), Double.doubleToRawLongBits(actual.max()), e.getKey());
        }
        assertEquals(table.provenance().entries(), back.provenance().entries());
        assertEquals(List.copyOf(table.provenance().entries().keySet()),
                List.copyOf(back.provenance().entries().keySet()));
        assertEquals(table.toJson(), back.toJson());
        assertEquals(Optional.of(file), back.source());
    }

    @Test
    void jsonRoundTripKeepsMetadataAndSchemes() {
        CalibrationTable back = CalibrationTable.fromJson(awkwardTable().toJson(), "memory");

        assertEquals("entropy", back.calibrationMethod());
        assertEquals("sha256:0123abcd", back.dataFingerprint());
        assertEquals(512, back.numSamples());
        assertEquals(42, back.seed());
        assertEquals("0.1.0-test", back.quant4jVersion());
        assertEquals(Optional.of(QuantScheme.UINT8_ASYMMETRIC), back.entry("conv1/out").orElseThrow().scheme());
        assertEquals("2048", back.entry("input:0").orElseThrow().options().asMap().get("bins"));
        assertEquals(Optional.empty(), back.source());
    }

    @Test
    void tableOfACalibrationResultHoldsItsRangesSchemesAndProvenanceAndRoundTrips() {
        Provenance provenance = Provenance.builder().tool("quant4j", "1.2.3").put("model", "m.onnx").build();
        CalibrationResult result = CalibrationResult.builder()
                .method("percentile")
                .calibratorOptions(CalibratorOptions.parse("percentile=99.9"))
                .dataFingerprint("data-1")
                .samples(50)
                .seed(11)
                .provenance(provenance)
                .range("z", new TensorRange(-0.25, 3.5), QuantScheme.UINT8_ASYMMETRIC)
                .range("a", TensorRange.symmetric(1.5), QuantScheme.INT8_SYMMETRIC)
                .build();

        CalibrationTable table = CalibrationTable.of(result);

        assertEquals("percentile", table.calibrationMethod());
        assertEquals("data-1", table.dataFingerprint());
        assertEquals(50, table.numSamples());
        assertEquals(11, table.seed());
        assertEquals(provenance, table.provenance());
        assertEquals(List.of("a", "z"), List.copyOf(table.entries().keySet()));
        assertEquals(new CalibrationTable.Entry(TensorRange.symmetric(1.5), "percentile",
                CalibratorOptions.parse("percentile=99.9,symmetric=true"), Optional.of(QuantScheme.INT8_SYMMETRIC)),
                table.entry("a").orElseThrow());
        assertEquals(new CalibrationTable.Entry(new TensorRange(-0.25, 3.5), "percentile",
                CalibratorOptions.parse("percentile=99.9,symmetric=false"), Optional.of(QuantScheme.UINT8_ASYMMETRIC)),
                table.entry("z").orElseThrow());
        assertEquals(table, CalibrationTable.fromJson(table.toJson(), "memory"));
    }

    @Test
    void extremeSeedsAndSampleCountsSurvive() {
        CalibrationTable table = base().seed(Long.MIN_VALUE).numSamples(Long.MAX_VALUE).build();
        CalibrationTable back = CalibrationTable.fromJson(table.toJson(), "memory");
        assertEquals(Long.MIN_VALUE, back.seed());
        assertEquals(Long.MAX_VALUE, back.numSamples());
    }

    @Test
    void entriesAreSortedByNameWhateverTheInsertionOrder() {
        TensorRange r = new TensorRange(-1, 1);
        CalibrationTable a = base().put("b", CalibrationTable.Entry.of(r, "minmax"))
                .put("a", CalibrationTable.Entry.of(r, "minmax")).put("c", CalibrationTable.Entry.of(r, "minmax")).build();
        CalibrationTable b = base().put("c", CalibrationTable.Entry.of(r, "minmax"))
                .put("b", CalibrationTable.Entry.of(r, "minmax")).put("a", CalibrationTable.Entry.of(r, "minmax")).build();

        assertEquals(List.of("a", "b", "c"), List.copyOf(a.entries().keySet()));
        assertEquals(List.of("a", "b", "c"), List.copyOf(a.ranges().keySet()));
        assertEquals(a.toJson(), b.toJson());
    }

    @Test
    void jsonNamesFormatAndVersion() {
        String json = base().build().toJson();
        assertTrue(json.contains("\"format\" : \"quant4j-calibration-table\""), json);
        assertTrue(json.contains("\"formatVersion\" : 1"), json);
        assertTrue(json.endsWith("}\n"), json);
        assertFalse(json.contains("\r"), json);
    }

    @Test
    void newerFormatVersionIsRefusedWithTheFileAndTheVersion() throws IOException {
        Path file = writeJson("future.json", base().build().toJson().replace("\"formatVersion\" : 1", "\"formatVersion\" : 999"));

        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CalibrationTable.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("formatVersion"), e.getMessage());
        assertTrue(e.getMessage().contains("999"), e.getMessage());
        assertTrue(e.getMessage().contains("newer quant4j"), e.getMessage());
    }

    @Test
    void missingTableFieldIsNamed() throws IOException {
        Path file = writeJson("noseed.json", base().build().toJson().replace("  \"seed\" : 42,\n", ""));

        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CalibrationTable.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("'seed' is missing"), e.getMessage());
    }

    @Test
    void missingEntryFieldIsNamedWithItsTensor() throws IOException {
        String json = base().put("input:0", CalibrationTable.Entry.of(new TensorRange(-2, 2), "minmax")).build().toJson();
        Path file = writeJson("nomax.json", json.replace("\"max\" : 2.0,", ""));

        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CalibrationTable.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("tensors[\"input:0\"].max"), e.getMessage());
    }

    @Test
    void missingFormatIsRefused() {
        String json = base().build().toJson().replace("\"format\" : \"quant4j-calibration-table\",", "");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CalibrationTable.fromJson(json, "x.json"));
        assertTrue(e.getMessage().contains("x.json") && e.getMessage().contains("'format' is missing"), e.getMessage());
    }

    @Test
    void otherFormatIsRefused() {
        String json = base().build().toJson().replace("quant4j-calibration-table", "something-else");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CalibrationTable.fromJson(json, "x.json"));
        assertTrue(e.getMessage().contains("something-else"), e.getMessage());
    }

    @Test
    void unknownFieldIsRefused() {
        String json = base().build().toJson().replace("\"seed\" : 42,", "\"seed\" : 42, \"sede\" : 1,");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CalibrationTable.fromJson(json, "x.json"));
        assertTrue(e.getMessage().contains("'sede'"), e.getMessage());
    }

    @Test
    void mistypedFieldIsRefused() {
        String json = base().build().toJson().replace("\"numSamples\" : 512", "\"numSamples\" : \"512\"");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CalibrationTable.fromJson(json, "x.json"));
        assertTrue(e.getMessage().contains("'numSamples' must be a whole number"), e.getMessage());
    }

    @Test
    void invalidRangeInFileNamesTheTensor() {
        String json = base().put("t", CalibrationTable.Entry.of(new TensorRange(-1, 1), "minmax")).build().toJson()
                .replace("\"min\" : -1.0", "\"min\" : 5.0");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CalibrationTable.fromJson(json, "x.json"));
        assertTrue(e.getMessage().contains("tensors[\"t\"].min"), e.getMessage());
    }

    @Test
    void duplicateTensorIsRefused() {
        String json = "{\"format\":\"quant4j-calibration-table\",\"formatVersion\":1,\"calibrationMethod\":\"minmax\","
                + "\"dataFingerprint\":\"f\",\"numSamples\":1,\"seed\":1,\"quant4jVersion\":\"v\",\"provenance\":{},"
                + "\"tensors\":{\"a\":{\"min\":0,\"max\":1,\"method\":\"minmax\",\"options\":{}},"
                + "\"a\":{\"min\":0,\"max\":2,\"method\":\"minmax\",\"options\":{}}}}";
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CalibrationTable.fromJson(json, "x.json"));
        assertTrue(e.getMessage().contains("x.json") && e.getMessage().contains("Duplicate field 'a'"), e.getMessage());
    }

    @Test
    void handWrittenMinimalTableIsRead() {
        String json = "{\"format\":\"quant4j-calibration-table\",\"formatVersion\":1,\"calibrationMethod\":\"minmax\","
                + "\"dataFingerprint\":\"f\",\"numSamples\":3,\"seed\":7,\"quant4jVersion\":\"v\",\"provenance\":{},"
                + "\"tensors\":{\"a\":{\"min\":-1,\"max\":1e0,\"method\":\"minmax\",\"options\":{}}}}";
        CalibrationTable t = CalibrationTable.fromJson(json, "x.json");
        assertEquals(new TensorRange(-1, 1), t.entry("a").orElseThrow().range());
        assertEquals(3, t.numSamples());
        assertEquals(7, t.seed());
    }

    @Test
    void malformedJsonNamesFileAndLine() throws IOException {
        Path file = writeJson("broken.json", "{\n  \"format\" : \"quant4j-calibration-table\",\n  oops\n}\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CalibrationTable.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("absent.json");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CalibrationTable.read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void builderListsEveryMissingSetting() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CalibrationTable.builder().build());
        assertTrue(e.getMessage().contains("calibrationMethod, dataFingerprint, numSamples, seed"), e.getMessage());
    }

    @Test
    void builderRejectsBlankNamesAndNegativeSampleCounts() {
        assertThrows(InvalidInputException.class, () -> base().numSamples(-1));
        assertThrows(InvalidInputException.class, () -> base().dataFingerprint(" "));
        assertThrows(InvalidInputException.class, () -> base().put("", CalibrationTable.Entry.of(new TensorRange(0, 1), "minmax")));
        assertThrows(InvalidInputException.class, () -> CalibrationTable.Entry.of(new TensorRange(0, 1), " "));
    }

    @Test
    void entryRefusesPerChannelScheme() {
        CalibrationTable.Entry e = CalibrationTable.Entry.of(new TensorRange(-1, 1), "minmax");
        assertThrows(InvalidInputException.class, () -> e.withScheme(QuantScheme.int8WeightsPerChannel(0)));
    }

    @Test
    void entryDerivesQuantParamsFromItsScheme() {
        CalibrationTable.Entry e = CalibrationTable.Entry.of(new TensorRange(-1, 3), "minmax")
                .withScheme(QuantScheme.UINT8_ASYMMETRIC);
        QuantParams p = e.quantParams().orElseThrow();
        // uint8 asymmetric [-1, 3]: scale 4/255, zero point round(0 - (-1) / (4/255)) = round(63.75) = 64.
        assertEquals((float) (4.0 / 255.0), p.scale(0));
        assertEquals(64, p.zeroPoint(0));
        assertEquals(Optional.empty(), CalibrationTable.Entry.of(new TensorRange(-1, 3), "minmax").quantParams());
    }

    @Test
    void laterPutReplacesAndRemoveDeletes() {
        CalibrationTable t = base().put("a", CalibrationTable.Entry.of(new TensorRange(0, 1), "minmax"))
                .put("a", CalibrationTable.Entry.of(new TensorRange(0, 2), "minmax"))
                .put("b", CalibrationTable.Entry.of(new TensorRange(0, 3), "minmax"))
                .remove("b").build();
        assertEquals(Map.of("a", new TensorRange(0, 2)), t.ranges());
    }

    @Test
    void writeRefusesTheFileTheTableWasReadFrom() throws IOException {
        Path file = dir.resolve("in.json");
        awkwardTable().write(file);
        byte[] before = Files.readAllBytes(file);
        CalibrationTable read = CalibrationTable.read(file);
        CalibrationTable changed = read.toBuilder().seed(7).build();

        InvalidInputException e = assertThrows(InvalidInputException.class, () -> changed.write(file));
        assertTrue(e.getMessage().contains("writeToSource"), e.getMessage());
        InvalidInputException viaOtherSpelling = assertThrows(InvalidInputException.class,
                () -> changed.write(dir.resolve("sub/../in.json")));
        assertTrue(viaOtherSpelling.getMessage().contains("read from"), viaOtherSpelling.getMessage());
        assertEquals(new String(before, StandardCharsets.UTF_8), Files.readString(file));

        changed.writeToSource();
        assertEquals(7, CalibrationTable.read(file).seed());
    }

    @Test
    void writeRefusesALinkToTheSource() throws IOException {
        Path file = dir.resolve("in.json");
        awkwardTable().write(file);
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), file);
        CalibrationTable read = CalibrationTable.read(file);
        assertThrows(InvalidInputException.class, () -> read.write(link));
    }

    @Test
    void writeToSourceNeedsASource() {
        assertThrows(IllegalStateException.class, () -> awkwardTable().writeToSource());
    }

    @Test
    void atomicWriteLeavesOnlyTheTarget() throws IOException {
        Path file = dir.resolve("out.json");
        awkwardTable().write(file);
        base().build().write(file);
        assertEquals(List.of(file), listDir());
        assertEquals(base().build(), CalibrationTable.read(file));
    }

    @Test
    void writeCreatesAMissingDirectory() throws IOException {
        Path file = dir.resolve("missing/out.json");
        awkwardTable().write(file);
        assertEquals(awkwardTable(), CalibrationTable.read(file));
    }

    @Test
    void writeBelowARegularFileFailsWithoutLeftovers() throws IOException {
        Path blocker = dir.resolve("blocker");
        java.nio.file.Files.writeString(blocker, "x");
        Path file = blocker.resolve("out.json");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> awkwardTable().write(file));
        assertTrue(e.getMessage().contains("cannot create directory"), e.getMessage());
        assertEquals(List.of(blocker), listDir());
    }

    @Test
    void sameTablesAreEqualRegardlessOfSource() throws IOException {
        Path file = dir.resolve("t.json");
        awkwardTable().write(file);
        CalibrationTable read = CalibrationTable.read(file);
        assertEquals(awkwardTable(), read);
        assertEquals(awkwardTable().hashCode(), read.hashCode());
    }

    private Path writeJson(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private List<Path> listDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
