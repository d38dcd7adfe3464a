package org.quant4j.onnxruntime.quantize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quant4j.api.ModelException;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.api.quantize.ProgressStages;
import org.quant4j.api.data.ModelBatches;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a float16 model and the float32 model it was converted from on the first batches of the
 * calibration data through ONNX Runtime, and refuses the float16 model when one of its outputs holds
 * inf or NaN where the float32 model's output is finite: a float16 model that breaks on the user's
 * own data is never written silently.
 */
final class Fp16OutputCheck {

    /** Batches of the data run through both models: enough to catch a systematic overflow, quick to run. */
    static final int BATCHES = 4;

    private static final Logger LOG = LoggerFactory.getLogger(Fp16OutputCheck.class);

    private Fp16OutputCheck() {
    }

    /**
     * Checks {@code fp16} against {@code fp32} on up to {@link #BATCHES} batches of {@code data}.
     *
     * @param listener told of the samples checked, as {@link ProgressStages#FP16_CHECK}
     * @return the number of samples checked
     * @throws ModelException naming each output with values that are not finite in float16 only, how
     *                        many, and what to do
     */
    static int check(OnnxModel fp32, OnnxModel fp16, Dataset data, int batchSize, RunnerOptions options,
            ProgressListener listener) {
        Map<String, long[]> broken = new LinkedHashMap<>();
        int samples = 0;
        try (OrtRunner reference = OrtRunner.open(fp32, options); OrtRunner converted = OrtRunner.open(fp16, options)) {
            ModelBatches batches = reference.batches(data, batchSize);
            // A model with a fixed batch runs whole batches only.
            long total = Math.min(batches.samples(), (long) BATCHES * batches.batchSize());
            listener.onProgress(ProgressStages.FP16_CHECK, 0, total);
            for (int b = 0; b < BATCHES && batches.hasNext(); b++) {
                NamedBatch batch = batches.next();
                Map<String, FloatTensor> expected = reference.run(batch);
                Map<String, FloatTensor> actual = converted.run(batch);
                samples += batch.size();
                listener.onProgress(ProgressStages.FP16_CHECK, samples, total);
                for (Map.Entry<String, FloatTensor> e : expected.entrySet()) {
                    FloatTensor half = actual.get(e.getKey());
                    if (half == null) {
                        continue;
                    }
                    long[] counts = broken.computeIfAbsent(e.getKey(), k -> new long[2]);
                    for (int i = 0; i < half.size(); i++) {
                        if (Float.isFinite(e.getValue().get(i))) {
                            counts[1]++;
                            if (!Float.isFinite(half.get(i))) {
                                counts[0]++;
                            }
                        }
                    }
                }
            }
        }
        List<String> failures = new ArrayList<>();
        broken.forEach((output, counts) -> {
            if (counts[0] > 0) {
                failures.add(String.format(java.util.Locale.ROOT, "'%s': %d of %d values (%.2f%%)", output, counts[0],
                        counts[1], 100.0 * counts[0] / counts[1]));
            }
        });
        if (!failures.isEmpty()) {
            throw new ModelException("The float16 model gives inf or NaN where the float32 model is finite, on the"
                    + " first " + samples + " calibration samples, at outputs " + String.join(", ", failures)
                    + ". No file was written. Keep the nodes that overflow in float32 with --exclude NODE or"
                    + " --exclude-op OP (quantize --details lists the nodes and the float16 range of those already"
                    + " kept), or leave this model in float32");
        }
        LOG.info("The float16 model's outputs are finite wherever the float32 model's are, on {} samples", samples);
        return samples;
    }
}
