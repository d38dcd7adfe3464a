package org.quant4j.cli.console;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.quant4j.api.quantize.ProgressListener;

/**
 * A one-line progress bar on stderr, redrawn in place with a carriage return:
 * {@code calibration [=========>          ]  256/500  51%  1.2s  eta 1.1s}. It draws only when
 * enabled (stderr is a terminal), so redirected output never holds bar fragments. Redraws are
 * limited to one per {@value #REDRAW_MILLIS} ms; the last state of a stage is always drawn and ends
 * the line. Thread-safe. Close it when the task ends, also when it fails, so that the next message
 * starts on a fresh line.
 */
public final class ProgressBar implements ProgressListener, AutoCloseable {

    /** Shortest time between two redraws. */
    public static final long REDRAW_MILLIS = 100;

    private static final int BAR_WIDTH = 30;

    private final PrintWriter err;
    private final boolean enabled;
    private final LongSupplier nanoClock;
    private String stage;
    private long stageStart;
    private long lastDraw;
    private int drawnLength;
    private boolean lineOpen;

    /** A bar writing to {@code err} when {@code enabled}, timed with {@link System#nanoTime()}. */
    public ProgressBar(PrintWriter err, boolean enabled) {
        this(err, enabled, System::nanoTime);
    }

    /** A bar with its own clock, for tests. */
    ProgressBar(PrintWriter err, boolean enabled, LongSupplier nanoClock) {
        this.err = Objects.requireNonNull(err, "err");
        this.enabled = enabled;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    @Override
    public synchronized void onProgress(String stage, long done, long total) {
        if (!enabled) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (!stage.equals(this.stage)) {
            endLine();
            this.stage = stage;
            this.stageStart = now;
        } else if (lineOpen && now - lastDraw < REDRAW_MILLIS * 1_000_000L && !(total >= 0 && done >= total)) {
            return;
        }
        String text = render(stage, done, total, now - stageStart);
        err.print('\r' + text + " ".repeat(Math.max(0, drawnLength - text.length())));
        drawnLength = text.length();
        lastDraw = now;
        lineOpen = true;
        if (total >= 0 && done >= total) {
            endLine();
        } else {
            err.flush();
        }
    }

    /** Ends the bar's line, if one is open. */
    @Override
    public synchronized void close() {
        endLine();
    }

    private void endLine() {
        if (lineOpen) {
            err.println();
            err.flush();
            lineOpen = false;
            drawnLength = 0;
        }
    }

    /**
     * The text of the bar: stage, bar, counts, percentage, elapsed time and, once something is done,
     * the estimated time left. With an unknown total ({@code total < 0}) only the count and time.
     */
    static String render(String stage, long done, long total, long elapsedNanos) {
        String elapsed = Formats.duration(elapsedNanos);
        if (total < 0) {
            return String.format(Locale.ROOT, "%s  %,d  %s", stage, done, elapsed);
        }
        double fraction = total == 0 ? 1.0 : Math.min(1.0, Math.max(0.0, (double) done / total));
        int filled = (int) Math.floor(fraction * BAR_WIDTH);
        StringBuilder bar = new StringBuilder(BAR_WIDTH);
        for (int i = 0; i < BAR_WIDTH; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        if (filled >= BAR_WIDTH) {
            bar.setCharAt(BAR_WIDTH - 1, '=');
        }
        String text = String.format(Locale.ROOT, "%s [%s] %,d/%,d %3d%%  %s", stage, bar, done, total,
                (int) Math.floor(fraction * 100), elapsed);
        if (done > 0 && done < total) {
            long left = (long) (elapsedNanos * ((double) (total - done) / done));
            text += "  eta " + Formats.duration(left);
        }
        return text;
    }
}
