package org.quant4j.mixedprecision;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What every search works from: the layers in graph order, each one's measured costs, the budget and
 * the evaluator that builds and measures assignments.
 *
 * @param costs     the cost of each layer's choices, in graph order
 * @param shared    the boundaries two float layers share, each a correction to the sum of their costs
 * @param budget    the largest drop allowed
 * @param evaluator builds and measures assignments
 * @param seed      seed of the evolutionary search
 */
record SearchSpace(List<LayerCost> costs, List<SharedBoundaries.Shared> shared, double budget, AssignmentEvaluator evaluator, long seed) {

    SearchSpace {
        costs = List.copyOf(costs);
        shared = List.copyOf(shared);
    }

    List<String> layers() {
        return costs.stream().map(LayerCost::layer).toList();
    }

    /**
     * The starting INT8 model: per channel, or per tensor for a layer whose per-tensor form measured
     * faster without a larger predicted drop.
     */
    Assignment fastestInt8() {
        Assignment a = Assignment.uniform(layers(), LayerChoice.INT8_PER_CHANNEL);
        for (LayerCost c : costs) {
            if (c.choices().contains(LayerChoice.INT8_PER_TENSOR) && c.latency(LayerChoice.INT8_PER_TENSOR) < 0
                    && c.drop(LayerChoice.INT8_PER_TENSOR) <= c.drop(LayerChoice.INT8_PER_CHANNEL)) {
                a = a.with(c.layer(), LayerChoice.INT8_PER_TENSOR);
            }
        }
        return a;
    }

    /**
     * The layers with a weight (Conv, ConvTranspose, MatMul, Gemm) INT8 per channel, every other layer
     * (elementwise ops, pools, Concat) at its {@link #fallback} (float, or float16 where offered): few, large INT8 regions, each a weighted layer with one
     * QuantizeLinear before it and one DequantizeLinear after it. On ONNX Runtime's CPU kernels this is
     * where INT8 speed comes from (the weighted layers) while the elementwise layers, cheap in float,
     * stay where a scattered INT8 island costs more in boundaries than it saves; on the OCR detector
     * of the corpus every INT8 Add or Mul also cost most of the accuracy (docs/MODELS.md).
     */
    Assignment weightedInt8() {
        Assignment a = perChannel();
        for (LayerCost c : costs) {
            if (!c.hasWeight()) {
                a = a.with(c.layer(), fallback(c));
            }
        }
        return a;
    }

    /**
     * Where a layer goes when it leaves INT8: float16 when the backend runs it fast
     * ({@link LayerChoice#FP16} measured for the layer), its measured float16 drop alone is within the
     * budget and float16 measured cheaper than float; else float.
     */
    LayerChoice fallback(LayerCost c) {
        if (c.choices().contains(LayerChoice.FP16) && c.drop(LayerChoice.FP16) <= budget
                && c.latency(LayerChoice.FP16) < c.latency(LayerChoice.FLOAT)) {
            return LayerChoice.FP16;
        }
        return LayerChoice.FLOAT;
    }

    /** Every layer at its {@link #fallback}: all float unless the backend offers float16. */
    Assignment allFallback() {
        Assignment a = allFloat();
        for (LayerCost c : costs) {
            a = a.with(c.layer(), fallback(c));
        }
        return a;
    }

    /** Every layer INT8 per channel: the plain static INT8 model, a candidate of every search. */
    Assignment perChannel() {
        return Assignment.uniform(layers(), LayerChoice.INT8_PER_CHANNEL);
    }

    Assignment allFloat() {
        return Assignment.uniform(layers(), LayerChoice.FLOAT);
    }

    /**
     * The assignment's predicted latency change against every layer per channel, in microseconds: the
     * sum of its layers' costs, each boundary two float layers share counted once.
     */
    double predictedLatency(Assignment a) {
        return predictedLatency(costs, shared, a);
    }

    static double predictedLatency(List<LayerCost> costs, List<SharedBoundaries.Shared> shared, Assignment a) {
        double sum = costs.stream().mapToDouble(c -> c.latency(a.of(c.layer()))).sum();
        for (SharedBoundaries.Shared s : shared) {
            if (a.of(s.first()) == LayerChoice.FLOAT && a.of(s.second()) == LayerChoice.FLOAT) {
                sum += s.micros();
            }
        }
        return sum;
    }

    /**
     * Of the assignments measured on the whole validation split, the fastest within the budget, else
     * the one of smallest drop.
     */
    Evaluated best(List<Evaluated> measured) {
        Optional<Evaluated> fastest = measured.stream().filter(e -> e.within(budget))
                .min(Comparator.comparingDouble(Evaluated::latencyMicros).thenComparing(e -> e.assignment().key()));
        return fastest.orElseGet(() -> measured.stream().min(Comparator.comparingDouble((Evaluated e) -> e.drop()
                .estimate()).thenComparing(e -> e.assignment().key())).orElseThrow());
    }
}
