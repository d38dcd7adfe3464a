package org.quant4j.api.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.TinyDataset;

class FidelityRequestTest {

    private static FidelityRequest.Builder request() {
        return FidelityRequest.builder().model(Path.of("int8.onnx")).reference(Path.of("fp32.onnx"))
                .data(new TinyDataset(3, 2));
    }

    @Test
    void oneRunAtATimeByDefault() {
        assertEquals(1, request().build().parallelRuns());
        assertEquals(4, request().parallelRuns(4).build().parallelRuns());
    }

    @Test
    void parallelRunsBelowOneAreRefusedWithTheFix() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> request().parallelRuns(0).build());
        assertTrue(e.getMessage().contains("Parallel runs must be > 0") && e.getMessage().contains("got 0"),
                e.getMessage());
    }
}
