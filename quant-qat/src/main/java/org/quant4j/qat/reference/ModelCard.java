package org.quant4j.qat.reference;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quant4j.api.ModelException;
import org.quant4j.qat.train.EpochRecord;

/**
 * The Markdown model card of a reference model: what it is, how big, how accurate, and how to make
 * it again. {@link #testAccuracyOf(String)} reads the test accuracy back from a card, so the tests
 * check a committed model against its own card.
 *
 * @param model           which reference model
 * @param architecture    description of the layers
 * @param parameters      trainable parameters
 * @param macs            multiply-accumulates per image
 * @param testCorrect     test images the ONNX model classifies correctly (ONNX Runtime)
 * @param testImages      test images
 * @param djlTestAccuracy test accuracy of the DJL model the ONNX model was exported from
 * @param history         one record per epoch
 * @param bestEpoch       the epoch whose parameters were exported
 * @param seconds         wall-clock training time, validation included
 * @param options         the training options as text
 * @param data            the data as text
 * @param machine         the machine and software as text (name to value)
 * @param modelSha256     SHA-256 of the ONNX file
 * @param modelBytes      size of the ONNX file
 */
public record ModelCard(ReferenceModel model, String architecture, long parameters, long macs, int testCorrect,
        int testImages, double djlTestAccuracy, List<EpochRecord> history, int bestEpoch, double seconds, String options,
        String data, Map<String, String> machine, String modelSha256, long modelBytes) {

    /** The one command that retrains a reference model, with {@code ID} for its id. */
    public static final String RETRAIN_COMMAND =
            "./mvnw -B -q -pl quant-qat -am install -DskipTests && ./mvnw -B -q -pl quant-qat exec:exec -Dreference=ID";

    private static final String ACCURACY_LINE = "Test accuracy: ";
    private static final Pattern ACCURACY = Pattern.compile("^" + ACCURACY_LINE + "([0-9.]+) ", Pattern.MULTILINE);

    public ModelCard {
        history = List.copyOf(history);
        machine = Map.copyOf(machine);
    }

    /** Test accuracy of the ONNX model on ONNX Runtime. */
    public double testAccuracy() {
        return (double) testCorrect / testImages;
    }

    /** The card as Markdown. */
    public String markdown() {
        StringBuilder s = new StringBuilder();
        String name = switch (model) {
            case RESNET -> "ResNet-style";
            case VGG -> "VGG-style";
            case EFFICIENTNET -> "EfficientNet-style";
        };
        s.append("# Fashion-MNIST reference model: ").append(name).append("\n\n");
        s.append('`').append(model.modelFileName()).append("`: FP32 ONNX (opset 13), ").append(modelBytes)
                .append(" bytes, SHA-256 `").append(modelSha256).append("`.\n")
                .append("Input `input` `[N, 1, 28, 28]`: Fashion-MNIST pixels scaled to [0, 1] (x / 255, no mean or std"
                        + " normalisation, as `FashionMnist.test()` gives them). Output `logits` `[N, 10]`: class scores"
                        + " before softmax, classes in Fashion-MNIST label order.\n\n");
        s.append(ACCURACY_LINE).append(String.format(Locale.ROOT, "%.4f", testAccuracy())).append(" (").append(testCorrect)
                .append(" of ").append(testImages).append(" Fashion-MNIST test images, ONNX Runtime)\n\n");
        s.append("| | |\n|---|---|\n");
        row(s, "architecture", architecture);
        row(s, "parameters", String.format(Locale.ROOT, "%,d (trainable; batch-norm running statistics excluded)",
                parameters));
        row(s, "MACs per image", String.format(Locale.ROOT, "%,d (%.1f M; Conv and Gemm multiply-accumulates)", macs,
                macs / 1e6));
        row(s, "test accuracy, ONNX Runtime", percent(testAccuracy()));
        row(s, "test accuracy, DJL PyTorch (before export)", percent(djlTestAccuracy));
        row(s, "target", ">= " + percent(model.targetAccuracy()) + (testAccuracy() >= model.targetAccuracy() ? ": met"
                : ": NOT met"));
        row(s, "validation accuracy", percent(history.get(bestEpoch - 1).validationAccuracy()) + " at epoch "
                + bestEpoch + " of " + history.size() + " (the parameters exported)");
        row(s, "training time", String.format(Locale.ROOT, "%.0f s (%.1f min), validation after every epoch included",
                seconds, seconds / 60));
        row(s, "seed", Long.toString(ReferenceModel.SEED));
        row(s, "training options", options);
        row(s, "data", data);
        machine.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> row(s, e.getKey(), e.getValue()));
        s.append("\n## Retrain\n\nFrom the repository root, with the Debian package `dataset-fashion-mnist` installed:\n\n")
                .append("```bash\n").append(RETRAIN_COMMAND.replace("ID", model.id())).append("\n```\n\n")
                .append("This rewrites `").append(ReferenceModel.DIRECTORY).append('/').append(model.modelFileName())
                .append("` and this card (`org.quant4j.qat.reference.TrainReference`, recipe in `ReferenceModel.")
                .append(model.name()).append("`). Initialisation, data order, augmentation and dropout are seeded;"
                        + " PyTorch's CPU kernels are not bit-exact across thread counts and CPUs, so a rerun matches"
                        + " the accuracy within noise (a few tenths of a percent), not bit for bit.\n\n");
        epochTable(s, history, bestEpoch);
        return s.toString();
    }

    /**
     * The test accuracy written in a card's {@code Test accuracy:} line.
     *
     * @throws ModelException when the card has no such line
     */
    public static double testAccuracyOf(String markdown) {
        Matcher m = ACCURACY.matcher(markdown);
        if (!m.find()) {
            throw new ModelException("The model card has no '" + ACCURACY_LINE + "<value> ' line; regenerate it with "
                    + "TrainReference");
        }
        return Double.parseDouble(m.group(1));
    }

    /** The per-epoch table of a card. */
    static void epochTable(StringBuilder s, List<EpochRecord> history, int bestEpoch) {
        s.append("## Epochs\n\n| epoch | steps | train loss | train accuracy | validation accuracy | learning rate | seconds |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (EpochRecord r : history) {
            s.append(String.format(Locale.ROOT, "| %d%s | %d | %.4f | %.4f | %.4f | %.5f | %.1f |%n", r.epoch(),
                    r.epoch() == bestEpoch ? " (kept)" : "", r.steps(), r.trainLoss(), r.trainAccuracy(),
                    r.validationAccuracy(), r.learningRate(), r.seconds()));
        }
    }

    static void row(StringBuilder s, String key, String value) {
        s.append("| ").append(key).append(" | ").append(value.replace("|", "\\|")).append(" |\n");
    }

    static String percent(double value) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * value);
    }
}
