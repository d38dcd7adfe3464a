package org.quant4j.cli.options;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.calibration.cache.CachedDataset;
import org.quant4j.calibration.cache.CalibrationCache;
import picocli.CommandLine.Option;

/**
 * {@code --no-cache}, and the calibration cache behind it: the selected calibration samples are
 * read, decoded and preprocessed once, kept in the cache root's {@code calibration} directory by
 * their fingerprint (source, transform, selection), and read from there by later runs. What
 * happened is {@link #json()} and, when the cache was hit, one line on stderr.
 */
public final class CacheOptions {

    @Option(names = "--no-cache",
            description = "Read the calibration samples from --data every time instead of from the calibration cache"
                    + " (~/.cache/quant4j/calibration, or -Dquant4j.cache.dir).")
    private boolean noCache;

    private String status = "off";
    private String reason = "--no-cache";
    private CachedDataset entry;

    /**
     * {@code samples} through the cache: from it when it holds them (a hit), else written to it
     * first; {@code samples} itself with {@code --no-cache} or when the cache cannot hold them
     * (named or typed inputs, samples of several shapes). An entry is never written over a file of
     * {@code reads} (the run's model, data, labels; the cache directory itself, which
     * {@link #inputs()} adds for the run's other outputs, is where entries belong).
     */
    public Dataset apply(Dataset samples, List<OutputTarget.Input> reads) {
        if (noCache) {
            return samples;
        }
        if (!samples.inputs().isEmpty() || samples.sampleShapes().groups().size() > 1) {
            status = "not used";
            reason = samples.inputs().isEmpty() ? "the samples have several shapes"
                    : "the samples have named or typed inputs";
            return samples;
        }
        List<OutputTarget.Input> own = inputs();
        CalibrationCache.Lookup lookup = CalibrationCache.inDefaultDirectory().lookup(samples,
                reads.stream().filter(input -> !own.contains(input)).toList());
        entry = lookup.dataset();
        status = lookup.hit() ? "hit" : "written";
        reason = null;
        return samples.batchAxes().isEmpty() ? entry : entry.withBatchAxes(samples.batchAxes());
    }

    /** The calibration cache's directory as an input no output may replace; empty with {@code --no-cache}. */
    public List<OutputTarget.Input> inputs() {
        return noCache ? List.of() : List.of(new OutputTarget.Input(
                CalibrationCache.inDefaultDirectory().directory(), "the calibration cache directory"));
    }

    /** Whether the samples were read from the cache. */
    public boolean hit() {
        return "hit".equals(status);
    }

    /** Prints {@code calibration cache: ...} on {@code err} when the samples came from the cache. */
    public void reportHit(PrintWriter err) {
        if (hit()) {
            err.println("calibration cache: read " + entry.size() + " preprocessed samples from " + entry.file()
                    + " (--no-cache reads --data instead)");
            err.flush();
        }
    }

    /** {@code {"status": hit|written|off|not used, "file": .., "reason": ..}} for {@code --json}. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        if (entry != null) {
            m.put("file", entry.file().toString());
        }
        if (reason != null) {
            m.put("reason", reason);
        }
        return m;
    }
}
