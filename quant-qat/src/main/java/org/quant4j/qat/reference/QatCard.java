package org.quant4j.qat.reference;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quant4j.api.ModelException;
import org.quant4j.qat.train.EpochRecord;

/**
 * The Markdown card of the quantization-aware-trained INT8 version of a reference model: its
 * accuracy against the float model and against post-training quantization on the same test set,
 * the training record, and the command that makes it again.
 *
 * @param model               which reference model
 * @param floatAccuracy       test accuracy of the float model (ONNX Runtime)
 * @param ptqAccuracies       test accuracy of static per-channel PTQ by calibration method (ONNX Runtime)
 * @param simulatedAccuracy   test accuracy of the simulated-INT8 DJL model
 * @param qatAccuracy         test accuracy of the exported QAT model (ONNX Runtime)
 * @param testImages          test images
 * @param floatValidation     validation accuracy of the float model on DJL, before training
 * @param calibratedValidation validation accuracy of the simulated-INT8 model with calibrated ranges, before training
 * @param initialMethod       the calibration method of the ranges training started from
 * @param history             one record per QAT epoch (validation accuracy of the simulated-INT8 model)
 * @param bestEpoch           the epoch exported (0: the calibrated start)
 * @param qatSeconds          wall-clock seconds of the whole QAT run: calibration, training and export
 * @param options             QAT options as text
 * @param machine             machine and software (name to value)
 * @param modelSha256         SHA-256 of the QAT ONNX file
 * @param modelBytes          size of the QAT ONNX file
 * @param operators           the operators ONNX Runtime runs for the QAT model after its optimisations
 */
public record QatCard(ReferenceModel model, double floatAccuracy, Map<String, Double> ptqAccuracies,
        double simulatedAccuracy, double qatAccuracy, int testImages, double floatValidation,
        double calibratedValidation, String initialMethod, List<EpochRecord> history, int bestEpoch, double qatSeconds, String options,
        Map<String, String> machine, String modelSha256, long modelBytes, String operators) {

    /** The command that reruns QAT of a reference model, with {@code ID} for its id. */
    public static final String COMMAND =
            "./mvnw -B -q -pl quant-qat -am install -DskipTests && ./mvnw -B -q -pl quant-qat exec:exec -Dreference=ID"
                    + " -Dquant4j.referenceMain=org.quant4j.qat.reference.QatReference";

    private static final String QAT_ROW = "| test accuracy, QAT INT8 (ONNX Runtime) | ";
    private static final Pattern QAT_ACCURACY = Pattern.compile(
            "^" + Pattern.quote(QAT_ROW) + "([0-9.]+)% \\|", Pattern.MULTILINE);

    public QatCard {
        ptqAccuracies = Map.copyOf(ptqAccuracies);
        history = List.copyOf(history);
        machine = Map.copyOf(machine);
    }

    /** The best static per-channel PTQ accuracy and its method. */
    public Map.Entry<String, Double> bestPtq() {
        return ptqAccuracies.entrySet().stream().max(Map.Entry.<String, Double>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey())).orElseThrow();
    }

    /** A difference of accuracies in percentage points with its sign, {@code +0.00} for none. */
    static String points(double fractionDifference) {
        // Round first so that a difference of a few ulps prints as +0.00, not -0.00.
        double rounded = Math.round(fractionDifference * 10_000) / 100.0 + 0.0;
        return String.format(Locale.ROOT, "%+.2f", rounded);
    }

    /**
     * The QAT test accuracy a card states, as a fraction.
     *
     * @throws ModelException when the card has no such row
     */
    public static double qatAccuracyOf(String markdown) {
        Matcher m = QAT_ACCURACY.matcher(markdown);
        if (!m.find()) {
            throw new ModelException("The QAT card has no '" + QAT_ROW.trim() + "' row; regenerate it"
                    + " with QatReference");
        }
        return Double.parseDouble(m.group(1)) / 100;
    }

    /** The card as Markdown. */
    public String markdown() {
        StringBuilder s = new StringBuilder();
        s.append("# Fashion-MNIST reference model, quantization-aware trained: ").append(model.id()).append("\n\n");
        s.append('`').append(model.qatModelFileName()).append("`: INT8 QDQ ONNX, ").append(modelBytes)
                .append(" bytes, SHA-256 `").append(modelSha256).append("`, fine-tuned from `")
                .append(model.modelFileName()).append("` with simulated INT8 and exported with the trained ranges.\n\n");
        Map.Entry<String, Double> ptq = bestPtq();
        double gap = floatAccuracy - qatAccuracy;
        s.append("| | |\n|---|---|\n");
        ModelCard.row(s, "test accuracy, FP32 (ONNX Runtime)", ModelCard.percent(floatAccuracy));
        ptqAccuracies.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> ModelCard.row(s,
                "test accuracy, static INT8 PTQ per-channel " + e.getKey() + " (ONNX Runtime)",
                ModelCard.percent(e.getValue())));
        s.append(QAT_ROW).append(ModelCard.percent(qatAccuracy)).append(" |\n");
        ModelCard.row(s, "test accuracy, QAT simulated INT8 (DJL)", ModelCard.percent(simulatedAccuracy)
                + " (ONNX Runtime - DJL: " + points(qatAccuracy - simulatedAccuracy) + " points)");
        ModelCard.row(s, "QAT vs FP32", points(-gap) + " points (target: within 0.5): "
                + (gap <= 0.005 ? "met" : "NOT met"));
        ModelCard.row(s, "QAT vs best PTQ (" + ptq.getKey() + ")", points(qatAccuracy - ptq.getValue())
                + " points (target: not worse): " + (qatAccuracy >= ptq.getValue() ? "met" : "NOT met"));
        ModelCard.row(s, "test images", Integer.toString(testImages));
        ModelCard.row(s, "validation accuracy before QAT", ModelCard.percent(floatValidation) + " float, "
                + ModelCard.percent(calibratedValidation) + " simulated INT8 with the " + initialMethod
                + " ranges (the calibration method training started from, the best on validation)");
        ModelCard.row(s, "validation accuracy after QAT", bestEpoch == 0
                ? "no epoch of " + history.size() + " beat the calibrated start: its parameters are exported"
                : ModelCard.percent(history.get(bestEpoch - 1).validationAccuracy()) + " simulated INT8 at epoch "
                        + bestEpoch + " of " + history.size() + " (the parameters exported)");
        ModelCard.row(s, "QAT time", String.format(Locale.ROOT, "%.0f s (%.1f min): calibration, training with"
                + " validation after every epoch, and export", qatSeconds, qatSeconds / 60));
        ModelCard.row(s, "operators ONNX Runtime runs", operators);
        ModelCard.row(s, "QAT options", options);
        machine.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> ModelCard.row(s, e.getKey(), e.getValue()));
        s.append("\n## Rerun\n\nFrom the repository root, with the Debian package `dataset-fashion-mnist` installed:\n\n")
                .append("```bash\n").append(COMMAND.replace("ID", model.id())).append("\n```\n\n")
                .append("This rewrites `").append(ReferenceModel.DIRECTORY).append('/').append(model.qatModelFileName())
                .append("` and this card (`org.quant4j.qat.reference.QatReference`). The data order and augmentation"
                        + " are seeded; PyTorch's CPU kernels are not bit-exact across machines, so a rerun matches"
                        + " within noise.\n\n");
        ModelCard.epochTable(s, history, bestEpoch);
        return s.toString();
    }
}
