package org.quant4j.api.evaluate;

import java.util.Map;
import org.quant4j.api.data.Tensor;

/**
 * A task metric of one sample, computed from the reference model's and the evaluated model's
 * outputs for that sample (decoded-string agreement of a recognizer, IoU of a detector's thresholded
 * map, say). A fidelity evaluation averages it over the samples and gives it a bootstrap confidence
 * interval, like its built-in statistics. Implementations are stateless or thread-confined.
 */
public interface SampleMetric {

    /**
     * A short name, unique within one request, e.g. {@code "string-agreement"}.
     *
     * @return the name
     */
    String name();

    /**
     * The metric of one sample.
     *
     * @param reference the reference model's float32 outputs by name, each of the sample's shape
     *                  (the batch axis removed)
     * @param candidate the evaluated model's outputs, of the same names and shapes
     * @return a finite score; the evaluation reports its mean over the samples
     */
    double score(Map<String, Tensor> reference, Map<String, Tensor> candidate);
}
