package org.quant4j.onnxruntime.saturation;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.ModelBatches;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.api.quantize.ProgressStages;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.saturation.SaturationAnalysis;
import org.quant4j.onnx.saturation.SaturationReport;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

/** Runs the saturation analysis's {@link SaturationAnalysis.Probe} on data with ONNX Runtime. */
public final class DataSaturation {

    private DataSaturation() {
    }

    /** As {@link #onData(OnnxModel, Dataset, int, RunnerOptions, ProgressListener)}, reporting no progress. */
    public static SaturationReport onData(OnnxModel model, Dataset data, int maxSamples, RunnerOptions options) {
        return onData(model, data, maxSamples, options, ProgressListener.NONE);
    }

    /**
     * As {@link SaturationAnalysis#ofWeights}, plus what the AVX2 kernel does on the first
     * {@code maxSamples} samples of {@code data}.
     *
     * @param listener told of the samples run, as {@link ProgressStages#SATURATION}
     * @throws InvalidInputException when {@code maxSamples} is not positive
     */
    public static SaturationReport onData(OnnxModel model, Dataset data, int maxSamples, RunnerOptions options,
            ProgressListener listener) {
        if (maxSamples <= 0) {
            throw new InvalidInputException("The saturation analysis needs at least one sample, got " + maxSamples);
        }
        SaturationAnalysis.Probe probe = SaturationAnalysis.probe(model);
        if (probe.isEmpty()) {
            return probe.report();
        }
        try (OrtRunner runner = OrtRunner.open(probe.graph().toModel(), options)) {
            ModelBatches batches = runner.batches(data, Math.min(16, maxSamples));
            // A model with a fixed batch runs whole batches only.
            long total = Math.min(maxSamples, batches.samples());
            listener.onProgress(ProgressStages.SATURATION, 0, total);
            while (batches.hasNext() && probe.samples() < maxSamples) {
                NamedBatch batch = batches.next();
                probe.observe(runner.run(batch), Math.min(batch.size(), maxSamples - probe.samples()));
                listener.onProgress(ProgressStages.SATURATION, Math.min(probe.samples(), total), total);
            }
        }
        return probe.report();
    }
}
