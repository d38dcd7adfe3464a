package org.quant4j.onnxruntime.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Batch;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.OnnxModel;

class LatencyMeterTest {

    @Test
    void summaryHasNearestRankPercentilesAndThroughput() {
        LatencyReport r = LatencyMeter.summarize(4, new long[] {50, 10, 40, 20, 30, 60, 70, 80, 90, 100});
        assertEquals(10, r.minNanos());
        assertEquals(55, r.medianNanos());
        assertEquals(90, r.p90Nanos());
        assertEquals(55, r.meanNanos());
        // 10 runs of 4 samples in 550 ns
        assertEquals(40 / 550e-9, r.samplesPerSecond(), 1e-3);

        LatencyReport odd = LatencyMeter.summarize(1, new long[] {3, 1, 2});
        assertEquals(2, odd.medianNanos());
        assertEquals(3, odd.p90Nanos());
    }

    @Test
    void warmUpRunsAreNotTimed() {
        AtomicInteger calls = new AtomicInteger();
        LatencyReport r = new LatencyMeter(3, 7).measure(2, calls::incrementAndGet);
        assertEquals(10, calls.get());
        assertEquals(7, r.iterations());
        assertEquals(2, r.samplesPerRun());
        assertTrue(r.minNanos() <= r.medianNanos() && r.medianNanos() <= r.p90Nanos());
        assertThrows(InvalidInputException.class, () -> new LatencyMeter(0, 0));
    }

    @Test
    void measuresAModelRun() {
        try (OrtRunner runner = OrtRunner.open(OnnxModel.of(ReferenceGraphs.mlp(1)), RunnerOptions.defaults())) {
            Batch batch = new Batch(new float[2 * 784], 2, new int[] {1, 28, 28}, Optional.empty());
            LatencyReport r = new LatencyMeter(1, 3).measure(runner, batch);
            assertEquals(3, r.iterations());
            assertEquals(2, r.samplesPerRun());
            assertTrue(r.samplesPerSecond() > 0);
        }
    }
}
