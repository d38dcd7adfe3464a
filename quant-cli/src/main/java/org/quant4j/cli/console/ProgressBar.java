package org.quant4j.cli.console;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.quant4j.api.quantize.ProgressListener;

/**
 * A one-line progress bar on stderr, redrawn in place with a carriage return:
 * {@code calibration [=========>          ]  256/500  51%  1.2s  eta 1.1s}. It draws only when
 * enabled (stderr is a terminal), so redirected output never holds bar fragments. Redraws are
 * limited to one per {@value #REDRAW_MILLIS} ms; the last state of a stage is always drawn and ends
 * the line. While a stage waits for its next count (one ONNX Runtime run of a large batch can take
 * a minute), a daemon thread redraws it every {@value #TICK_MILLIS} ms with the time so far, so the
 * console never looks stuck. Thread-safe. Close it when the task ends, also when it fails, so that
 * the next message starts on a fresh line and the ticking stops.
 */
public final class ProgressBar implements ProgressListener, AutoCloseable {

    /** Shortest time between two redraws. */
    public static final long REDRAW_MILLIS = 100;

    /** Time between two redraws of a stage whose count has not changed. */
    public static final long TICK_MILLIS = 1000;

    private static final int BAR_WIDTH = 30;

    private final PrintWriter err;
    private final boolean enabled;
    private final LongSupplier nanoClock;
    private final boolean ticking;
    private String stage;
    private long stageStart;
    private long lastDraw;
    private int drawnLength;
    private boolean lineOpen;
    private long done;
    private long total;
    private ScheduledExecutorService ticker;
    private final Map<String, Long> starts = new HashMap<>();

    /** A bar writing to {@code err} when {@code enabled}, timed with {@link System#nanoTime()}. */
    public ProgressBar(PrintWriter err, boolean enabled) {
        this(err, enabled, System::nanoTime, true);
    }

    /** A bar with its own clock and no ticker thread, for tests (they call {@link #tick()}). */
    ProgressBar(PrintWriter err, boolean enabled, LongSupplier nanoClock) {
        this(err, enabled, nanoClock, false);
    }

    private ProgressBar(PrintWriter err, boolean enabled, LongSupplier nanoClock, boolean ticking) {
        this.err = Objects.requireNonNull(err, "err");
        this.enabled = enabled;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.ticking = ticking;
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
            // A stage that resumes after inner ones (compare's "quantize" around each method's steps)
            // keeps its clock, so its time and estimate count from its first report.
            this.stageStart = starts.computeIfAbsent(stage, s -> now);
        } else if (lineOpen && now - lastDraw < REDRAW_MILLIS * 1_000_000L && !(total >= 0 && done >= total)) {
            return;
        }
        this.done = done;
        this.total = total;
        draw(now);
        if (total >= 0 && done >= total) {
            endLine();
        } else {
            err.flush();
            startTicking();
        }
    }

    /** Redraws the open line with the time so far; called by the ticker thread. */
    synchronized void tick() {
        if (lineOpen) {
            draw(nanoClock.getAsLong());
            err.flush();
        }
    }

    private void draw(long now) {
        String text = render(stage, done, total, now - stageStart);
        err.print('\r' + text + " ".repeat(Math.max(0, drawnLength - text.length())));
        drawnLength = text.length();
        lastDraw = now;
        lineOpen = true;
    }

    private void startTicking() {
        if (ticking && ticker == null) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "quant4j-progress");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Ends the bar's line, if one is open, and stops the ticking. */
    @Override
    public synchronized void close() {
        endLine();
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
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
