package org.quant4j.onnxruntime.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@link OrtEvaluator#runConcurrently}: order of the results, and what a failed run leaves behind. */
class ConcurrentRunsTest {

    @Test
    void resultsAreConsumedInTheOrderOfTheBatchesWhicheverRunEndsFirst() {
        List<Integer> consumed = new ArrayList<>();
        // Earlier batches sleep longer, so that later ones finish first.
        OrtEvaluator.runConcurrently(IntStream.range(0, 9).boxed().iterator(), 3, i -> {
            sleep(2 * (9 - i));
            return i * i;
        }, consumed::add);
        assertEquals(List.of(0, 1, 4, 9, 16, 25, 36, 49, 64), consumed);
    }

    @Test
    void aFailedRunIsThrownAfterTheRunsInFlightHaveEnded() throws Exception {
        AtomicInteger running = new AtomicInteger();
        CountDownLatch slowStarted = new CountDownLatch(1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> OrtEvaluator.runConcurrently(
                IntStream.range(0, 100).boxed().iterator(), 2, i -> {
                    running.incrementAndGet();
                    try {
                        if (i == 0) {
                            assertTrue(slowStarted.await(10, TimeUnit.SECONDS));
                            throw new IllegalStateException("run 0 failed");
                        }
                        slowStarted.countDown();
                        // Like a run inside ONNX Runtime, it cannot be interrupted.
                        uninterruptibleSleep(300);
                        return i;
                    } catch (InterruptedException ex) {
                        throw new AssertionError(ex);
                    } finally {
                        running.decrementAndGet();
                    }
                }, x -> { }));
        assertEquals("run 0 failed", e.getMessage());
        // The slow run 1 was in flight when run 0 failed: the call returned only once it had ended, so
        // that the caller may close the sessions; no later batch was started.
        assertEquals(0, running.get());
    }

    private static void uninterruptibleSleep(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        boolean interrupted = false;
        while (System.nanoTime() < end) {
            try {
                Thread.sleep(Math.max(1, (end - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
