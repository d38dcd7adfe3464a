package org.quant4j.api.evaluate;

import java.util.Objects;
import java.util.Optional;
import org.quant4j.api.stats.ConfidenceInterval;

/**
 * How closely one output tensor of a model follows the same output of its reference model on the
 * same samples, each statistic with a bootstrap confidence interval over samples.
 *
 * @param name                the output's name
 * @param sampleShape         the shape of one sample's output (the batch axis removed) in the
 *                            first batch, e.g. {@code [10]} or {@code [T, C]}
 * @param sqnrDb              signal-to-quantization-noise ratio {@code 10 log10(sum r^2 / sum (r - c)^2)}
 *                            pooled over every element of the samples, in dB; {@code +inf} when
 *                            the outputs are identical
 * @param cosine              mean over samples of the cosine similarity of the flattened outputs
 *                            (1 for two zero outputs, 0 when only one is zero)
 * @param maxAbsError         largest absolute difference of any element
 * @param meanAbsError        mean absolute difference over every element
 * @param argmaxAxis          the axis of the full output (batch axis 0) the argmax is taken along,
 *                            non-negative, or -1 when the output has no axis but the batch axis
 * @param argmaxAgreement     share of argmax positions (every index of the other axes) where the
 *                            two models' argmax agree; empty when there is no argmax axis
 * @param sequenceAgreement   share of samples whose argmax agrees at every position (equal to
 *                            {@code argmaxAgreement} for a {@code [N, C]} output); empty when there
 *                            is no argmax axis
 * @param nonFiniteValues     elements of the evaluated model's output that are inf or NaN where
 *                            the reference's are finite; their errors count as infinite
 */
public record OutputFidelity(String name, long[] sampleShape, ConfidenceInterval sqnrDb, ConfidenceInterval cosine,
        ConfidenceInterval maxAbsError, ConfidenceInterval meanAbsError, int argmaxAxis,
        Optional<ConfidenceInterval> argmaxAgreement, Optional<ConfidenceInterval> sequenceAgreement,
        long nonFiniteValues) {

    /**
     * Checks that no statistic is null and copies the shape.
     *
     * @param name                the output's name
     * @param sampleShape         the shape of one sample's output (the batch axis removed) in the
     *                            first batch, e.g. {@code [10]} or {@code [T, C]}
     * @param sqnrDb              signal-to-quantization-noise ratio {@code 10 log10(sum r^2 / sum (r - c)^2)}
     *                            pooled over every element of the samples, in dB; {@code +inf} when
     *                            the outputs are identical
     * @param cosine              mean over samples of the cosine similarity of the flattened outputs
     *                            (1 for two zero outputs, 0 when only one is zero)
     * @param maxAbsError         largest absolute difference of any element
     * @param meanAbsError        mean absolute difference over every element
     * @param argmaxAxis          the axis of the full output (batch axis 0) the argmax is taken along,
     *                            non-negative, or -1 when the output has no axis but the batch axis
     * @param argmaxAgreement     share of argmax positions (every index of the other axes) where the
     *                            two models' argmax agree; empty when there is no argmax axis
     * @param sequenceAgreement   share of samples whose argmax agrees at every position (equal to
     *                            {@code argmaxAgreement} for a {@code [N, C]} output); empty when there
     *                            is no argmax axis
     * @param nonFiniteValues     elements of the evaluated model's output that are inf or NaN where
     *                            the reference's are finite; their errors count as infinite
     * @throws NullPointerException when a statistic or the name is null
     */
    public OutputFidelity {
        Objects.requireNonNull(name, "name");
        sampleShape = sampleShape.clone();
        Objects.requireNonNull(sqnrDb, "sqnrDb");
        Objects.requireNonNull(cosine, "cosine");
        Objects.requireNonNull(maxAbsError, "maxAbsError");
        Objects.requireNonNull(meanAbsError, "meanAbsError");
        Objects.requireNonNull(argmaxAgreement, "argmaxAgreement");
        Objects.requireNonNull(sequenceAgreement, "sequenceAgreement");
    }

    /**
     * The shape of one sample's output in the first batch, without the batch axis.
     *
     * @return a copy of the shape
     */
    @Override
    public long[] sampleShape() {
        return sampleShape.clone();
    }
}
