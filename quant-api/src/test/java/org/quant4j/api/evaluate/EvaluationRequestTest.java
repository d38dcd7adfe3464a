package org.quant4j.api.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.TinyDataset;

class EvaluationRequestTest {

    private static final Path MODEL = Path.of("m.onnx");

    @Test
    void defaultsAreBatch32Top5BackendThreads() {
        EvaluationRequest r = EvaluationRequest.builder().model(MODEL).data(new TinyDataset(3, 2)).build();
        assertEquals(32, r.batchSize());
        assertEquals(5, r.topK());
        assertEquals(0, r.threads());
    }

    @Test
    void unlabelledDataIsRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> EvaluationRequest.builder().model(MODEL).data(new TinyDataset(3, 0)).build());
        assertTrue(e.getMessage().contains("labelled"), e.getMessage());
    }

    @Test
    void missingInputsAndBadNumbersAreRefused() {
        assertThrows(InvalidInputException.class, () -> EvaluationRequest.builder().data(new TinyDataset(1, 2)).build());
        assertThrows(InvalidInputException.class, () -> EvaluationRequest.builder().model(MODEL).build());
        assertThrows(InvalidInputException.class,
                () -> EvaluationRequest.builder().model(MODEL).data(new TinyDataset(1, 2)).topK(0).build());
        assertThrows(InvalidInputException.class,
                () -> EvaluationRequest.builder().model(MODEL).data(new TinyDataset(1, 2)).threads(-1).build());
    }
}
