package org.quant4j.qat.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.quant4j.api.evaluate.EvaluationResult;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.qat.cost.ModelCost;

/** The committed reference models load and reach the accuracy their cards state, on all 10,000 test images. */
class ReferenceModelsTest {

    static Path directory() {
        return Path.of(System.getProperty("quant4j.referenceModelDir", "../" + ReferenceModel.DIRECTORY));
    }

    @ParameterizedTest
    @EnumSource(ReferenceModel.class)
    void committedModelReachesItsCardsAccuracy(ReferenceModel model) throws IOException {
        Path onnx = directory().resolve(model.modelFileName());
        Path card = directory().resolve(model.cardFileName());
        assertTrue(Files.isRegularFile(onnx) && Files.isRegularFile(card), "missing " + onnx + " or " + card
                + "; retrain with " + ModelCard.RETRAIN_COMMAND.replace("ID", model.id()));
        String markdown = Files.readString(card);
        assertTrue(markdown.contains(TrainReference.sha256(onnx)), "the card names another file than " + onnx);

        EvaluationResult result = TrainReference.evaluate(onnx, FashionMnist.test());
        // One image either way: ONNX Runtime versions may break a near-tie differently.
        assertEquals(ModelCard.testAccuracyOf(markdown), result.top1(), 1.5e-4);
        assertTrue(Files.size(onnx) < 8L << 20, onnx + " is " + Files.size(onnx) + " bytes");
        ModelCost cost = ModelCost.of(OnnxModel.read(onnx));
        assertTrue(markdown.contains(String.format(java.util.Locale.ROOT, "%,d", cost.parameters())), markdown);
    }
}
