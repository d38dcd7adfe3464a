package org.quant4j.report.compare;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The Pareto front of a set of methods over two measures where higher is better (speedup and
 * accuracy): the methods no other method dominates. A method dominates another when it is at least
 * as good in both measures and strictly better in one. Generic over what a method is, so any row of
 * a comparison (a quantizer, a committed model, a mixed-precision search's pick) takes part alike.
 */
public final class ParetoFront {

    private ParetoFront() {
    }

    /**
     * The items of {@code items} on the front, ordered by {@code speed} ascending (then accuracy
     * descending); items whose measures are NaN take no part. Two items with equal measures are both
     * on the front when nothing dominates them.
     */
    public static <T> List<T> of(List<T> items, ToDoubleFunction<T> speed, ToDoubleFunction<T> accuracy) {
        List<T> front = new ArrayList<>();
        for (T candidate : items) {
            double s = speed.applyAsDouble(candidate);
            double a = accuracy.applyAsDouble(candidate);
            if (Double.isNaN(s) || Double.isNaN(a)) {
                continue;
            }
            boolean dominated = false;
            for (T other : items) {
                double os = speed.applyAsDouble(other);
                double oa = accuracy.applyAsDouble(other);
                if (os >= s && oa >= a && (os > s || oa > a)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                front.add(candidate);
            }
        }
        front.sort(Comparator.<T>comparingDouble(speed).thenComparing(
                Comparator.<T>comparingDouble(accuracy).reversed()));
        return front;
    }

    /**
     * The methods of {@code report} on the front of throughput speedup at batch 32 against
     * {@link ComparisonReport#faithfulness} (top-1 accuracy, or on data without labels the fidelity
     * the report qualifies methods by); methods without a throughput measurement take no part.
     */
    public static List<MethodResult> of(ComparisonReport report) {
        List<MethodResult> measured = report.methods().stream()
                .filter(m -> report.throughputSpeedup(m).isPresent()).toList();
        return of(measured, m -> report.throughputSpeedup(m).getAsDouble(), report::faithfulness);
    }
}
