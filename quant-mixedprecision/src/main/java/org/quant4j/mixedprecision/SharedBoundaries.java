package org.quant4j.mixedprecision;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Corrections for pairs of float layers whose float islands touch, so that an assignment's predicted
 * latency does not count a boundary, or a layer, twice.
 *
 * <p>A layer moved alone to float gets a boundary on each tensor between it and an INT8 neighbour: a
 * standalone QuantizeLinear after it, a standalone DequantizeLinear before it (ONNX Runtime fuses the
 * other half into the neighbour's QLinear kernel); its measured float cost includes them. When both
 * ends of such a tensor are float, the model no longer converts it, yet both layers' costs count it.
 * The quantizer also keeps a layer float when its input comes from a float layer that ONNX Runtime
 * would otherwise fuse with the QuantizeLinear (a Conv after a float Conv): the single-float model of
 * the first layer then has the second in float too, and the sum of both costs counts the second
 * layer's float time twice. Two layers touch when their single-float models convert a common tensor
 * (from the profiles, {@link OrtProfile#boundaryMicros}) or have a float layer in common (from the
 * quantizer's decisions); the model with both float is then built and profiled, and the pair's
 * correction is its measured cost less the two single costs.
 *
 * <p>Only pairs of float layers are corrected. Two touching float16 layers (a latency backend with fast
 * float16) share the Cast between them too, and their summed costs count it twice; such pairs are not
 * measured, so the knapsack's prediction is high for contiguous float16 regions, and the measurement
 * of each solution on the validation split is what corrects it. Pair corrections for float16 were
 * tried and made the prediction worse: on the PaddleOCR classifier of the corpus, with a synthetic
 * float16 backend, the knapsack predicted its solution 393 us faster than INT8 and it measured 318 us
 * slower, against 68 us predicted and 101 us measured faster without them. A float16 layer makes the
 * quantizer keep the next layer float, as a float layer does, so the layers that change with a pair
 * overlap those of the next pair and the pairwise corrections do not add up.
 */
final class SharedBoundaries {

    private SharedBoundaries() {
    }

    /**
     * The correction of two float layers.
     *
     * @param first   the earlier layer in graph order
     * @param second  the later one
     * @param tensors the tensors both single-float models convert (empty when only a float layer is shared)
     * @param micros  to add to the sum of their float costs: the measured cost of both float less that sum
     */
    record Shared(String first, String second, Set<String> tensors, double micros) {

        Shared {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(second, "second");
            tensors = Set.copyOf(tensors);
        }
    }

    /**
     * Each layer's own boundaries: the tensors its single-float model converts as nodes of their own
     * and the base model does not convert so (a tensor the base model converts too is shared by every
     * variant, and its time differs between them only by noise), with their time.
     *
     * @param base  the base model's boundaries (tensor to microseconds)
     * @param alone the single-float model's boundaries
     * @return tensor to microseconds
     */
    static Map<String, Double> own(Map<String, Double> base, Map<String, Double> alone) {
        Map<String, Double> own = new LinkedHashMap<>(alone);
        own.keySet().removeAll(base.keySet());
        return own;
    }

    /**
     * The corrections of every pair of layers whose single-float models touch.
     *
     * @param layers    the layers in graph order
     * @param base      the assignment the single-float models were made from (one layer float each)
     * @param evaluator builds and profiles the models
     * @return the corrections, in graph order of their first layer
     */
    static List<Shared> find(List<String> layers, Assignment base, AssignmentEvaluator evaluator) {
        LatencyMeter.Timing baseTiming = evaluator.timing(base).orElseThrow();
        Map<String, Map<String, Double>> own = new LinkedHashMap<>();
        Map<String, Set<String>> floats = new LinkedHashMap<>();
        Map<String, Double> cost = new LinkedHashMap<>();
        for (String l : layers) {
            Assignment alone = base.with(l, LayerChoice.FLOAT);
            LatencyMeter.Timing t = evaluator.timing(alone).orElseThrow();
            own.put(l, own(baseTiming.boundaries(), t.boundaries()));
            floats.put(l, floatLayers(evaluator.effective(alone).orElseThrow()));
            cost.put(l, t.micros() - baseTiming.micros());
        }
        List<Shared> shared = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            String a = layers.get(i);
            for (int j = i + 1; j < layers.size(); j++) {
                String b = layers.get(j);
                Set<String> tensors = new LinkedHashSet<>(own.get(a).keySet());
                tensors.retainAll(own.get(b).keySet());
                Set<String> common = new LinkedHashSet<>(floats.get(a));
                common.retainAll(floats.get(b));
                if (tensors.isEmpty() && common.isEmpty()) {
                    continue;
                }
                Assignment both = base.with(a, LayerChoice.FLOAT).with(b, LayerChoice.FLOAT);
                double measured = evaluator.timing(both).orElseThrow().micros() - baseTiming.micros();
                shared.add(new Shared(a, b, tensors, measured - cost.get(a) - cost.get(b)));
            }
        }
        return shared;
    }

    private static Set<String> floatLayers(Assignment a) {
        Set<String> f = new LinkedHashSet<>();
        a.choices().forEach((l, c) -> {
            if (c == LayerChoice.FLOAT) {
                f.add(l);
            }
        });
        return f;
    }
}
