package org.quant4j.api.quantize;

/** Receives progress of a long task (calibration, evaluation) so that a CLI can draw a bar. */
@FunctionalInterface
public interface ProgressListener {

    /** Ignores all progress. */
    ProgressListener NONE = (stage, done, total) -> { };

    /**
     * @param stage what is running, e.g. {@code "calibration"}
     * @param done  units finished so far (samples, batches)
     * @param total units in all, or -1 when unknown
     */
    void onProgress(String stage, long done, long total);
}
