package org.quant4j.mixedprecision;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A multiple-choice knapsack, solved by dynamic programming: each layer takes one of its choices;
 * minimise the sum of the measured latency changes subject to the sum of the predicted drops (one-on
 * drops; float predicts 0) staying within the budget, the drops counted in {@value #UNITS}ths of
 * the budget (rounded up, so the discrete solution never exceeds the continuous budget). The
 * predicted drops add up only approximately, so the solution is measured on the validation split;
 * while it misses, the knapsack is solved again with half the budget ({@value #RETRIES} times at
 * most, or until the solution stops changing), and the fastest measured model within budget, the
 * plain per-channel INT8 model included, is returned.
 */
final class KnapsackSearch {

    static final int UNITS = 400;
    static final int RETRIES = 4;

    private KnapsackSearch() {
    }

    static SearchOutcome run(SearchSpace space) {
        long start = System.nanoTime();
        int before = space.evaluator().built();
        List<Evaluated> tried = new ArrayList<>();
        List<String> budgets = new ArrayList<>();
        double budget = space.budget();
        tried.add(space.evaluator().onValidation(space.perChannel()));
        for (int attempt = 0; attempt <= RETRIES; attempt++) {
            Assignment a = solve(space.costs(), budget);
            if (attempt > 0 && a.equals(tried.get(tried.size() - 1).assignment())) {
                // The predicted drops are too coarse for a tighter budget to change the solution.
                break;
            }
            Evaluated e = space.evaluator().onValidation(a);
            tried.add(e);
            budgets.add(String.format(Locale.ROOT, "%.5f (%d float)", budget, a.count(LayerChoice.FLOAT)));
            if (e.within(space.budget())) {
                break;
            }
            budget /= 2;
        }
        if (tried.stream().noneMatch(e -> e.within(space.budget()))) {
            tried.add(space.evaluator().onValidation(space.allFloat()));
        }
        Evaluated chosen = space.best(tried);
        return new SearchOutcome(SearchMethod.DP, chosen, chosen.within(space.budget()),
                space.evaluator().built() - before, AssignmentEvaluator.front(tried),
                "knapsack solved for predicted budgets " + budgets, Duration.ofNanos(System.nanoTime() - start));
    }

    /** The assignment of least predicted latency whose predicted drop is within {@code budget}. */
    static Assignment solve(List<LayerCost> costs, double budget) {
        int n = costs.size();
        double unit = budget / UNITS;
        double[] best = new double[UNITS + 1];
        java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
        best[0] = 0;
        LayerChoice[][] pick = new LayerChoice[n][UNITS + 1];
        int[][] from = new int[n][UNITS + 1];
        for (int i = 0; i < n; i++) {
            LayerCost c = costs.get(i);
            double[] next = new double[UNITS + 1];
            java.util.Arrays.fill(next, Double.POSITIVE_INFINITY);
            for (int u = 0; u <= UNITS; u++) {
                if (best[u] == Double.POSITIVE_INFINITY) {
                    continue;
                }
                for (LayerChoice ch : c.choices()) {
                    double d = c.drop(ch);
                    int w;
                    if (d <= 0) {
                        w = 0;
                    } else if (unit <= 0) {
                        continue;
                    } else {
                        double units = Math.ceil(d / unit);
                        if (units > UNITS) {
                            continue;
                        }
                        w = (int) units;
                    }
                    int v = u + w;
                    if (v > UNITS) {
                        continue;
                    }
                    double t = best[u] + c.latency(ch);
                    if (t < next[v] || (t == next[v] && ch.ordinal() < pick[i][v].ordinal())) {
                        next[v] = t;
                        pick[i][v] = ch;
                        from[i][v] = u;
                    }
                }
            }
            best = next;
        }
        int end = 0;
        for (int u = 1; u <= UNITS; u++) {
            if (best[u] < best[end]) {
                end = u;
            }
        }
        Map<String, LayerChoice> chosen = new LinkedHashMap<>();
        LayerChoice[] choices = new LayerChoice[n];
        for (int i = n - 1; i >= 0; i--) {
            choices[i] = pick[i][end];
            end = from[i][end];
        }
        for (int i = 0; i < n; i++) {
            chosen.put(costs.get(i).layer(), choices[i]);
        }
        return new Assignment(chosen);
    }
}
