package org.quant4j.cli.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private static final long MS = 1_000_000L;

    @Test
    void rendersHalfDoneWithTheEstimatedTimeLeft() {
        // 256 of 512 in 2 s: 15 of 30 cells filled, the head in the 16th; 2 s left at that rate.
        assertEquals("calibration [===============>              ] 256/512  50%  2.0 s  eta 2.0 s",
                ProgressBar.render("calibration", 256, 512, 2000 * MS));
    }

    @Test
    void rendersCompletionWithAFullBarAndNoEstimate() {
        assertEquals("evaluation [==============================] 10,000/10,000 100%  1 min 05 s",
                ProgressBar.render("evaluation", 10_000, 10_000, 65_000 * MS));
    }

    @Test
    void rendersAnUnknownTotalAsACount() {
        assertEquals("calibration  1,234  850 ms", ProgressBar.render("calibration", 1234, -1, 850 * MS));
    }

    @Test
    void aDisabledBarPrintsNothing() {
        StringWriter text = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(text), false)) {
            bar.onProgress("calibration", 0, 10);
            bar.onProgress("calibration", 10, 10);
        }
        assertEquals("", text.toString());
    }

    @Test
    void redrawsInPlaceAtMostEveryHundredMillisecondsAndEndsTheLineWhenDone() {
        StringWriter text = new StringWriter();
        AtomicLong now = new AtomicLong();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(text), true, now::get)) {
            bar.onProgress("s", 0, 4);
            now.set(50 * MS);
            bar.onProgress("s", 1, 4);
            now.set(150 * MS);
            bar.onProgress("s", 2, 4);
            now.set(160 * MS);
            bar.onProgress("s", 4, 4);
        }
        String first = ProgressBar.render("s", 0, 4, 0);
        String second = ProgressBar.render("s", 2, 4, 150 * MS);
        String last = ProgressBar.render("s", 4, 4, 160 * MS);
        // Each redraw pads with spaces over what is left of a longer previous text (the estimate).
        String expected = "\r" + first + "\r" + second + "\r" + last
                + " ".repeat(second.length() - last.length()) + System.lineSeparator();
        assertEquals(expected, text.toString());
    }

    @Test
    void closingEndsAnUnfinishedLine() {
        StringWriter text = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(text), true, () -> 0L)) {
            bar.onProgress("s", 1, 4);
        }
        assertEquals("\r" + ProgressBar.render("s", 1, 4, 0) + System.lineSeparator(), text.toString());
    }

    @Test
    void aTickRedrawsAWaitingStageWithTheTimeSoFarAndNothingOnceItEnded() {
        StringWriter text = new StringWriter();
        AtomicLong now = new AtomicLong();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(text), true, now::get)) {
            bar.onProgress("calibration", 0, 64);
            now.set(30_000 * MS);
            bar.tick();
            now.set(40_000 * MS);
            bar.onProgress("calibration", 64, 64);
            now.set(50_000 * MS);
            bar.tick();
        }
        String first = ProgressBar.render("calibration", 0, 64, 0);
        String waiting = ProgressBar.render("calibration", 0, 64, 30_000 * MS);
        String last = ProgressBar.render("calibration", 64, 64, 40_000 * MS);
        assertEquals("\r" + first + "\r" + waiting + "\r" + last
                + " ".repeat(Math.max(0, waiting.length() - last.length())) + System.lineSeparator(), text.toString());
    }

    @Test
    void aStageThatResumesAfterAnInnerOneKeepsItsClock() {
        StringWriter text = new StringWriter();
        AtomicLong now = new AtomicLong();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(text), true, now::get)) {
            bar.onProgress("quantize", 0, 2);
            now.set(1_000 * MS);
            bar.onProgress("calibration a", 4, 4);
            now.set(3_000 * MS);
            bar.onProgress("quantize", 1, 2);
        }
        assertTrue(text.toString().endsWith("\r" + ProgressBar.render("quantize", 1, 2, 3_000 * MS)
                + System.lineSeparator()), text.toString());
    }
}
