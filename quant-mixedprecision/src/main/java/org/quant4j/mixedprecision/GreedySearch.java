package org.quant4j.mixedprecision;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * NNCF-style accuracy control, from two starts. A layer that leaves INT8 goes to its
 * {@link SearchSpace#fallback}: float, or float16 where the latency backend runs it fast and its
 * measured float16 drop alone is within budget. From the fastest INT8 model: order the layers by
 * predicted loss per microsecond that moving them out of INT8 costs (most loss for least time first),
 * then find by binary search the shortest prefix of that order which, moved out of INT8, measures
 * within the budget on the validation split (layers of equal predicted loss, cheapest fallback first).
 * The whole order moved out is measured too when no shorter prefix holds (with float16 fallbacks
 * their drops add up, so it may miss the budget); every layer float closes the list. From the
 * weighted-layers start ({@link SearchSpace#weightedInt8}: only Conv/MatMul-like layers INT8, few
 * boundaries): the same binary search over its INT8 layers ordered by one-on drop, largest first.
 * The second start matters when the budget keeps most layers float: the first start's costs are
 * measured one layer at a time against the all-INT8 model, and its prefixes leave INT8 islands of
 * cheap elementwise layers scattered among float ones, whose boundaries cost what they save (the OCR
 * detector of the corpus, docs/MODELS.md). The plain per-channel INT8 model is measured too. The drop
 * is taken to fall as a prefix grows (exactly so for float fallbacks up to measurement noise; float16
 * fallbacks add their own small drops); every prefix tried is measured, and the fastest one within
 * budget by profile is returned, except that when both starts have a pick within budget, the two
 * are timed side by side on the wall clock and the faster is returned (profiles taken minutes apart
 * under changing load ordered the detector's picks unlike the wall clock).
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
        order.sort(Comparator.comparingDouble((LayerCost c) -> -ratio(space, c, startAssignment.of(c.layer())))
                .thenComparingDouble(c -> c.latency(space.fallback(c)) - c.latency(startAssignment.of(c.layer())))
                .thenComparing(LayerCost::layer));
        List<Evaluated> tried = new ArrayList<>();
        int fromInt8 = shortestPrefix(space, startAssignment, order, tried);

        // The weighted-layers start: its INT8 layers go to their fallback, largest one-on drop first.
        Assignment weighted = space.weightedInt8();
        List<LayerCost> weightedOrder = new ArrayList<>(space.costs().stream()
                .filter(c -> weighted.of(c.layer()) != space.fallback(c)).toList());
        weightedOrder.sort(Comparator.comparingDouble((LayerCost c) -> -c.drop(weighted.of(c.layer())))
                .thenComparing(LayerCost::layer));
        int fromWeighted = weightedOrder.isEmpty() || weighted.equals(startAssignment) ? -1
                : shortestPrefix(space, weighted, weightedOrder, tried);
        if (fromInt8 >= order.size() && tried.stream().noneMatch(e -> e.assignment().equals(space.allFloat()))) {
            tried.add(space.evaluator().onValidation(space.allFloat()));
        }
        if (!startAssignment.equals(space.perChannel())) {
            // The per-tensor layers of the start were chosen on latency alone: the plain INT8 model competes.
            tried.add(space.evaluator().onValidation(space.perChannel()));
        }
        Evaluated chosen = space.best(tried);
        String timed = "";
        if (fromWeighted >= 0) {
            // Each start's fastest pick within budget by profile; the two are timed side by side on the wall clock.
            Optional<Evaluated> a = pick(space, tried, startAssignment, order);
            Optional<Evaluated> b = pick(space, tried, weighted, weightedOrder);
            if (a.isPresent() && b.isPresent() && !a.get().assignment().equals(b.get().assignment())) {
                double[] ms = space.evaluator().wallClock(List.of(a.get().assignment(), b.get().assignment()));
                chosen = ms[1] < ms[0] ? b.get() : a.get();
                timed = String.format(Locale.ROOT, "; the two starts' picks timed on the wall clock: %d out of INT8 %.3f ms,"
                        + " %d out of INT8 %.3f ms (weighted start)", a.get().assignment().outOfInt8(), ms[0],
                        b.get().assignment().outOfInt8(), ms[1]);
            }
        }
        boolean half = space.costs().stream().anyMatch(c -> space.fallback(c) == LayerChoice.FP16);
        String what = "order of " + order.size() + " layers by predicted drop per microsecond out of INT8, shortest"
                + " prefix within budget " + prefixText(fromInt8, order.size()) + (fromWeighted < 0 ? ""
                        : "; from the " + weightedOrder.size() + " layers with a weight INT8 (every other layer"
                                + (half ? " float or float16" : " float") + "), by one-on drop, shortest prefix within budget "
                                + prefixText(fromWeighted, weightedOrder.size()))
                + "; prefixes measured: " + tried.stream()
                        .map(e -> String.valueOf(e.assignment().outOfInt8())).toList()
                + " layers out of INT8 (float" + (half ? ", or float16 where the backend runs it fast" : "") + ")"
                + timed;
        return new SearchOutcome(SearchMethod.GREEDY, chosen, chosen.within(space.budget()),
                space.evaluator().built() - before, AssignmentEvaluator.front(tried), what,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * The binary search over prefixes of {@code order} moved out of INT8 (each layer to its fallback)
     * from {@code start}; every model measured is added to {@code tried}.
     *
     * @return the length of the shortest prefix found within budget, {@code order.size() + 1} when none
     *         is, the whole order included
     */
    private static int shortestPrefix(SearchSpace space, Assignment start, List<LayerCost> order,
            List<Evaluated> tried) {
        int lo = -1;
        int hi = order.size();
        Evaluated first = space.evaluator().onValidation(prefix(space, start, order, 0));
        tried.add(first);
        if (first.within(space.budget())) {
            hi = 0;
        } else {
            lo = 0;
        }
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            Evaluated e = space.evaluator().onValidation(prefix(space, start, order, mid));
            tried.add(e);
            if (e.within(space.budget())) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        if (hi == order.size() && hi > 0) {
            // The binary search took the whole order to hold without measuring it.
            Evaluated all = space.evaluator().onValidation(prefix(space, start, order, hi));
            tried.add(all);
            if (!all.within(space.budget())) {
                return hi + 1;
            }
        }
        return hi;
    }

    /**
     * The fastest by profile within budget of the measured prefixes of {@code order} from {@code start}
     * (a prefix's models differ from the start only in layers of {@code order}, each at its fallback).
     */
    private static Optional<Evaluated> pick(SearchSpace space, List<Evaluated> tried, Assignment start,
            List<LayerCost> order) {
        List<Evaluated> fromStart = new ArrayList<>();
        Assignment p = start;
        for (int k = 0; k <= order.size(); k++) {
            Assignment prefix = p;
            tried.stream().filter(e -> e.assignment().equals(prefix)).findFirst().ifPresent(fromStart::add);
            if (k < order.size()) {
                p = p.with(order.get(k).layer(), space.fallback(order.get(k)));
            }
        }
        return fromStart.stream().filter(e -> e.within(space.budget()))
                .min(Comparator.comparingDouble(Evaluated::latencyMicros));
    }

    private static String prefixText(int k, int n) {
        return k > n ? "none (all " + n + " moved out of INT8 measured over budget)" : k + " of " + n;
    }

    /**
     * Predicted drop avoided per microsecond of latency the layer's {@link SearchSpace#fallback} adds
     * (at least 1 us), less the fallback's own predicted drop.
     */
    private static double ratio(SearchSpace space, LayerCost c, LayerChoice from) {
        LayerChoice to = space.fallback(c);
        return (c.drop(from) - c.drop(to)) / Math.max(1.0, c.latency(to) - c.latency(from));
    }

    private static Assignment prefix(SearchSpace space, Assignment start, List<LayerCost> order, int k) {
        Assignment a = start;
        for (int i = 0; i < k; i++) {
            a = a.with(order.get(i).layer(), space.fallback(order.get(i)));
        }
        return a;
    }
}
