package org.quant4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.calibration.data.NpyDataset;
import org.quant4j.calibration.data.NpzFilesDataset;
import org.quant4j.cli.ThirdPartyModelsTest.Fidelity;
import org.quant4j.cli.ThirdPartyModelsTest.Model;
import org.quant4j.cli.ThirdPartyModelsTest.Tensor;
import org.quant4j.sensitivity.LayerSensitivity;
import org.quant4j.sensitivity.SensitivityAnalysis;
import org.quant4j.sensitivity.SensitivityRequest;
import org.quant4j.sensitivity.SensitivityResult;
import org.quant4j.sensitivity.VariantScore;

/**
 * The corpus models that static INT8 breaks (docs/MODELS.md): which layers the sensitivity analysis
 * names, and how much keeping its top three in float (quantize --exclude) restores of the fidelity
 * that {@link ThirdPartyModelsTest} measures, on the same inputs. The SQNR pass names the
 * candidates (lowest local SQNR), one-on and one-off measure them, the largest one-off recoveries
 * are kept in float: the noise-to-signal ratio of the first output
 * for maps and features, argmax agreement for the recognizer.
 */
class CorpusSensitivityTest {

    private static final Path CACHE = Path.of(System.getProperty("quant4j.corpus.dir", "../models/corpus/cache"));
    private static final int TOP = 3;
    private static final int CANDIDATES = 8;

    static Stream<Arguments> models() {
        return ThirdPartyModelsTest.corpus().stream()
                .filter(m -> List.of("ppocr-v4-det.onnx", "ppocr-v4-rec.onnx", "oww-melspectrogram.onnx")
                        .contains(m.file()))
                .map(m -> Arguments.of(m, m.file().equals("ppocr-v4-rec.onnx") ? SensitivityRequest.Metric.AGREEMENT
                        : SensitivityRequest.Metric.NOISE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void keepingTheMostSensitiveLayersInFloatRestoresFidelity(Model model, SensitivityRequest.Metric metric,
            @TempDir Path dir) throws Exception {
        Path original = CACHE.resolve(model.file());
        assumeTrue(Files.isRegularFile(original), "corpus model " + original.toAbsolutePath()
                + " is absent: run models/corpus/fetch.sh");
        List<Map<String, Tensor>> calibration = ThirdPartyModelsTest.samples(model, 1, 16);
        List<Map<String, Tensor>> evaluation = ThirdPartyModelsTest.samples(model, 2, 16);
        Path calibrationData = ThirdPartyModelsTest.writeData(calibration, dir.resolve("calibration"));
        Path evaluationData = ThirdPartyModelsTest.writeData(evaluation, dir.resolve("evaluation"));

        // The one pass first: the layers with the lowest local SQNR are the candidates; one-on then
        // measures those (a full one-on of a 200-layer model takes too long for a test).
        SensitivityRequest.Builder base = SensitivityRequest.builder().model(original)
                .calibration(open(calibrationData)).evaluation(open(evaluationData))
                .config(QuantizationConfig.builder().perChannel(true).build()).metric(metric).firstStage(16)
                .batchSize(16).threads(2).seed(3);
        SensitivityResult errors = SensitivityAnalysis.run(base.oneOn(false).oneOff(false).build());
        List<String> candidates = errors.layers().stream().filter(l -> l.sqnrLocal().isPresent())
                .sorted(Comparator.comparingDouble(l -> l.sqnrLocal().getAsDouble())).limit(CANDIDATES)
                .map(LayerSensitivity::node).toList();
        candidates.forEach(base::layer);
        SensitivityResult r = SensitivityAnalysis.run(base.oneOn(true).oneOff(true).tensorErrors(false).build());
        // What to keep in float: the largest one-off recoveries (excluding a node leaves its input
        // tensors quantized where their producers are, so one-on alone can name a node whose
        // exclusion recovers little).
        List<String> top = r.layers().stream()
                .sorted(Comparator.comparingDouble((LayerSensitivity l) -> -l.recovery().orElseThrow())).limit(TOP)
                .map(LayerSensitivity::node).toList();
        StringBuilder table = new StringBuilder();
        for (LayerSensitivity l : r.top(8)) {
            table.append(String.format(Locale.ROOT, "%n  %-40s %-12s one-on %.4f [%.4f, %.4f] recovery %.4f acc %.1f dB"
                    + " local %.1f dB", l.node(), l.opType(), l.oneOn().orElseThrow().drop().estimate(),
                    l.oneOn().orElseThrow().drop().lower(), l.oneOn().orElseThrow().drop().upper(),
                    l.recovery().orElseThrow(),
                    errors.layer(l.node()).sqnrAccumulated().orElse(Double.NaN),
                    errors.layer(l.node()).sqnrLocal().orElse(Double.NaN)));
        }

        Path full = dir.resolve("int8.onnx");
        Path kept = dir.resolve("int8-top.onnx");
        assertEquals(0, quantize(original, calibrationData, full, List.of()).exitCode());
        CliRun keptRun = quantize(original, calibrationData, kept, top);
        assertEquals(0, keptRun.exitCode(), keptRun.toString());
        Fidelity before = ThirdPartyModelsTest.fidelity(original, full, evaluation, model.task());
        Fidelity after = ThirdPartyModelsTest.fidelity(original, kept, evaluation, model.task());
        System.out.println(String.format(Locale.ROOT, "[sensitivity] %s (%d layers, %s, full INT8 drop %.4f, SQNR pass"
                + " %.1f s, one-on of %d candidates %.1f s):"
                + " top %d %s; full INT8 SQNR %.1f dB agreement %.3f -> top %d float SQNR %.1f dB agreement %.3f%s",
                model, errors.layers().size(), metric, r.fullInt8().drop().estimate(),
                errors.tensorErrorTime().toMillis() / 1e3, CANDIDATES, r.variantTime().toMillis() / 1e3, TOP, top, before.sqnrDb(),
                before.agreement(), TOP, after.sqnrDb(), after.agreement(), table));
        // The analysis names a culprit: the most sensitive layer's one-on drop is clearly beyond the
        // tolerance. Whether keeping the top layers float restores fidelity is measured and printed
        // (docs/MODELS.md records it): for the detector it does not, no single exclusion recovers.
        assertEquals(VariantScore.Verdict.BEYOND, r.layers().get(0).oneOn().orElseThrow().verdict(), table.toString());
        assertTrue(Double.isFinite(after.sqnrDb()) && Double.isFinite(before.sqnrDb()), before + " -> " + after);
    }

    private static CliRun quantize(Path model, Path data, Path out, List<String> exclude) {
        List<Object> args = new ArrayList<>(List.of("quantize", "-m", model, "--mode", "static", "--per-channel",
                "-d", data, "-o", out));
        for (String node : exclude) {
            args.add("--exclude");
            args.add(node);
        }
        return CliRun.of(args.toArray());
    }

    /** The data {@link ThirdPartyModelsTest#writeData} wrote: one .npy, or a directory of .npz files (one per shape). */
    private static Dataset open(Path data) {
        return Files.isDirectory(data) ? NpzFilesDataset.open(data) : NpyDataset.open(data);
    }
}
