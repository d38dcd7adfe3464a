package org.quant4j.qat.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.qat.TinyModels;

class TrainReferenceTest {

    @Test
    void shortRunWritesModelAndCardWhoseAccuracyIsTheModels(@TempDir Path dir) throws IOException {
        ModelCard card = TrainReference.run(ReferenceModel.RESNET, TinyModels.resNet(),
                TinyModels.shortRun(3).build(), FashionMnist.directory(), dir);
        Path onnx = dir.resolve("fashion-resnet.onnx");
        String markdown = Files.readString(dir.resolve("fashion-resnet.md"));
        assertEquals(card.testAccuracy(), ModelCard.testAccuracyOf(markdown), 1e-4);
        assertEquals(10_000, card.testImages());
        assertEquals(TrainReference.sha256(onnx), card.modelSha256());
        assertEquals(2, card.history().size());
        assertTrue(markdown.contains("exec:exec -Dreference=resnet"), markdown);
        assertEquals("fashion_resnet", OnnxModel.read(onnx).proto().getGraph().getName());
        // The ONNX and DJL accuracies of the same parameters agree (equal up to rare near-ties).
        assertEquals(card.djlTestAccuracy(), card.testAccuracy(), 0.002);
    }

    @Test
    void missingDatasetNamesTheDebianPackage(@TempDir Path empty) {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TrainReference.run(ReferenceModel.VGG, empty, empty));
        assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
    }

    @Test
    void unknownReferenceNameListsTheKnownOnes() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ReferenceModel.byId("lenet"));
        assertTrue(e.getMessage().contains("resnet, vgg, efficientnet"), e.getMessage());
        assertEquals(ReferenceModel.EFFICIENTNET, ReferenceModel.byId(" EfficientNet "));
    }
}
