package org.quant4j.mixedprecision;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * NNCF-style accuracy control: order the layers by predicted loss per microsecond that moving them
 * to float costs (most loss for least time first), then find by binary search the shortest prefix of
 * that order which, moved to float, measures within the budget on the validation split (layers of
 * equal predicted loss, cheapest float first). The plain per-channel INT8 model is measured too. The drop is
 * taken to fall as the prefix grows; every prefix tried is measured, and the fastest one within
 * budget is returned.
 */
final class GreedySearch {

    private GreedySearch() {
    }

    static SearchOutcome run(SearchSpace space) {
        long start = System.nanoTime();
        int before = space.evaluator().built();
        Assignment startAssignment = space.fastestInt8();
        List<LayerCost> order = new ArrayList<>(space.costs());
        // Layers whose predicted drop is the same (often all 0: single layers rarely move top-1 on a few
        // thousand samples) go cheapest float first.
        order.sort(Comparator.comparingDouble((LayerCost c) -> -ratio(c, startAssignment.of(c.layer())))
                .thenComparingDouble(c -> c.latency(LayerChoice.FLOAT) - c.latency(startAssignment.of(c.layer())))
                .thenComparing(LayerCost::layer));
        List<Evaluated> tried = new ArrayList<>();
        int lo = -1;
        int hi = order.size();
        Evaluated first = space.evaluator().onValidation(prefix(startAssignment, order, 0));
        tried.add(first);
        if (first.within(space.budget())) {
            hi = 0;
        } else {
            lo = 0;
        }
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            Evaluated e = space.evaluator().onValidation(prefix(startAssignment, order, mid));
            tried.add(e);
            if (e.within(space.budget())) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        if (hi == order.size()) {
            tried.add(space.evaluator().onValidation(space.allFloat()));
        }
        if (!startAssignment.equals(space.perChannel())) {
            // The per-tensor layers of the start were chosen on latency alone: the plain INT8 model competes.
            tried.add(space.evaluator().onValidation(space.perChannel()));
        }
        Evaluated chosen = space.best(tried);
        String what = "order of " + order.size() + " layers by predicted drop per microsecond of float; prefixes"
                + " measured: " + tried.stream().map(e -> String.valueOf(e.assignment().count(LayerChoice.FLOAT)))
                        .toList() + " layers in float";
        return new SearchOutcome(SearchMethod.GREEDY, chosen, chosen.within(space.budget()),
                space.evaluator().built() - before, AssignmentEvaluator.front(tried), what,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** Predicted drop avoided per microsecond of latency the float choice adds (at least 1 us). */
    private static double ratio(LayerCost c, LayerChoice from) {
        return c.drop(from) / Math.max(1.0, c.latency(LayerChoice.FLOAT) - c.latency(from));
    }

    private static Assignment prefix(Assignment start, List<LayerCost> order, int k) {
        Assignment a = start;
        for (int i = 0; i < k; i++) {
            a = a.with(order.get(i).layer(), LayerChoice.FLOAT);
        }
        return a;
    }
}
