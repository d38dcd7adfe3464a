package org.quant4j.examples.tutorial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.data.Dataset;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.report.compare.ComparisonReport;
import org.quant4j.report.render.ResultsJson;

/**
 * Runs the tutorial's programs in order, as docs/TUTORIAL.md does (each step reads the models the earlier
 * ones wrote), and checks what they print against plain ONNX Runtime runs of the same models on the same
 * images ({@link OrtReference}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TutorialTest {

    private static final Path MODEL = Path.of("../models/reference/fashion-resnet.onnx").toAbsolutePath().normalize();
    private static final Pattern PERCENT = Pattern.compile("([0-9.]+)%");

    @TempDir
    static Path dir;

    @Test
    @Order(1)
    void step1MinMaxRangesAreTheExtremesOfTheDataAndEntropyClipsWithinThem() throws Exception {
        String printed = run(Step1Calibrate::main);
        // Fashion-MNIST pixels scaled to [0, 1]: every image has black (0) and some have white (255 -> 1).
        assertEquals(List.of(0.0, 1.0), numbers(line(printed, "input ")).subList(0, 2));
        OrtReference.Outputs fp32 = OrtReference.run(MODEL, CalibrationSampler.stratified(FashionMnist.train(), 200, 42));
        List<Double> logits = numbers(line(printed, "logits "));
        assertEquals(fp32.minLogit(), logits.get(0), 1e-3);
        assertEquals(fp32.maxLogit(), logits.get(1), 1e-3);
        List<String> rows = printed.lines().skip(1).toList();
        assertTrue(rows.size() > 10, printed);
        for (String row : rows) {
            List<Double> v = numbers(row);
            // Entropy chooses a threshold within the observed range: it clips, it never widens.
            assertTrue(Math.max(-v.get(2), v.get(3)) <= Math.max(-v.get(0), v.get(1)) + 1e-3, row);
        }
        assertTrue(Files.isRegularFile(dir.resolve("calibration-minmax.json")));
        assertTrue(Files.isRegularFile(dir.resolve("calibration-entropy.json")));
    }

    @Test
    @Order(2)
    void step2WritesThreeModelsThatOnnxRuntimeRunsNearlyAsAccuratelyAsFp32() throws Exception {
        String printed = run(Step2Quantize::main);
        long fp32Bytes = Files.size(MODEL);
        Dataset test = CalibrationSampler.stratified(FashionMnist.test(), 1000, 7);
        double fp32 = OrtReference.run(MODEL, test).accuracy();
        for (String mode : List.of("static", "dynamic", "fp16")) {
            Path file = dir.resolve("resnet-" + mode + ".onnx");
            long bytes = Long.parseLong(line(printed, mode.toUpperCase() + " ").replaceAll("^\\S+\\s+(\\d+) bytes.*", "$1"));
            assertEquals(Files.size(file), bytes);
            assertEquals(fp32, OrtReference.run(file, test).accuracy(), 0.01, mode);
        }
        // FP16 stores every weight in 2 bytes instead of 4; static INT8 in 1 byte, plus scales.
        double fp16Ratio = (double) fp32Bytes / Files.size(dir.resolve("resnet-fp16.onnx"));
        assertTrue(fp16Ratio > 1.9 && fp16Ratio < 2.1, "FP16 " + fp16Ratio);
        assertTrue((double) fp32Bytes / Files.size(dir.resolve("resnet-static.onnx")) > 3.5);
    }

    @Test
    @Order(3)
    void step3PrintsTheAccuraciesOnnxRuntimeGives() throws Exception {
        String printed = run(Step3PerChannel::main);
        Dataset test = testImages(1000);
        assertPrintedTopOne(printed, "FP32", MODEL, test);
        for (String granularity : List.of("per-tensor", "per-channel")) {
            Path file = dir.resolve("resnet-" + granularity + ".onnx");
            String row = assertPrintedTopOne(printed, "static INT8 " + granularity, file, test);
            assertTrue(row.endsWith(Files.size(file) + " bytes"), row);
        }
    }

    @Test
    @Order(4)
    void step4QatModelKeepsTheAccuracy() throws Exception {
        String printed = run(Step4QuantizationAwareTraining::main);
        Dataset test = testImages(1000);
        double fp32 = OrtReference.run(MODEL, test).accuracy();
        double qat = OrtReference.run(dir.resolve("resnet-qat.onnx"), test).accuracy();
        assertEquals(List.of(percent(fp32), percent(qat)), percents(printed));
        assertEquals(fp32, qat, 0.02, "16 QAT steps from min-max ranges stay near FP32");
    }

    @Test
    @Order(5)
    void step5StatisticsMatchTheRawPredictions() throws Exception {
        String printed = run(Step5EvaluateWithStatistics::main);
        Dataset test = testImages(2000);
        OrtReference.Outputs fp32 = OrtReference.run(MODEL, test);
        OrtReference.Outputs int8 = OrtReference.run(dir.resolve("resnet-static.onnx"), test);
        assertEquals(percent(fp32.accuracy()), percentOf(line(printed, "FP32 top-1")));
        assertEquals(percent(int8.accuracy()), percentOf(line(printed, "INT8 top-1")));
        int onlyFp32 = 0;
        int onlyInt8 = 0;
        int same = 0;
        for (int i = 0; i < test.size(); i++) {
            boolean a = fp32.top1()[i] == fp32.labels()[i];
            boolean b = int8.top1()[i] == int8.labels()[i];
            onlyFp32 += a && !b ? 1 : 0;
            onlyInt8 += b && !a ? 1 : 0;
            same += fp32.top1()[i] == int8.top1()[i] ? 1 : 0;
        }
        assertTrue(line(printed, "McNemar").startsWith("McNemar: only FP32 right on " + onlyFp32
                + " images, only INT8 right on " + onlyInt8 + ","), printed);
        assertTrue(line(printed, "INT8 - FP32").contains(percent(same / 2000.0) + "% of the images"), printed);
    }

    @Test
    @Order(6)
    void step6ReportHoldsEveryModelWithTheAccuracyOnnxRuntimeGives() throws Exception {
        String printed = run(Step6CompareAndReport::main);
        Dataset test = testImages(2000);
        Map<String, String> files = Map.of("FP16", "resnet-fp16.onnx", "dynamic INT8", "resnet-dynamic.onnx",
                "static INT8 minmax per-tensor", "resnet-per-tensor.onnx",
                "static INT8 minmax per-channel", "resnet-per-channel.onnx", "QAT INT8 (short)", "resnet-qat.onnx");
        ComparisonReport report = ResultsJson.read(dir.resolve("report/results.json"));
        assertEquals(6, report.methods().size());
        for (Map.Entry<String, String> e : files.entrySet()) {
            double top1 = OrtReference.run(dir.resolve(e.getValue()), test).accuracy();
            assertEquals(percent(top1), percentOf(line(printed, e.getKey() + " ")), e.getKey());
            assertEquals(top1, report.method(e.getKey()).accuracy().top1().estimate(), 1e-12);
        }
        assertTrue(Files.isRegularFile(dir.resolve("report/report.html")));
        assertTrue(printed.contains("Met:") || printed.contains("MISSED:"), printed);
    }

    @Test
    @Order(7)
    void step7BaselineAndLastLayerSqnrAreWhatOnnxRuntimeGives() throws Exception {
        String printed = run(Step7Sensitivity::main);
        Dataset test = testImages(1000);
        OrtReference.Outputs fp32 = OrtReference.run(MODEL, test);
        assertEquals(percent(fp32.accuracy()), percentOf(line(printed, "FP32 top-1")));
        // The Gemm writes the logits: its accumulated SQNR is that of the whole INT8 model's output, and the
        // analysis calibrates as step 3 did (min-max, per channel, the same 200 images), so the model is step 3's.
        String gemm = printed.lines().filter(l -> l.matches("\\S+\\s+Gemm\\s.*")).findFirst().orElseThrow();
        OrtReference.Outputs int8 = OrtReference.run(dir.resolve("resnet-per-channel.onnx"), test);
        double printedSqnr = Double.parseDouble(gemm.replaceAll(".*\\s(-?[0-9.]+) dB\\s+-?[0-9.]+ dB\\s+\\S+( dB)?$", "$1"));
        assertEquals(fp32.sqnrOf(int8), printedSqnr, 0.06, gemm);
    }

    @Test
    @Order(8)
    void step8TopOneOfFp32AndOfTheWrittenModelAreWhatOnnxRuntimeGives() throws Exception {
        String printed = run(Step8MixedPrecision::main);
        Dataset test = testImages(1000);
        assertPrintedTopOne(printed, "fp32 ", MODEL, test);
        // The written model is the row the program names, and ONNX Runtime gives it the top-1 that row prints.
        String chosen = line(printed, "written: ").replaceAll(".*, the (\\S+) model$", "$1");
        assertTrue(List.of("greedy", "dp", "evolutionary").contains(chosen), printed);
        assertPrintedTopOne(printed, chosen + " ", dir.resolve("resnet-mixed.onnx"), test);
    }

    /** Asserts the line of {@code printed} starting with {@code start} shows ONNX Runtime's top-1 of {@code model}; returns it. */
    private static String assertPrintedTopOne(String printed, String start, Path model, Dataset test) throws Exception {
        String row = line(printed, start);
        assertEquals(percent(OrtReference.run(model, test).accuracy()), percentOf(row), row);
        return row;
    }

    /** The tutorial's test images: {@code n} of the Fashion-MNIST test set, stratified by class, seed 42. */
    private static Dataset testImages(int n) {
        return CalibrationSampler.stratified(FashionMnist.test(), n, 42);
    }

    interface Program {
        void main(String[] args) throws Exception;
    }

    /** What {@code program} prints with the reference model and this test's directory as arguments. */
    private static String run(Program program) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            program.main(new String[] {MODEL.toString(), dir.toString()});
        } finally {
            System.setOut(original);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        original.print(printed);
        return printed;
    }

    private static String line(String printed, String start) {
        return printed.lines().filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + start + "' in:\n" + printed));
    }

    /** The decimal numbers of {@code line} from its first '[' on (tensor names may hold digits and dots). */
    private static List<Double> numbers(String line) {
        List<Double> values = new ArrayList<>();
        Matcher m = Pattern.compile("-?[0-9]+\\.[0-9]+").matcher(line.substring(Math.max(0, line.indexOf('['))));
        while (m.find()) {
            values.add(Double.parseDouble(m.group()));
        }
        return values;
    }

    private static String percent(double fraction) {
        return String.format(java.util.Locale.ROOT, "%.2f", 100 * fraction);
    }

    private static String percentOf(String line) {
        return percents(line).get(0);
    }

    private static List<String> percents(String text) {
        List<String> values = new ArrayList<>();
        Matcher m = PERCENT.matcher(text);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }
}
