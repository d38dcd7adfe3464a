package org.quant4j.onnxruntime.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.QuantException;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.evaluate.TimedSession;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.OnnxModel;

class OrtTimedSessionTest {

    @TempDir
    Path dir;

    @Test
    void timesEachIterationOfTheModelsOwnSampleShape() {
        Path model = dir.resolve("cnn.onnx");
        OnnxModel.of(ReferenceGraphs.smallCnn(1)).write(model);
        try (Evaluator evaluator = Evaluators.get("onnxruntime"); TimedSession session = evaluator.openTimed(model, 1)) {
            assertArrayEquals(new int[] {1, 28, 28}, session.sampleShape());
            double[] millis = session.time(4, 2, 5);
            assertEquals(5, millis.length);
            for (double m : millis) {
                assertTrue(m > 0 && Double.isFinite(m), "run time " + m);
            }
            assertEquals(3, session.time(1, 0, 3).length);
        }
    }

    @Test
    void closingTwiceIsHarmlessAndUseAfterCloseIsRefused() {
        Path model = dir.resolve("mlp.onnx");
        OnnxModel.of(ReferenceGraphs.mlp(1)).write(model);
        TimedSession session = OrtTimedSession.open(model, 1);
        session.close();
        session.close();
        assertThrows(IllegalStateException.class, () -> session.time(1, 0, 1));
    }

    @Test
    void badArgumentsAreRefused() {
        Path model = dir.resolve("mlp.onnx");
        OnnxModel.of(ReferenceGraphs.mlp(1)).write(model);
        try (TimedSession session = OrtTimedSession.open(model, 1)) {
            assertThrows(IllegalArgumentException.class, () -> session.time(0, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> session.time(1, 0, 0));
        }
    }

    @Test
    void anEvaluatorWithoutTimingSaysWhichOneCan() {
        Evaluator plain = new Evaluator() {
            @Override
            public String name() {
                return "plain";
            }

            @Override
            public org.quant4j.api.evaluate.EvaluationResult evaluate(
                    org.quant4j.api.evaluate.EvaluationRequest request) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
        QuantException e = assertThrows(QuantException.class, () -> plain.openTimed(dir.resolve("m.onnx"), 1));
        assertTrue(e.getMessage().contains("quant-onnxruntime"), e.getMessage());
    }
}
