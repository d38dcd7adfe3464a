package org.quant4j.report.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.platform.CpuFeatures;
import org.quant4j.report.Fixtures;
import org.quant4j.report.compare.ComparisonReport;
import org.quant4j.report.compare.CpuDescription;
import org.quant4j.report.compare.MethodResult;

class ResultsJsonTest {

    private static ComparisonReport report;
    private static String json;

    @BeforeAll
    static void write() {
        report = Fixtures.sampleComparison();
        json = ResultsJson.write(report);
    }

    @Test
    void isValidJsonWithFieldsInDocumentedOrder() throws Exception {
        JsonNode root = new ObjectMapper().readTree(json);
        List<String> fields = new ArrayList<>();
        root.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("format", "version", "title", "model", "dataset", "samples", "classes", "reference",
                "cpu", "statistics", "accuracyTolerance", "significanceLevel", "targets", "methods", "pairedTests",
                "recommendations",
                "targetChecks", "measurementNotes", "provenance"), fields);
        assertEquals(11, root.get("methods").size());
        assertEquals(600, root.get("samples").asInt());
        JsonNode fp32 = root.get("methods").get(0);
        assertTrue(fp32.get("reference").asBoolean());
        assertTrue(fp32.get("versusReference").isNull());
        assertEquals(10, fp32.get("confusionMatrix").size());
        assertTrue(json.endsWith("}\n") && !json.contains("\r"), "LF line ends");
    }

    @Test
    void numbersInTheFileAreTheReportsNumbers() throws Exception {
        JsonNode method = new ObjectMapper().readTree(json).get("methods").get(3);
        var row = report.methods().get(3);
        assertEquals(row.name(), method.get("name").asText());
        assertEquals(row.accuracy().top1().lower(), method.get("top1").get("lower").asDouble(), 0);
        var mcnemar = row.accuracy().versusReference().orElseThrow().mcnemar();
        assertEquals(mcnemar.b(), method.get("versusReference").get("mcnemar").get("b").asInt());
        assertEquals(mcnemar.pValue(), method.get("versusReference").get("mcnemar").get("pValue").asDouble(), 0);
        assertEquals(row.throughputBatch32PerSecond().orElseThrow().median(),
                method.get("throughputBatch32PerSecond").get("median").asDouble(), 0);
        assertEquals(report.throughputSpeedup(row).getAsDouble(), method.get("throughputSpeedup").asDouble(), 0);
        JsonNode memory = new ObjectMapper().readTree(json).get("methods").get(0).get("peakMemory");
        var reference = report.methods().get(0).peakMemory().orElseThrow();
        assertEquals(reference.peakBytes(), memory.get("bytes").asLong());
        assertEquals(reference.baselineBytes().getAsLong(), memory.get("baselineBytes").asLong());
        assertFalse(method.get("peakMemory").has("baselineBytes"), "no baseline recorded, none written");
    }

    @Test
    void readingBackGivesTheSameReportAndTheSameBytes() {
        ComparisonReport back = ResultsJson.read(json, "results.json");
        assertEquals(report, back);
        assertEquals(json, ResultsJson.write(back));
        assertEquals(report.recommendations().all(), back.recommendations().all());
    }

    @Test
    void theCpuAndTheKernelTargetsAreWrittenAndReadBack() throws Exception {
        JsonNode root = new ObjectMapper().readTree(json);
        JsonNode cpu = root.get("cpu");
        assertEquals(Fixtures.SAMPLE_CPU.model(), cpu.get("model").asText());
        assertEquals(Fixtures.SAMPLE_CPU.int8Kind(), cpu.get("int8Kind").asText());
        assertEquals(Fixtures.SAMPLE_CPU.flags(), cpu.get("flags").asText());
        assertTrue(root.get("methods").get(0).get("kernelTarget").isNull(), "FP32 has no kernel target");
        assertTrue(root.get("methods").get(1).get("kernelTarget").isNull(), "FP16 has no kernel target");
        assertEquals("portable", root.get("methods").get(2).get("kernelTarget").asText());

        ComparisonReport back = ResultsJson.read(json, "results.json");

        assertEquals(Fixtures.SAMPLE_CPU, back.cpu().orElseThrow());
        for (int i = 0; i < report.methods().size(); i++) {
            assertEquals(report.methods().get(i).kernelTarget(), back.methods().get(i).kernelTarget(),
                    report.methods().get(i).name());
        }
        assertEquals(KernelTarget.PORTABLE, back.method("static int8 mse per-channel").kernelTarget().orElseThrow());
    }

    @Test
    void aFileWrittenBeforeTheCpuWasRecordedStillLoads() throws Exception {
        ObjectNode root = (ObjectNode) new ObjectMapper().readTree(json);
        root.remove("cpu");
        root.get("methods").forEach(m -> ((ObjectNode) m).remove("kernelTarget"));
        String older = ResultsJson.pretty(root, "an older comparison");

        ComparisonReport back = ResultsJson.read(older, "old-results.json");

        assertFalse(back.cpu().isPresent());
        assertTrue(back.methods().stream().map(MethodResult::kernelTarget).allMatch(t -> t.isEmpty()));
        assertEquals(report.methods().size(), back.methods().size());
        assertTrue(ResultsJson.write(back).contains("\"cpu\" : null"), "rewritten with the CPU unknown");
        assertTrue(MarkdownReport.render(back).contains("Measured on: **not recorded"), "the report says so");
    }

    @Test
    void aKernelTargetThatIsNotOneMakesAnErrorNamingTheField() {
        String edited = json.replaceFirst("\"kernelTarget\" : \"portable\"", "\"kernelTarget\" : \"avx9\"");

        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ResultsJson.read(edited, "e.json"));

        assertTrue(e.getMessage().contains("e.json: methods[2].kernelTarget is \"avx9\", expected \"portable\","
                + " \"vnni\" or null"), e.getMessage());
    }

    @Test
    void theCpuShownIsTheOneStoredNotTheOneRendering() {
        CpuDescription stored = new CpuDescription("Measuring Machine 3000", "x86-64 AVX2 (no VNNI)", "avx2");
        String written = json.replace(Fixtures.SAMPLE_CPU.model(), stored.model());

        String markdown = MarkdownReport.render(ResultsJson.read(written, "results.json"));

        assertTrue(markdown.contains("Measured on: **Measuring Machine 3000 (x86-64 AVX2 (no VNNI); avx2)**."),
                markdown);
        assertFalse(markdown.contains(CpuFeatures.host().summary()), "not the CPU rendering the report");
    }

    @Test
    void undefinedNumbersAreNull() throws Exception {
        JsonNode fp16 = new ObjectMapper().readTree(json).get("methods").get(1);
        assertTrue(fp16.get("calibrationSeconds").isNull(), "FP16 needs no calibration");
        assertTrue(fp16.get("calibration").isNull());
    }

    @Test
    void readingSomethingElseSaysWhatIsWrong() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ResultsJson.read("{\"a\":1}", "x.json"));
        assertTrue(e.getMessage().contains("x.json is not a quant4j comparison"), e.getMessage());
        InvalidInputException broken = assertThrows(InvalidInputException.class, () -> ResultsJson.read("{", "y.json"));
        assertTrue(broken.getMessage().startsWith("Results file y.json is not valid JSON at line 1"), broken.getMessage());
        String missing = json.replaceFirst("\"seed\" : 42,", "");
        InvalidInputException field = assertThrows(InvalidInputException.class, () -> ResultsJson.read(missing, "z.json"));
        assertTrue(field.getMessage().contains("statistics.seed is missing"), field.getMessage());
    }
}
