package org.quant4j.examples.tutorial;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.quant4j.api.data.Batch;
import org.quant4j.api.data.Dataset;

/**
 * The numbers the tutorial prints, computed without quant4j's evaluator: each model run by plain ONNX Runtime
 * (one session, input {@code input}, output {@code logits}, batches of 32 as the evaluator runs them: dynamic
 * INT8 quantizes each batch with its own activation range, so its results depend on the batch), the best class
 * taken by argmax here.
 */
final class OrtReference {

    /** Best class and label of every sample, the extremes of all logits, and the logits (sample-major). */
    record Outputs(int[] top1, int[] labels, float minLogit, float maxLogit, float[] logits) {

        /** 10 log10(sum r^2 / sum (r - q)^2) over every logit of the samples, r these, q {@code other}'s. */
        double sqnrOf(Outputs other) {
            double signal = 0;
            double noise = 0;
            for (int i = 0; i < logits.length; i++) {
                double r = logits[i];
                double q = other.logits[i];
                signal += r * r;
                noise += (r - q) * (r - q);
            }
            return 10 * Math.log10(signal / noise);
        }

        double accuracy() {
            int right = 0;
            for (int i = 0; i < top1.length; i++) {
                right += top1[i] == labels[i] ? 1 : 0;
            }
            return (double) right / top1.length;
        }
    }

    private OrtReference() {
    }

    static Outputs run(Path model, Dataset data) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int[] top1 = new int[data.size()];
        int[] labels = new int[data.size()];
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        float[] all = new float[data.size() * 10];
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(model.toString(), options)) {
                int n = 0;
                for (Iterator<Batch> it = data.batches(32); it.hasNext(); ) {
                    Batch batch = it.next();
                    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch.data()), batch.shape());
                         OrtSession.Result result = session.run(Map.of("input", input))) {
                        float[][] logits = (float[][]) result.get("logits").orElseThrow().getValue();
                        int[] batchLabels = batch.labels().orElseThrow();
                        for (int i = 0; i < batch.size(); i++, n++) {
                            int best = 0;
                            for (int c = 0; c < logits[i].length; c++) {
                                best = logits[i][c] > logits[i][best] ? c : best;
                                all[n * 10 + c] = logits[i][c];
                                min = Math.min(min, logits[i][c]);
                                max = Math.max(max, logits[i][c]);
                            }
                            top1[n] = best;
                            labels[n] = batchLabels[i];
                        }
                    }
                }
            }
        }
        return new Outputs(top1, labels, min, max, all);
    }
}
