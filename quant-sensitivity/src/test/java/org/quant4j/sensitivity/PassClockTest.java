package org.quant4j.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The split of a pass into fixed and per-batch cost, on a clock whose readings the test gives. */
class PassClockTest {

    @Test
    void fixedCostIsWhatTheSteadyRateDoesNotExplain() {
        // Start 0; the evaluator reports 0 samples at 100 (before opening its session), then batches
        // of 100 done at 1,000 (the first, paying the session and first allocations), 1,200 and
        // 1,400 and a last batch of 50 at 1,500; the pass ends at 1,600.
        Iterator<Long> readings = List.of(0L, 100L, 1_000L, 1_200L, 1_400L, 1_500L, 1_600L).iterator();
        List<Long> forwarded = new ArrayList<>();
        PassClock clock = new PassClock((stage, done, total) -> forwarded.add(done), readings::next);
        for (long done : new long[] {0, 100, 200, 300, 350}) {
            clock.onProgress("fidelity", done, 350);
        }

        PassTime t = clock.stop(100).orElseThrow();

        assertEquals(List.of(0L, 100L, 200L, 300L, 350L), forwarded, "progress is passed on");
        // Steady: 500 ns for the 250 samples after the first batch, 2 ns a sample; fixed 1,600 - 350 x 2.
        assertEquals(Duration.ofNanos(1_600), t.total());
        assertEquals(Duration.ofNanos(900), t.fixed());
        assertEquals(Duration.ofNanos(200), t.perBatch());
        assertEquals(350, t.samples());
        assertEquals(4, t.batches());
    }

    @Test
    void oneBatchGivesNoSplit() {
        Iterator<Long> readings = List.of(0L, 10L, 20L).iterator();
        PassClock clock = new PassClock((stage, done, total) -> { }, readings::next);
        clock.onProgress("fidelity", 64, 64);

        Optional<PassTime> t = clock.stop(100);

        assertTrue(t.isEmpty());
    }
}
