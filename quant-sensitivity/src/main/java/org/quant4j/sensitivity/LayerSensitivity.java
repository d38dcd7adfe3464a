package org.quant4j.sensitivity;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the analysis measured for one quantizable layer.
 *
 * @param node          the node's name
 * @param opType        its op type
 * @param depth         its position among the layers, in graph order from 0
 * @param oneOn         only this layer in INT8: the drop against the float model; empty when not run
 *                      or when the layer alone quantizes nothing (it reads only float tensors when
 *                      every other layer is float)
 * @param oneOff        every layer in INT8 but this one: the drop against the float model; empty when
 *                      not run
 * @param recovery      the full INT8 model's drop minus the one-off drop: how much keeping this layer
 *                      in float recovers; empty when one-off was not run
 * @param sqnrAccumulated SQNR in dB of the layer's quantized output in the INT8 model against the
 *                      float model's, errors of every layer before it included; empty when not measured
 * @param sqnrLocal     SQNR in dB of the layer run in INT8 on the float model's inputs; empty when not
 *                      measured
 * @param weightSqnr    SQNR in dB of each output channel of the layer's weight; empty without a weight
 * @param gradient      the gradient estimate: predicted increase of the objective's loss when the
 *                      layer's weight is quantized ({@code GradientEstimate}); empty when not asked
 *                      for, when the estimator could not run the model, or without a quantized weight
 */
public record LayerSensitivity(String node, String opType, int depth, Optional<VariantScore> oneOn,
        Optional<VariantScore> oneOff, OptionalDouble recovery, OptionalDouble sqnrAccumulated,
        OptionalDouble sqnrLocal, double[] weightSqnr, OptionalDouble gradient) {

    /** A layer without a gradient estimate. */
    public LayerSensitivity(String node, String opType, int depth, Optional<VariantScore> oneOn,
            Optional<VariantScore> oneOff, OptionalDouble recovery, OptionalDouble sqnrAccumulated,
            OptionalDouble sqnrLocal, double[] weightSqnr) {
        this(node, opType, depth, oneOn, oneOff, recovery, sqnrAccumulated, sqnrLocal, weightSqnr,
                OptionalDouble.empty());
    }

    public LayerSensitivity {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(opType, "opType");
        Objects.requireNonNull(oneOn, "oneOn");
        Objects.requireNonNull(oneOff, "oneOff");
        Objects.requireNonNull(recovery, "recovery");
        Objects.requireNonNull(sqnrAccumulated, "sqnrAccumulated");
        Objects.requireNonNull(sqnrLocal, "sqnrLocal");
        weightSqnr = weightSqnr.clone();
        Objects.requireNonNull(gradient, "gradient");
    }

    @Override
    public double[] weightSqnr() {
        return weightSqnr.clone();
    }

    /** The lowest channel SQNR of the weight, empty without a weight. */
    public OptionalDouble weightSqnrMin() {
        return Arrays.stream(weightSqnr).min();
    }

    /** The one-on drop's estimate, NaN when one-on was not run. */
    double oneOnDrop() {
        return oneOn.map(s -> s.drop().estimate()).orElse(Double.NaN);
    }
}
